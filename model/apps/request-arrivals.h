/*
 * RequestArrivals: when a user application issues its requests.
 */
#ifndef EDGE_LLM_REQUEST_ARRIVALS_H
#define EDGE_LLM_REQUEST_ARRIVALS_H

#include "llm-workload.h"
#include "request-trace.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <functional>
#include <utility>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief The arrival process every user application shares: Poisson arrivals (the workload's
 * Interarrival), closed-loop users (each issues, waits for its answer, thinks for the
 * workload's ThinkTime, and issues again), or the rows of a trace. It draws the lengths and
 * calls the application's issue callback; the application runs the request and, in closed
 * loop, reports its end with Ended(). Stops issuing at Stop() or after MaxRequests.
 */
class RequestArrivals
{
  public:
    /// Issue request number `sequence` (0, 1, ...) of P prompt and G output tokens, for
    /// closed-loop user `user` (-1: not closed loop).
    using Issue = std::function<void(uint64_t sequence, uint32_t P, uint32_t G, int user)>;

    /// Draws one request's prompt and output tokens.
    using Lengths = std::function<std::pair<uint32_t, uint32_t>()>;

    ~RequestArrivals();

    /// Where Poisson and closed-loop requests get their lengths (default: the workload's
    /// PromptTokens and OutputTokens); e.g. a class mix drawing the class first.
    void SetLengths(Lengths lengths);

    /// Requests to issue at most (0: no limit).
    void SetMaxRequests(uint64_t maxRequests);

    /// Poisson: the first arrival an Interarrival draw after `delay`.
    void StartPoisson(Ptr<LlmWorkload> workload, Time delay, Issue issue);
    /// `users` closed-loop users, each issuing at once; after a failure a user waits at least
    /// `failureBackoff` (so that an unreachable server cannot make it retry at one instant).
    void StartClosedLoop(Ptr<LlmWorkload> workload,
                         uint32_t users,
                         Time failureBackoff,
                         Issue issue);
    /// Rows offset, offset + stride, ... of `trace`, its times (0 = now) scaled by `timeScale`.
    void StartTrace(const RequestTrace& trace,
                    uint32_t offset,
                    uint32_t stride,
                    double timeScale,
                    Issue issue);

    /// Closed loop: `user`'s request ended; it issues its next after a think time.
    void Ended(int user, bool completed);
    /// Issues no more; pending arrivals are cancelled.
    void Stop();

    bool IsIssuing() const;
    uint64_t GetIssued() const;

  private:
    bool CanIssue() const;
    void IssueNow(uint32_t promptTokens, uint32_t outputTokens, int user);
    void NextPoisson();
    void NextTraceRow();
    void IssueForUser(int user);

    /// The lengths of the next request: SetLengths' or the workload's.
    std::pair<uint32_t, uint32_t> NextLengths();

    Ptr<LlmWorkload> m_workload;
    Issue m_issue;
    Lengths m_lengths;
    uint64_t m_maxRequests{0};
    uint64_t m_issued{0};
    bool m_issuing{false};
    Time m_failureBackoff;
    EventId m_next; //!< the next Poisson or trace arrival
    // Trace replay.
    const RequestTrace* m_trace{nullptr};
    size_t m_traceIndex{0};
    uint32_t m_traceStride{1};
    double m_traceTimeScale{1};
    Time m_traceStart;
};

} // namespace ns3

#endif // EDGE_LLM_REQUEST_ARRIVALS_H
