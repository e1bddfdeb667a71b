#include "continuous-batching-scheduler.h"

#include "kv-cache-memory.h"
#include "number-text.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ContinuousBatchingScheduler");
NS_OBJECT_ENSURE_REGISTERED(ContinuousBatchingScheduler);

TypeId
ContinuousBatchingScheduler::GetTypeId()
{
    // Defaults follow vLLM's engine arguments (max_num_seqs 256, block_size 16,
    // gpu_memory_utilization 0.9; 8192 batched tokens as its online-serving default).
    static TypeId tid =
        TypeId("ns3::ContinuousBatchingScheduler")
            .SetParent<LlmScheduler>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<ContinuousBatchingScheduler>()
            .AddAttribute("MaxNumSeqs",
                          "Sequences in the running batch at most (>= 1)",
                          UintegerValue(256),
                          MakeUintegerAccessor(&ContinuousBatchingScheduler::m_maxNumSeqs),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("MaxNumBatchedTokens",
                          "Tokens one iteration computes at most: one per decode, the prompt "
                          "(or chunk) of each prefill (>= MaxNumSeqs and >= BlockSize)",
                          UintegerValue(8192),
                          MakeUintegerAccessor(&ContinuousBatchingScheduler::m_maxNumBatchedTokens),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("BlockSize",
                          "Tokens per KV-cache block (>= 1)",
                          UintegerValue(16),
                          MakeUintegerAccessor(&ContinuousBatchingScheduler::m_blockSize),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("MemoryUtilization",
                          "Share of device memory for weights and KV cache, in (0, 1]",
                          DoubleValue(0.9),
                          MakeDoubleAccessor(&ContinuousBatchingScheduler::m_memoryUtilisation),
                          MakeDoubleChecker<double>())
            .AddAttribute("ChunkedPrefill",
                          "Split long prompts across iterations within the token budget",
                          BooleanValue(false),
                          MakeBooleanAccessor(&ContinuousBatchingScheduler::m_chunkedPrefill),
                          MakeBooleanChecker())
            .AddAttribute("FastForward",
                          "Compute unchanged decode-only iterations as one event (same times)",
                          BooleanValue(true),
                          MakeBooleanAccessor(&ContinuousBatchingScheduler::m_fastForward),
                          MakeBooleanChecker());
    return tid;
}

ContinuousBatchingScheduler::ContinuousBatchingScheduler() = default;

std::string
ContinuousBatchingScheduler::GetName() const
{
    return "continuous";
}

void
ContinuousBatchingScheduler::Configure(LlmEngine* engine,
                                       Ptr<InferenceCostModel> cost,
                                       LayerRange held)
{
    auto fail = [](const std::string& what) { throw std::invalid_argument(what); };
    if (m_maxNumSeqs < 1)
    {
        fail("ContinuousBatchingScheduler MaxNumSeqs=0: accepted >= 1");
    }
    if (m_blockSize < 1)
    {
        fail("ContinuousBatchingScheduler BlockSize=0: accepted >= 1");
    }
    if (m_maxNumBatchedTokens < m_blockSize || m_maxNumBatchedTokens < m_maxNumSeqs)
    {
        fail("ContinuousBatchingScheduler MaxNumBatchedTokens=" +
             std::to_string(m_maxNumBatchedTokens) + ": accepted >= BlockSize (" +
             std::to_string(m_blockSize) + ") and >= MaxNumSeqs (" + std::to_string(m_maxNumSeqs) +
             ")");
    }
    if (!(m_memoryUtilisation > 0 && m_memoryUtilisation <= 1))
    {
        fail("ContinuousBatchingScheduler MemoryUtilization=" + NumberText(m_memoryUtilisation) +
             ": accepted (0, 1]");
    }
    NS_ABORT_MSG_IF(!m_running.empty() || !m_waiting.empty(),
                    "ContinuousBatchingScheduler reconfigured while holding jobs");
    LlmScheduler::Configure(engine, cost, held);
    const ModelSpec& model = cost->GetModel();
    m_kvBlocks =
        KvCacheMemory::Of(model, cost->GetDevice(), held)
            .Blocks(m_memoryUtilisation,
                    m_blockSize,
                    "model '" + model.name + "' on device '" + cost->GetDevice().name + "'");
    m_freeBlocks = m_kvBlocks;
}

std::vector<InferenceJob>
ContinuousBatchingScheduler::TakeAll()
{
    std::vector<InferenceJob> jobs;
    m_event.Cancel();
    m_iterating = false;
    m_boundaries.clear();
    for (Sequence& s : m_running)
    {
        jobs.push_back(std::move(s.job));
    }
    for (Sequence& s : m_waiting)
    {
        jobs.push_back(std::move(s.job));
    }
    m_running.clear();
    m_waiting.clear();
    m_freeBlocks = m_kvBlocks;
    NotifyKvBlocksInUse(0);
    NotifyWaiting(0);
    NotifyBusy(false);
    return jobs;
}

uint32_t
ContinuousBatchingScheduler::BlocksFor(uint32_t tokens) const
{
    return (tokens + m_blockSize - 1) / m_blockSize;
}

uint32_t
ContinuousBatchingScheduler::PeakTokens(const InferenceJob& job) const
{
    // The last output token's KV entry is never written; a prefill-only job ends at its prompt.
    const uint32_t total = job.TotalTokens();
    return job.outputTokens > 0 && job.promptTokens > 0 ? total - 1 : total;
}

std::string
ContinuousBatchingScheduler::Refuse(const InferenceJob& job) const
{
    const uint32_t peak = PeakTokens(job);
    if (BlocksFor(peak) > m_kvBlocks)
    {
        return "kv-cache-too-small";
    }
    // A preempted job recomputes what it had cached plus its pending token in one prefill:
    // up to its peak.
    if (!m_chunkedPrefill && peak > m_maxNumBatchedTokens)
    {
        return "over-token-budget";
    }
    return "";
}

void
ContinuousBatchingScheduler::Enqueue(InferenceJob job)
{
    Sequence s;
    s.cached = job.contextTokens;
    s.toPrefill = job.promptTokens;
    s.job = std::move(job);
    m_waiting.push_back(std::move(s));
    NotifyWaiting(m_waiting.size());
    if (m_decodeWindow)
    {
        CutWindow();
    }
    StartSoon();
}

void
ContinuousBatchingScheduler::StartSoon()
{
    if (!m_iterating)
    {
        // Jobs arriving at the same instant join the same first iteration.
        m_iterating = true;
        m_event = Simulator::ScheduleNow(&ContinuousBatchingScheduler::Plan, this);
    }
}

uint32_t
ContinuousBatchingScheduler::GetWaiting() const
{
    return m_waiting.size();
}

uint32_t
ContinuousBatchingScheduler::GetRunning() const
{
    return m_running.size();
}

uint32_t
ContinuousBatchingScheduler::GetKvBlocks() const
{
    return m_kvBlocks;
}

void
ContinuousBatchingScheduler::Preempt(size_t index)
{
    Sequence s = std::move(m_running[index]);
    m_running.erase(m_running.begin() + index);
    m_freeBlocks += s.blocks;
    s.blocks = 0;
    // Recompute: the prompt still to prefill, or everything cached plus the pending token.
    s.toPrefill = s.toPrefill > 0 ? s.cached + s.toPrefill : s.cached + 1;
    s.cached = 0;
    s.scheduled = 0;
    ++s.job.preemptions;
    NS_LOG_INFO("preempt request " << s.job.requestId << " (" << s.toPrefill
                                   << " tokens to recompute)");
    NotifyPreempted(s.job);
    m_waiting.push_front(std::move(s));
}

void
ContinuousBatchingScheduler::Plan()
{
    uint32_t budget = m_maxNumBatchedTokens;
    bool preempted = false;
    // 1. The running batch, oldest first.
    for (size_t i = 0; i < m_running.size(); ++i)
    {
        Sequence& s = m_running[i];
        s.scheduled = 0;
        if (budget == 0)
        {
            continue;
        }
        if (s.toPrefill > 0)
        {
            s.scheduled = std::min(s.toPrefill, budget); // the next chunk
            budget -= s.scheduled;
            continue;
        }
        const uint32_t need = BlocksFor(s.cached + 1) - s.blocks;
        bool selfPreempted = false;
        while (need > m_freeBlocks)
        {
            preempted = true;
            const size_t victim = m_running.size() - 1;
            Preempt(victim);
            if (victim == i)
            {
                selfPreempted = true;
                break;
            }
        }
        if (selfPreempted)
        {
            break;
        }
        m_freeBlocks -= need;
        m_running[i].blocks += need;
        m_running[i].scheduled = 1;
        budget -= 1;
    }
    // 2. Admissions, FCFS, unless this iteration had to preempt.
    while (!preempted && !m_waiting.empty() && m_running.size() < m_maxNumSeqs && budget > 0)
    {
        Sequence& w = m_waiting.front();
        const uint32_t tokens = std::max<uint32_t>(w.toPrefill, 1);
        if (!m_chunkedPrefill && tokens > budget)
        {
            break;
        }
        const uint32_t need = BlocksFor(w.cached + tokens);
        if (need > m_freeBlocks)
        {
            break;
        }
        m_freeBlocks -= need;
        w.blocks = need;
        w.scheduled = std::min(tokens, budget);
        budget -= w.scheduled;
        if (!w.started)
        {
            w.started = true;
            NotifyStarted(w.job);
        }
        NotifyAdmitted(w.job);
        m_running.push_back(std::move(w));
        m_waiting.pop_front();
    }
    NotifyWaiting(m_waiting.size());
    NotifyKvBlocksInUse(m_kvBlocks - m_freeBlocks);
    if (m_running.empty())
    {
        if (preempted && !m_waiting.empty())
        {
            Plan(); // cannot happen while every job fits the cache alone; never stall
            return;
        }
        m_iterating = false;
        NotifyBusy(false);
        return;
    }
    NotifyBusy(true);
    BatchStep step;
    m_prefillLayers.clear();
    m_decodeLayers.clear();
    for (const Sequence& s : m_running)
    {
        if (s.scheduled == 0)
        {
            continue;
        }
        if (s.toPrefill > 0)
        {
            step.prefillTokens.push_back(s.scheduled);
            step.prefillCached.push_back(s.cached);
            m_prefillLayers.push_back(s.job.layers);
        }
        else
        {
            step.decodeContexts.push_back(s.cached);
            m_decodeLayers.push_back(s.job.layers);
        }
    }
    const Time duration =
        Seconds(m_cost->MixedBatchStepSeconds(step, m_prefillLayers, m_decodeLayers));
    m_windowStart = Simulator::Now();
    m_boundaries.assign(1, m_windowStart + duration);
    m_decodeWindow = false;
    if (m_fastForward && !preempted && step.prefillTokens.empty() &&
        step.decodeContexts.size() == m_running.size())
    {
        PlanWindow(step);
    }
    m_event = Simulator::Schedule(m_boundaries.back() - Simulator::Now(),
                                  &ContinuousBatchingScheduler::IterationsDone,
                                  this);
}

void
ContinuousBatchingScheduler::PlanWindow(const BatchStep& first)
{
    // Steps until the first completion, or a first token of a decode-only job.
    uint32_t steps = UINT32_MAX;
    for (const Sequence& s : m_running)
    {
        if (s.generated == 0)
        {
            return; // its first token must be seen at its own time
        }
        steps = std::min(steps, s.job.outputTokens - s.generated);
    }
    // Each further step j (after the first) may need new blocks; stop before they run out.
    BatchStep step = first;
    uint32_t extra = 0;
    Time end = m_boundaries.back();
    for (uint32_t j = 1; j < steps; ++j)
    {
        for (size_t i = 0; i < m_running.size(); ++i)
        {
            const Sequence& s = m_running[i];
            // Before step j+1 the sequence holds cached + j tokens and writes one more.
            if (BlocksFor(s.cached + j + 1) > BlocksFor(s.cached + j) &&
                BlocksFor(s.cached + j + 1) > s.blocks)
            {
                ++extra;
            }
            step.decodeContexts[i] = s.cached + j;
        }
        if (extra > m_freeBlocks)
        {
            break;
        }
        end += Seconds(m_cost->MixedBatchStepSeconds(step, m_prefillLayers, m_decodeLayers));
        m_boundaries.push_back(end);
    }
    m_decodeWindow = m_boundaries.size() > 1;
}

void
ContinuousBatchingScheduler::CutWindow()
{
    // The first boundary at or after now: iterations are never interrupted.
    auto it = std::lower_bound(m_boundaries.begin(), m_boundaries.end(), Simulator::Now());
    const size_t keep = static_cast<size_t>(it - m_boundaries.begin()) + 1;
    if (keep < m_boundaries.size())
    {
        m_boundaries.resize(keep);
        Simulator::Cancel(m_event);
        m_event = Simulator::Schedule(m_boundaries.back() - Simulator::Now(),
                                      &ContinuousBatchingScheduler::IterationsDone,
                                      this);
    }
    m_decodeWindow = false; // cut once; later arrivals wait for the same boundary
}

void
ContinuousBatchingScheduler::IterationsDone()
{
    const uint32_t steps = m_boundaries.size();
    const Time duration = m_boundaries.back() - m_windowStart;
    m_decodeWindow = false;
    uint32_t sequences = 0;
    uint32_t tokens = 0; // of each iteration: what was scheduled
    uint64_t outputs = 0;
    std::vector<size_t> firstTokens;
    for (size_t i = 0; i < m_running.size(); ++i)
    {
        Sequence& s = m_running[i];
        if (s.scheduled == 0)
        {
            continue;
        }
        ++sequences;
        tokens += s.scheduled;
        if (s.toPrefill > 0)
        {
            s.cached += s.scheduled;
            s.toPrefill -= s.scheduled;
            if (s.toPrefill == 0 && s.generated < s.job.outputTokens)
            {
                ++s.generated; // the end of a prefill yields a token
                ++outputs;
            }
        }
        else
        {
            s.cached += steps;
            s.generated += steps;
            outputs += steps;
            const uint32_t need = BlocksFor(s.cached);
            if (need > s.blocks)
            {
                m_freeBlocks -= need - s.blocks;
                s.blocks = need;
            }
        }
        if (s.generated > 0 && !s.firstTokenSent)
        {
            firstTokens.push_back(i);
        }
    }
    NotifyIterations(sequences, tokens, steps, duration, outputs);
    // Each sequence's share of the window's compute, by its tokens per iteration.
    for (Sequence& s : m_running)
    {
        if (s.scheduled > 0 && tokens > 0)
        {
            s.job.computeShare += duration * s.scheduled / tokens;
        }
    }
    for (size_t i : firstTokens)
    {
        m_running[i].firstTokenSent = true;
        NotifyFirstToken(m_running[i].job);
    }
    // Completions leave the batch in order; their callbacks may submit more work, which
    // waits for the next iteration.
    std::vector<InferenceJob> done;
    size_t kept = 0;
    for (size_t i = 0; i < m_running.size(); ++i)
    {
        Sequence& s = m_running[i];
        if (s.toPrefill == 0 && s.generated >= s.job.outputTokens)
        {
            m_freeBlocks += s.blocks;
            done.push_back(std::move(s.job));
        }
        else
        {
            if (kept != i)
            {
                m_running[kept] = std::move(s);
            }
            ++kept;
        }
    }
    m_running.resize(kept);
    NotifyKvBlocksInUse(m_kvBlocks - m_freeBlocks);
    for (InferenceJob& job : done)
    {
        NotifyCompleted(std::move(job));
    }
    Plan();
}

void
ContinuousBatchingScheduler::DoDispose()
{
    Simulator::Cancel(m_event);
    m_waiting.clear();
    m_running.clear();
    LlmScheduler::DoDispose();
}

} // namespace ns3
