#include "fcfs-scheduler.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FcfsScheduler");
NS_OBJECT_ENSURE_REGISTERED(FcfsScheduler);

TypeId
FcfsScheduler::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FcfsScheduler")
                            .SetParent<LlmScheduler>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<FcfsScheduler>();
    return tid;
}

FcfsScheduler::FcfsScheduler() = default;

std::string
FcfsScheduler::GetName() const
{
    return "fcfs";
}

void
FcfsScheduler::Enqueue(InferenceJob job)
{
    m_queue.push_back(std::move(job));
    if (!m_running)
    {
        StartNext();
    }
}

uint32_t
FcfsScheduler::GetWaiting() const
{
    return m_queue.size();
}

uint32_t
FcfsScheduler::GetRunning() const
{
    return m_running ? 1 : 0;
}

std::vector<InferenceJob>
FcfsScheduler::TakeAll()
{
    std::vector<InferenceJob> jobs;
    m_event.Cancel();
    if (m_running)
    {
        jobs.push_back(std::move(m_current));
        m_running = false;
    }
    for (InferenceJob& job : m_queue)
    {
        jobs.push_back(std::move(job));
    }
    m_queue.clear();
    NotifyWaiting(0);
    NotifyBusy(false);
    return jobs;
}

void
FcfsScheduler::StartNext()
{
    if (m_queue.empty())
    {
        NotifyBusy(false);
        return;
    }
    m_current = std::move(m_queue.front());
    m_queue.pop_front();
    NotifyWaiting(m_queue.size());
    m_running = true;
    NotifyBusy(true);
    NotifyStarted(m_current);
    NotifyAdmitted(m_current);
    if (m_current.promptTokens == 0)
    {
        PrefillDone(); // decode steps from a cached context: nothing to prefill
        return;
    }
    double seconds;
    if (m_current.contextTokens == 0)
    {
        seconds = m_cost->PrefillSeconds(m_current.promptTokens, m_current.layers);
    }
    else
    {
        BatchStep step;
        step.prefillTokens = {m_current.promptTokens};
        step.prefillCached = {m_current.contextTokens};
        seconds = m_cost->BatchStepSeconds(step, m_current.layers);
    }
    const Time prefill = Seconds(seconds);
    m_event = Simulator::Schedule(prefill, [this, prefill]() {
        NotifyIterations(1, m_current.promptTokens, 1, prefill, m_current.outputTokens > 0 ? 1 : 0);
        PrefillDone();
    });
}

void
FcfsScheduler::PrefillDone()
{
    const InferenceJob& job = m_current;
    const uint32_t cached = job.contextTokens + job.promptTokens;
    if (job.outputTokens == 0)
    {
        Complete(); // prefill only
        return;
    }
    if (job.promptTokens > 0)
    {
        NotifyFirstToken(m_current);
        const uint32_t steps = job.outputTokens - 1;
        const Time decode = Seconds(m_cost->DecodeSeconds(steps, cached, job.layers));
        m_event = Simulator::Schedule(decode, [this, steps, decode]() {
            if (steps > 0)
            {
                NotifyIterations(1, 1, steps, decode, steps);
            }
            Complete();
        });
        return;
    }
    // Decode only: the first step gives the first token.
    const Time first = Seconds(m_cost->DecodeSeconds(1, cached, job.layers));
    m_event = Simulator::Schedule(first, [this, cached, first]() {
        NotifyIterations(1, 1, 1, first, 1);
        NotifyFirstToken(m_current);
        const uint32_t steps = m_current.outputTokens - 1;
        const Time rest = Seconds(m_cost->DecodeSeconds(steps, cached + 1, m_current.layers));
        m_event = Simulator::Schedule(rest, [this, steps, rest]() {
            if (steps > 0)
            {
                NotifyIterations(1, 1, steps, rest, steps);
            }
            Complete();
        });
    });
}

void
FcfsScheduler::Complete()
{
    m_running = false;
    InferenceJob done = std::move(m_current);
    m_current = InferenceJob();
    NotifyCompleted(std::move(done));
    // A callback may have submitted more work and started it already.
    if (!m_running)
    {
        StartNext();
    }
}

void
FcfsScheduler::DoDispose()
{
    Simulator::Cancel(m_event);
    m_queue.clear();
    LlmScheduler::DoDispose();
}

} // namespace ns3
