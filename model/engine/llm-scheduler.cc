#include "llm-scheduler.h"

#include "llm-engine.h"

#include "ns3/simulator.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(LlmScheduler);

TypeId
LlmScheduler::GetTypeId()
{
    static TypeId tid = TypeId("ns3::LlmScheduler").SetParent<Object>().SetGroupName("EdgeLlm");
    return tid;
}

void
LlmScheduler::Configure(LlmEngine* engine, Ptr<InferenceCostModel> cost, LayerRange held)
{
    m_engine = engine;
    m_cost = cost;
    m_held = held;
}

std::string
LlmScheduler::Refuse(const InferenceJob& /* job */) const
{
    return "";
}

uint32_t
LlmScheduler::GetKvBlocks() const
{
    return 0;
}

void
LlmScheduler::DoDispose()
{
    m_engine = nullptr;
    m_cost = nullptr;
    Object::DoDispose();
}

void
LlmScheduler::NotifyStarted(InferenceJob& job)
{
    job.started = Simulator::Now();
    m_engine->m_startedTrace(job);
}

void
LlmScheduler::NotifyAdmitted(const InferenceJob& job)
{
    m_engine->m_admittedTrace(job);
}

void
LlmScheduler::NotifyFirstToken(InferenceJob& job)
{
    // Only the model's end produces tokens: middle layers hand on hidden states.
    if (!job.layers.IncludesHead(m_cost->GetModel().layers))
    {
        return;
    }
    job.firstToken = Simulator::Now();
    m_engine->m_firstTokenTrace(job);
    if (!job.onFirstToken.IsNull())
    {
        job.onFirstToken(job);
    }
}

void
LlmScheduler::NotifyCompleted(InferenceJob job)
{
    job.completed = Simulator::Now();
    if (job.computeShare.IsZero())
    {
        job.computeShare = job.completed - job.started; // it ran alone
    }
    ++m_engine->m_completed;
    m_engine->m_completedTrace(job);
    if (!job.onCompleted.IsNull())
    {
        job.onCompleted(job);
    }
}

void
LlmScheduler::NotifyPreempted(const InferenceJob& job)
{
    ++m_engine->m_preemptions;
    m_engine->m_preemptedTrace(job);
}

void
LlmScheduler::NotifyIterations(uint32_t sequences,
                               uint32_t tokens,
                               uint64_t iterations,
                               Time duration,
                               uint64_t outputTokens)
{
    m_engine->m_iterations += iterations;
    m_engine->m_sequenceIterations += static_cast<double>(sequences) * iterations;
    m_engine->m_outputTokens += outputTokens;
    m_engine->m_iterationTrace(sequences, tokens, iterations, duration);
}

void
LlmScheduler::NotifyWaiting(uint32_t waiting)
{
    m_engine->m_queueLength = waiting;
}

void
LlmScheduler::NotifyBusy(bool busy)
{
    LlmEngine& e = *m_engine;
    if (busy && !e.m_busy)
    {
        e.m_busySince = Simulator::Now();
    }
    else if (!busy && e.m_busy)
    {
        e.m_busyTime += Simulator::Now() - e.m_busySince;
    }
    const bool changed = e.m_busy != busy;
    e.m_busy = busy;
    if (changed)
    {
        e.m_busyTrace(busy);
    }
}

void
LlmScheduler::NotifyKvBlocksInUse(uint32_t blocks)
{
    m_engine->AccountKv();
    m_engine->m_kvBlocksInUse = blocks;
}

} // namespace ns3
