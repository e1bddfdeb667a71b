#include "llm-engine.h"

#include "ns3/boolean.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmEngine");
NS_OBJECT_ENSURE_REGISTERED(LlmEngine);

TypeId
LlmEngine::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LlmEngine")
            .SetParent<Object>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<LlmEngine>()
            .AddAttribute("QueueCapacity",
                          "Jobs that may wait while others run; more are dropped (queue-full)",
                          UintegerValue(64),
                          MakeUintegerAccessor(&LlmEngine::m_queueCapacity),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("FirstLayer",
                          "First transformer block this engine holds (0 includes the embedding)",
                          UintegerValue(0),
                          MakeUintegerAccessor(&LlmEngine::m_firstLayer),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("LastLayer",
                          "One past the last block held (0: the model's end, with its head)",
                          UintegerValue(0),
                          MakeUintegerAccessor(&LlmEngine::m_lastLayer),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("CheckMemory",
                          "Refuse, at set-up, a model whose held layers and the KV cache of one "
                          "full-context sequence do not fit the device. A split-inference "
                          "client turns it off: its planner keeps each placement within memory",
                          BooleanValue(true),
                          MakeBooleanAccessor(&LlmEngine::m_checkMemory),
                          MakeBooleanChecker())
            .AddAttribute("Scheduler",
                          "How accepted jobs are ordered and batched",
                          StringValue("ns3::FcfsScheduler"),
                          MakePointerAccessor(&LlmEngine::SetScheduler, &LlmEngine::GetScheduler),
                          MakePointerChecker<LlmScheduler>())
            .AddAttribute("CostModel",
                          "What inference costs on this node",
                          PointerValue(),
                          MakePointerAccessor(&LlmEngine::SetCostModel, &LlmEngine::GetCostModel),
                          MakePointerChecker<InferenceCostModel>())
            .AddTraceSource("QueueLength",
                            "Jobs waiting (not counting the running ones)",
                            MakeTraceSourceAccessor(&LlmEngine::m_queueLength),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("KvBlocksInUse",
                            "KV-cache blocks held by running jobs (continuous batching)",
                            MakeTraceSourceAccessor(&LlmEngine::m_kvBlocksInUse),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("Enqueued",
                            "A job was accepted",
                            MakeTraceSourceAccessor(&LlmEngine::m_enqueuedTrace),
                            "ns3::LlmEngine::JobTracedCallback")
            .AddTraceSource("Started",
                            "A job began its first computation",
                            MakeTraceSourceAccessor(&LlmEngine::m_startedTrace),
                            "ns3::LlmEngine::JobTracedCallback")
            .AddTraceSource("Admitted",
                            "A job joined the running batch (again after a preemption)",
                            MakeTraceSourceAccessor(&LlmEngine::m_admittedTrace),
                            "ns3::LlmEngine::JobTracedCallback")
            .AddTraceSource("FirstToken",
                            "A job produced its first output token (jobs that run the head only)",
                            MakeTraceSourceAccessor(&LlmEngine::m_firstTokenTrace),
                            "ns3::LlmEngine::JobTracedCallback")
            .AddTraceSource("Completed",
                            "A job produced its last token",
                            MakeTraceSourceAccessor(&LlmEngine::m_completedTrace),
                            "ns3::LlmEngine::JobTracedCallback")
            .AddTraceSource("Preempted",
                            "A running job lost its KV cache to another and waits to be redone",
                            MakeTraceSourceAccessor(&LlmEngine::m_preemptedTrace),
                            "ns3::LlmEngine::JobTracedCallback")
            .AddTraceSource("Iteration",
                            "Identical engine iterations ended: sequences and tokens in each, "
                            "how many, their total duration",
                            MakeTraceSourceAccessor(&LlmEngine::m_iterationTrace),
                            "ns3::LlmEngine::IterationTracedCallback")
            .AddTraceSource("Dropped",
                            "A job was refused or lost, with the reason (queue-full, "
                            "context-too-long, empty-job, kv-cache-too-small, "
                            "over-token-budget, energy-depleted)",
                            MakeTraceSourceAccessor(&LlmEngine::m_droppedTrace),
                            "ns3::LlmEngine::DropTracedCallback")
            .AddTraceSource("Busy",
                            "The device starts computing (true) or has nothing left to "
                            "compute (false): what its power draw follows",
                            MakeTraceSourceAccessor(&LlmEngine::m_busyTrace),
                            "ns3::LlmEngine::BusyTracedCallback");
    return tid;
}

LlmEngine::LlmEngine()
    : m_queueLength(0),
      m_kvBlocksInUse(0)
{
}

LlmEngine::~LlmEngine() = default;

void
LlmEngine::SetCostModel(Ptr<InferenceCostModel> costModel)
{
    Ptr<InferenceCostModel> previous = m_costModel;
    m_costModel = costModel;
    m_configured = false;
    try
    {
        if (costModel)
        {
            CheckSetUp();
        }
    }
    catch (...)
    {
        m_costModel = previous; // a refused model is not kept
        throw;
    }
}

Ptr<InferenceCostModel>
LlmEngine::GetCostModel() const
{
    return m_costModel;
}

void
LlmEngine::SetScheduler(Ptr<LlmScheduler> scheduler)
{
    NS_ABORT_MSG_IF(m_scheduler && (m_scheduler->GetWaiting() + m_scheduler->GetRunning() > 0),
                    "LlmEngine: the scheduler cannot change while it holds jobs");
    m_scheduler = scheduler;
    m_configured = false;
    if (m_costModel && m_scheduler)
    {
        CheckSetUp();
    }
}

Ptr<LlmScheduler>
LlmEngine::GetScheduler() const
{
    return m_scheduler;
}

LayerRange
LlmEngine::GetHeldLayers() const
{
    const uint32_t layers = m_costModel ? m_costModel->GetModel().layers : 0;
    return LayerRange{m_firstLayer, m_lastLayer == 0 ? layers : m_lastLayer};
}

void
LlmEngine::CheckSetUp()
{
    const ModelSpec& model = m_costModel->GetModel();
    const LayerRange held = GetHeldLayers();
    if (held.first >= held.last || held.last > model.layers)
    {
        throw std::invalid_argument(
            "FirstLayer=" + std::to_string(m_firstLayer) +
            " and LastLayer=" + std::to_string(m_lastLayer) + " are not a range of the model's " +
            std::to_string(model.layers) + " blocks (accepted: 0 <= FirstLayer < LastLayer <= " +
            std::to_string(model.layers) + ", LastLayer 0 = the end)");
    }
    if (m_checkMemory)
    {
        m_costModel->CheckFitsDevice(held);
    }
    if (m_scheduler)
    {
        m_scheduler->Configure(this, m_costModel, held);
        m_configured = true;
    }
}

bool
LlmEngine::Submit(InferenceJob job)
{
    NS_LOG_FUNCTION(this << job.requestId << job.contextTokens << job.promptTokens
                         << job.outputTokens);
    NS_ABORT_MSG_IF(!m_costModel, "LlmEngine has no CostModel");
    NS_ABORT_MSG_IF(!m_scheduler, "LlmEngine has no Scheduler");
    if (!m_configured)
    {
        CheckSetUp(); // attributes may have changed since the cost model was set
    }
    const ModelSpec& model = m_costModel->GetModel();
    if (job.layers.first == 0 && job.layers.last == 0)
    {
        job.layers = GetHeldLayers();
    }
    if (!m_offReason.empty())
    {
        Drop(job, m_offReason);
        return false;
    }
    const bool nothingToDo = job.promptTokens == 0 && job.outputTokens == 0;
    const bool decodeWithoutContext = job.promptTokens == 0 && job.contextTokens == 0;
    if (nothingToDo || decodeWithoutContext)
    {
        Drop(job, "empty-job");
        return false;
    }
    if (job.TotalTokens() > model.maxContext)
    {
        Drop(job, "context-too-long");
        return false;
    }
    const std::string refusal = m_scheduler->Refuse(job);
    if (!refusal.empty())
    {
        Drop(job, refusal);
        return false;
    }
    if (IsBusy() && m_scheduler->GetWaiting() >= m_queueCapacity)
    {
        Drop(job, "queue-full");
        return false;
    }
    job.enqueued = Simulator::Now();
    m_enqueuedTrace(job);
    m_scheduler->Enqueue(std::move(job));
    // Traced after Enqueue so that a job meeting an idle engine never shows as waiting.
    m_queueLength = m_scheduler->GetWaiting();
    return true;
}

void
LlmEngine::Drop(InferenceJob& job, const std::string& reason)
{
    NS_LOG_INFO("drop request " << job.requestId << ": " << reason);
    m_droppedTrace(job, reason);
    if (!job.onDropped.IsNull())
    {
        job.onDropped(job, reason);
    }
}

void
LlmEngine::AccountKv()
{
    const Time now = Simulator::Now();
    m_kvBlockSeconds += m_kvBlocksInUse.Get() * (now - m_kvSince).GetSeconds();
    m_kvSince = now;
}

void
LlmEngine::PowerOff(const std::string& reason)
{
    NS_LOG_FUNCTION(this << reason);
    NS_ABORT_MSG_IF(reason.empty(), "LlmEngine::PowerOff needs a reason");
    if (!m_offReason.empty())
    {
        return;
    }
    m_offReason = reason;
    m_offSince = Simulator::Now();
    if (!m_scheduler)
    {
        return;
    }
    // Dropped after the scheduler let go of them: a drop callback may submit again.
    for (InferenceJob& job : m_scheduler->TakeAll())
    {
        Drop(job, reason);
    }
}

void
LlmEngine::PowerOn()
{
    NS_LOG_FUNCTION(this);
    if (!m_offReason.empty())
    {
        m_offTime += Simulator::Now() - m_offSince;
        m_offReason.clear();
    }
}

bool
LlmEngine::IsPoweredOn() const
{
    return m_offReason.empty();
}

uint32_t
LlmEngine::GetQueueLength() const
{
    return m_scheduler ? m_scheduler->GetWaiting() : 0;
}

uint32_t
LlmEngine::GetRunning() const
{
    return m_scheduler ? m_scheduler->GetRunning() : 0;
}

bool
LlmEngine::IsBusy() const
{
    return m_busy;
}

Time
LlmEngine::GetBusyTime() const
{
    return m_busyTime + (m_busy ? Simulator::Now() - m_busySince : Time(0));
}

double
LlmEngine::GetEnergyJoules() const
{
    if (!m_costModel)
    {
        return 0;
    }
    const DeviceProfile& device = m_costModel->GetDevice();
    const Time off = m_offTime + (m_offReason.empty() ? Time(0) : Simulator::Now() - m_offSince);
    const double busy = GetBusyTime().GetSeconds();
    const double idle = (Simulator::Now() - off).GetSeconds() - busy;
    return device.activePowerW * busy + device.idlePowerW * idle;
}

uint64_t
LlmEngine::GetCompletedJobs() const
{
    return m_completed;
}

uint64_t
LlmEngine::GetIterations() const
{
    return m_iterations;
}

double
LlmEngine::GetMeanBatchSize() const
{
    return m_iterations == 0 ? std::nan("") : m_sequenceIterations / m_iterations;
}

uint64_t
LlmEngine::GetPreemptions() const
{
    return m_preemptions;
}

uint64_t
LlmEngine::GetOutputTokens() const
{
    return m_outputTokens;
}

uint32_t
LlmEngine::GetKvBlocks() const
{
    return m_scheduler ? m_scheduler->GetKvBlocks() : 0;
}

double
LlmEngine::GetKvUtilisation() const
{
    const uint32_t blocks = GetKvBlocks();
    const double now = Simulator::Now().GetSeconds();
    if (blocks == 0 || now <= 0)
    {
        return std::nan("");
    }
    const double pending = m_kvBlocksInUse.Get() * (Simulator::Now() - m_kvSince).GetSeconds();
    return (m_kvBlockSeconds + pending) / (blocks * now);
}

void
LlmEngine::DoDispose()
{
    if (m_scheduler)
    {
        m_scheduler->Dispose();
    }
    m_scheduler = nullptr;
    m_costModel = nullptr;
    Object::DoDispose();
}

} // namespace ns3
