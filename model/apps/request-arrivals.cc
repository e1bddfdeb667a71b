#include "request-arrivals.h"

#include "ns3/simulator.h"

namespace ns3
{

RequestArrivals::~RequestArrivals()
{
    Simulator::Cancel(m_next);
}

void
RequestArrivals::SetLengths(Lengths lengths)
{
    m_lengths = std::move(lengths);
}

std::pair<uint32_t, uint32_t>
RequestArrivals::NextLengths()
{
    if (m_lengths)
    {
        return m_lengths();
    }
    const uint32_t prompt = m_workload->NextPromptTokens();
    return {prompt, m_workload->NextOutputTokens()};
}

void
RequestArrivals::SetMaxRequests(uint64_t maxRequests)
{
    m_maxRequests = maxRequests;
}

void
RequestArrivals::StartPoisson(Ptr<LlmWorkload> workload, Time delay, Issue issue)
{
    m_workload = workload;
    m_issue = std::move(issue);
    m_issuing = true;
    m_next = Simulator::Schedule(delay, &RequestArrivals::NextPoisson, this);
}

void
RequestArrivals::StartClosedLoop(Ptr<LlmWorkload> workload,
                                 uint32_t users,
                                 Time failureBackoff,
                                 Issue issue)
{
    m_workload = workload;
    m_issue = std::move(issue);
    m_failureBackoff = failureBackoff;
    m_issuing = true;
    for (uint32_t user = 0; user < users; ++user)
    {
        IssueForUser(static_cast<int>(user));
    }
}

void
RequestArrivals::StartTrace(const RequestTrace& trace,
                            uint32_t offset,
                            uint32_t stride,
                            double timeScale,
                            Issue issue)
{
    m_trace = &trace;
    m_traceIndex = offset;
    m_traceStride = stride;
    m_traceTimeScale = timeScale;
    m_traceStart = Simulator::Now();
    m_issue = std::move(issue);
    m_issuing = true;
    NextTraceRow();
}

void
RequestArrivals::Stop()
{
    m_issuing = false;
    Simulator::Cancel(m_next);
}

bool
RequestArrivals::IsIssuing() const
{
    return m_issuing;
}

uint64_t
RequestArrivals::GetIssued() const
{
    return m_issued;
}

bool
RequestArrivals::CanIssue() const
{
    return m_issuing && (m_maxRequests == 0 || m_issued < m_maxRequests);
}

void
RequestArrivals::IssueNow(uint32_t promptTokens, uint32_t outputTokens, int user)
{
    const uint64_t sequence = m_issued++;
    m_issue(sequence, promptTokens, outputTokens, user);
}

void
RequestArrivals::NextPoisson()
{
    if (!CanIssue())
    {
        return;
    }
    m_next = Simulator::Schedule(m_workload->NextInterarrival(), [this]() {
        const auto [prompt, output] = NextLengths();
        IssueNow(prompt, output, -1);
        NextPoisson();
    });
}

void
RequestArrivals::NextTraceRow()
{
    const auto& rows = m_trace->GetRequests();
    if (!CanIssue() || m_traceIndex >= rows.size())
    {
        return;
    }
    const TracedRequest row = rows[m_traceIndex];
    m_traceIndex += m_traceStride;
    // Trace time 0 is when the replay started.
    const Time at = m_traceStart + Seconds(row.arrivalSeconds * m_traceTimeScale);
    m_next = Simulator::Schedule(Max(at - Simulator::Now(), Time(0)), [this, row]() {
        IssueNow(row.promptTokens, row.outputTokens, -1);
        NextTraceRow();
    });
}

void
RequestArrivals::IssueForUser(int user)
{
    if (CanIssue())
    {
        const auto [prompt, output] = NextLengths();
        IssueNow(prompt, output, user);
    }
}

void
RequestArrivals::Ended(int user, bool completed)
{
    if (user < 0 || !m_issuing)
    {
        return;
    }
    Time think = m_workload->NextThinkTime();
    if (!completed)
    {
        think = Max(think, m_failureBackoff);
    }
    Simulator::Schedule(think, &RequestArrivals::IssueForUser, this, user);
}

} // namespace ns3
