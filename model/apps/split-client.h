/*
 * SplitClient: a device that runs each of its requests partly itself, partly on an edge server.
 */
#ifndef EDGE_LLM_SPLIT_CLIENT_H
#define EDGE_LLM_SPLIT_CLIENT_H

#include "inference-cost-model.h"
#include "inference-job.h"
#include "llm-connection.h"
#include "llm-user-application.h"
#include "llm-workload.h"
#include "request-arrivals.h"
#include "split-planner.h"

#include "ns3/address.h"
#include "ns3/data-rate.h"
#include "ns3/event-id.h"

#include <map>
#include <optional>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief A user on a device that splits every request's model between itself and a
 * SplitServer (SplitLLM): it plans where each unit runs, then runs the prefill and every
 * decode step unit by unit, its own units on the node's LlmEngine, the server's by sending
 * SPLIT_HIDDEN messages over one TCP connection per request.
 *
 * The planner sees what a real device knows: its own cost model (its engine's), the server's
 * (ServerCostModel: the server's hardware is known), the link as measured on recent transfers
 * of this client (round-trip time and rate, from each answer's time less the server's
 * reported residence; InitialRtt and InitialLinkRate until measured) and the server's load as
 * measured: the ratio of reported residences to what the server's cost model predicts for the
 * same units, which multiplies the server's seconds in the plan (never its work); likewise its
 * own load: the time its engine took for its steps (queueing behind the device's other
 * requests included) over their predicted compute multiplies the device's seconds, or 1 + the
 * number of its other requests running now when that is more (their steps take turns).
 *
 * Plans aim at Sla x (1 - SlaHeadroom): the plan's sums leave out TCP/IP and message headers,
 * congestion control and other traffic.
 *
 * Arrivals: "poisson" (the Workload's Interarrival) or "closed-loop" (Users users, each
 * waiting for its answer and then the Workload's ThinkTime). A request that no placement can
 * serve within Sla still runs (best effort) and is recorded as violating it; one whose
 * placement needs more memory on the client than it has fails (client-memory). Every request
 * ends in exactly one of RequestCompleted or RequestFailed; those open when the application
 * stops fail with "unfinished".
 */
class SplitClient : public LlmUserApplication
{
  public:
    enum Mode
    {
        POISSON,
        CLOSED_LOOP,
    };

    static TypeId GetTypeId();
    SplitClient();
    ~SplitClient() override;

    void StopIssuing() override;
    void EndAll(const std::string& reason) override;
    uint64_t GetOpen() const override;
    uint64_t GetIssued() const;
    /// Assigns fixed streams to the random variables; returns how many were used.
    int64_t AssignStreams(int64_t stream) override;

    /// The link as measured so far (the initial values before any answer).
    double GetEstimatedRttSeconds() const;
    double GetEstimatedBitsPerSecond() const;
    /// Measured server residence over its predicted compute (>= 1; 1 before any answer).
    double GetServerSlowdown() const;
    /// Measured time of the device's own steps over their predicted compute (>= 1).
    double GetDeviceSlowdown() const;

    typedef void (*PlannedTracedCallback)(uint64_t requestId,
                                          const SplitCosts& costs,
                                          double sla,
                                          const SplitPlacement& placement);

  protected:
    void DoDispose() override;

  private:
    /// Consecutive units on one side.
    struct Segment
    {
        uint32_t firstUnit;
        uint32_t lastUnit;
        bool onServer;
    };

    /// A request in flight.
    struct Open
    {
        RequestRecord record;
        std::vector<Segment> segments;
        uint32_t step{0};  //!< 0: prefill; k: k-th decode step
        size_t segment{0}; //!< the segment running now
        Ptr<LlmConnection> connection;
        EventId timeout;
        Time sentAt;             //!< when the current server segment was sent
        uint64_t bytesAtSend{0}; //!< connection bytes sent + received before it
        int user{-1};            //!< closed-loop user index, -1 otherwise
    };

    void StartApplication() override;
    void StopApplication() override;
    void Issue(uint64_t sequence, uint32_t promptTokens, uint32_t outputTokens, int user);
    /// Plans `open`'s request; false when it cannot run (then it has ended).
    bool Plan(uint64_t id, Open& open);
    void Connect(uint64_t id);
    void RunSegment(uint64_t id);
    void RunOnClient(uint64_t id, const Segment& segment);
    void SendToServer(uint64_t id, const Segment& segment);
    void HandleAnswer(uint64_t id, const LlmHeader& answer);
    void SegmentDone(uint64_t id);
    void Measure(const Open& open, const Segment& segment, const LlmHeader& answer);
    void End(uint64_t id, const std::string& status, const std::string& reason);
    /// The blocks of `segment` and the job of its step.
    InferenceJob StepJob(const Open& open, const Segment& segment) const;

    Address m_remote;
    uint16_t m_port;
    Mode m_mode;
    Ptr<LlmWorkload> m_workload;
    uint32_t m_users;
    Time m_failureBackoff;
    Ptr<SplitPlanner> m_planner;
    Ptr<InferenceCostModel> m_serverCost;
    Time m_sla;
    double m_headroom;
    DataRate m_initialRate;
    Time m_initialRtt;
    double m_smoothing;
    uint64_t m_maxRequests;
    Time m_timeout;
    std::string m_kind;

    RequestArrivals m_arrivals;
    uint64_t m_idBase{0};
    std::map<uint64_t, Open> m_open;
    std::optional<uint32_t> m_serverNode;
    double m_rttSeconds{0};
    double m_bitsPerSecond{0};
    double m_serverSlowdown{1};
    double m_deviceSlowdown{1};

    TracedCallback<uint64_t, const SplitCosts&, double, const SplitPlacement&> m_plannedTrace;
};

} // namespace ns3

#endif // EDGE_LLM_SPLIT_CLIENT_H
