#include "llm-engine.h"

#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

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
                          "Jobs that may wait while one runs; more are dropped (queue-full)",
                          UintegerValue(64),
                          MakeUintegerAccessor(&LlmEngine::m_queueCapacity),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("CostModel",
                          "What inference costs on this node",
                          PointerValue(),
                          MakePointerAccessor(&LlmEngine::SetCostModel, &LlmEngine::GetCostModel),
                          MakePointerChecker<InferenceCostModel>())
            .AddTraceSource("QueueLength",
                            "Jobs waiting (not counting the running one)",
                            MakeTraceSourceAccessor(&LlmEngine::m_queueLength),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("Enqueued",
                            "A job was accepted",
                            MakeTraceSourceAccessor(&LlmEngine::m_enqueuedTrace),
                            "ns3::LlmEngine::JobTracedCallback")
            .AddTraceSource("Started",
                            "A job began prefill",
                            MakeTraceSourceAccessor(&LlmEngine::m_startedTrace),
                            "ns3::LlmEngine::JobTracedCallback")
            .AddTraceSource("FirstToken",
                            "A job produced its first output token (end of prefill)",
                            MakeTraceSourceAccessor(&LlmEngine::m_firstTokenTrace),
                            "ns3::LlmEngine::JobTracedCallback")
            .AddTraceSource("Completed",
                            "A job produced its last token",
                            MakeTraceSourceAccessor(&LlmEngine::m_completedTrace),
                            "ns3::LlmEngine::JobTracedCallback")
            .AddTraceSource(
                "Dropped",
                "A job was refused, with the reason (queue-full, context-too-long, empty-job)",
                MakeTraceSourceAccessor(&LlmEngine::m_droppedTrace),
                "ns3::LlmEngine::DropTracedCallback");
    return tid;
}

LlmEngine::LlmEngine()
    : m_queueLength(0)
{
}

LlmEngine::~LlmEngine() = default;

void
LlmEngine::SetCostModel(Ptr<InferenceCostModel> costModel)
{
    if (costModel)
    {
        costModel->CheckFitsDevice();
    }
    m_costModel = costModel;
}

Ptr<InferenceCostModel>
LlmEngine::GetCostModel() const
{
    return m_costModel;
}

bool
LlmEngine::Submit(InferenceJob job)
{
    NS_LOG_FUNCTION(this << job.requestId << job.promptTokens << job.outputTokens);
    NS_ABORT_MSG_IF(!m_costModel, "LlmEngine has no CostModel");
    const ModelSpec& model = m_costModel->GetModel();
    if (job.layers.first == 0 && job.layers.last == 0)
    {
        job.layers = m_costModel->AllLayers();
    }
    if (job.outputTokens == 0 || job.promptTokens == 0)
    {
        Drop(job, "empty-job");
        return false;
    }
    if (job.promptTokens + job.outputTokens > model.maxContext)
    {
        Drop(job, "context-too-long");
        return false;
    }
    if (m_busy && m_queue.size() >= m_queueCapacity)
    {
        Drop(job, "queue-full");
        return false;
    }
    job.enqueued = Simulator::Now();
    m_enqueuedTrace(job);
    m_queue.push_back(std::move(job));
    if (!m_busy)
    {
        StartNext();
    }
    // Traced after StartNext so that a job meeting an idle engine never shows as waiting.
    m_queueLength = m_queue.size();
    return true;
}

void
LlmEngine::StartNext()
{
    if (m_queue.empty())
    {
        return;
    }
    m_current = std::move(m_queue.front());
    m_queue.pop_front();
    m_queueLength = m_queue.size();
    m_busy = true;
    m_current.started = Simulator::Now();
    m_startedTrace(m_current);
    const Time prefill =
        Seconds(m_costModel->PrefillSeconds(m_current.promptTokens, m_current.layers));
    m_event = Simulator::Schedule(prefill, &LlmEngine::FirstToken, this);
}

void
LlmEngine::FirstToken()
{
    m_current.firstToken = Simulator::Now();
    m_firstTokenTrace(m_current);
    if (!m_current.onFirstToken.IsNull())
    {
        m_current.onFirstToken(m_current);
    }
    const Time decode = Seconds(m_costModel->DecodeSeconds(m_current.outputTokens - 1,
                                                           m_current.promptTokens,
                                                           m_current.layers));
    m_event = Simulator::Schedule(decode, &LlmEngine::Complete, this);
}

void
LlmEngine::Complete()
{
    m_current.completed = Simulator::Now();
    m_busyTime += m_current.completed - m_current.started;
    m_busy = false;
    ++m_completed;
    InferenceJob done = std::move(m_current);
    m_current = InferenceJob();
    m_completedTrace(done);
    if (!done.onCompleted.IsNull())
    {
        done.onCompleted(done);
    }
    // A callback may have submitted more work and started it already.
    if (!m_busy)
    {
        StartNext();
    }
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

uint32_t
LlmEngine::GetQueueLength() const
{
    return m_queue.size();
}

bool
LlmEngine::IsBusy() const
{
    return m_busy;
}

Time
LlmEngine::GetBusyTime() const
{
    return m_busyTime + (m_busy ? Simulator::Now() - m_current.started : Time(0));
}

double
LlmEngine::GetEnergyJoules() const
{
    if (!m_costModel)
    {
        return 0;
    }
    const DeviceProfile& device = m_costModel->GetDevice();
    const double busy = GetBusyTime().GetSeconds();
    const double idle = Simulator::Now().GetSeconds() - busy;
    return device.activePowerW * busy + device.idlePowerW * idle;
}

uint64_t
LlmEngine::GetCompletedJobs() const
{
    return m_completed;
}

void
LlmEngine::DoDispose()
{
    Simulator::Cancel(m_event);
    m_queue.clear();
    m_costModel = nullptr;
    Object::DoDispose();
}

} // namespace ns3
