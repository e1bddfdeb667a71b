/*
 * RunSummary: the figures a run is judged by, computed from the logs at the end.
 */
#ifndef EDGE_LLM_RUN_SUMMARY_H
#define EDGE_LLM_RUN_SUMMARY_H

#include "queue-log.h"
#include "queue-stability.h"
#include "request-log.h"

#include "ns3/nstime.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

class LlmEngine;
class RequestStatistics;

/// Mean and percentiles of a sample (NaN when empty).
struct Distribution
{
    uint64_t count{0};
    double mean{0};
    double p50{0};
    double p95{0};
    double p99{0};
    double max{0};

    static Distribution Of(const std::vector<double>& values);
};

/// What one engine did over the run.
struct EngineSummary
{
    uint32_t node{0};
    std::string model;
    std::string device;
    uint64_t jobsCompleted{0};
    double utilisation{0};        //!< busy time / simulated time
    double energyJoules{0};       //!< device power integrated over the run
    double meanServiceSeconds{0}; //!< busy time / jobs completed (NaN without jobs)
    double meanQueue{0};          //!< time-averaged jobs waiting
    uint32_t maxQueue{0};
    QueueTrend queueTrend;           //!< growth of the queue while users issued requests
    std::string scheduler;           //!< "fcfs" or "continuous"
    uint64_t iterations{0};          //!< engine iterations (fcfs: prefills and decode steps)
    double meanBatchSize{0};         //!< sequences per iteration (NaN without iterations)
    uint32_t kvBlocks{0};            //!< KV-cache blocks (0: not modelled)
    double kvUtilisation{0};         //!< time-averaged share of KV blocks in use (NaN: none)
    uint64_t preemptions{0};         //!< KV-cache evictions
    double outputTokensPerSecond{0}; //!< tokens generated per simulated second
};

/// A battery-powered node over the run (BatteryHelper): what its devices drew from it.
struct BatterySummary
{
    uint32_t node{0};
    double capacityJoules{0};
    double remainingJoules{0}; //!< capacity less what the radios and the engine drew
    double radioJoules{0};     //!< ns-3's WifiRadioEnergyModel, all the node's Wi-Fi devices
    double computeJoules{0};   //!< LlmEngineEnergyModel (0 without an engine)
    double depletedAtSeconds{std::nan("")}; //!< when it ran out (NaN: it did not)
};

/// Split-inference requests (those with a placement) over the run.
struct SplitSummary
{
    uint64_t requests{0};               //!< split requests issued (0: the run had none)
    uint64_t ended{0};                  //!< of those, ended (completed or failed)
    uint64_t slaMet{0};                 //!< of those ended, completed within their SLA
    double slaAttainment{std::nan("")}; //!< slaMet / ended
    /// Server compute per completed request, measured: its shares of the server's iterations.
    Distribution serverWork;
    /// Server compute per completed request as planned (the placement's, alone on the server).
    Distribution plannedServerWork;
    Distribution clientCompute; //!< device compute seconds per completed request
    Distribution switches;      //!< side changes per step, completed requests
    /// Measured over predicted latency, completed requests (1: the plan held).
    Distribution latencyOverPredicted;
    /// Completed requests per second of server compute: what the server could carry if it
    /// did nothing else (1 / mean server work).
    double serverRequestsPerBusySecond{std::nan("")};
    double bytesUpPerRequest{std::nan("")};   //!< mean, completed requests
    double bytesDownPerRequest{std::nan("")}; //!< mean, completed requests
};

/// Expert routing (requests an ExpertRouter forwarded) over the run; see router-summary.cc.
struct RouterSummary
{
    uint64_t routed{0};             //!< requests forwarded to an expert (0: the run had no router)
    uint64_t misrouted{0};          //!< of those, sent to an expert not of their class
    uint64_t refused{0};            //!< requests that failed with gateway-full
    Distribution classifierSeconds; //!< the encoder's time per routed request
    /// Arrival at the gateway to forwarding (classifier queue and run), per routed request.
    Distribution gatewaySeconds;
    std::map<uint32_t, uint64_t> perExpert; //!< routed requests by expert index

    static RouterSummary Of(const RequestLog& requests);
};

/**
 * \ingroup edge-llm
 * \brief Counts by final state, latency and time-to-first-token distributions of completed
 * requests, throughput and per-engine utilisation, energy and queue occupancy.
 */
struct RunSummary
{
    std::map<std::string, uint64_t> states; //!< "completed", "failed: <reason>", "pending"
    uint64_t requests{0};
    uint64_t completed{0};
    Distribution latency; //!< seconds, completed requests
    Distribution ttft;    //!< seconds, requests that saw a first token
    Distribution queueWait;
    Distribution compute;
    Distribution network;
    Distribution itl; //!< mean inter-token latency of each completed request (G > 1)
    double simulatedSeconds{0};
    double wallSeconds{0};           //!< wall-clock seconds the simulation took (0: not measured)
    double throughputRps{0};         //!< completed requests per simulated second
    double outputTokensPerSecond{0}; //!< of completed requests
    uint64_t applicationBytes{0};    //!< edge-llm bytes handed to TCP, both ways
    std::vector<EngineSummary> engines;
    std::vector<BatterySummary> batteries;       //!< empty when no node runs on a battery
    std::map<std::string, std::string> scenario; //!< the run's parameters, echoed
    /// Counts a program adds (LlmRunHelper::SetCount), each a top-level field of
    /// summary.json: "handovers" and "handover_failures" of an LTE network.
    std::map<std::string, uint64_t> counts;
    double rho{std::nan("")}; //!< offered load predicted from the cost model (NaN: not given)
    /// MoA: the offered load with the grown prompts of later layers (NaN: not given).
    double rhoWithGrowth{std::nan("")};
    /// The run's verdict from the total queue of all engines (jobs waiting anywhere), whose
    /// larger sample separates growth from noise better than any one queue (an unstable
    /// device's growth shows in the total): "overloaded" if the total grows (as
    /// ClassifyQueueTrend), else "backlogged" if at least one job waits per engine on
    /// average, else "stable"; empty without engines.
    QueueTrend totalQueueTrend;
    std::string stability; //!< totalQueueTrend.verdict
    /// MoA: time of each proposer layer (barrier to barrier, from the arrival for layer 1)
    /// and of the final aggregation, over completed MoA requests; labels "layer 1", ...,
    /// "aggregation".
    std::vector<std::pair<std::string, Distribution>> layerLatency;
    uint64_t moaRetries{0}; //!< peer requests re-sent elsewhere, all MoA requests
    SplitSummary split;     //!< split inference; split.requests == 0 without any
    RouterSummary router;   //!< expert routing; router.routed == 0 without a router

    static RunSummary Compute(const RequestLog& requests,
                              const QueueLog& queues,
                              const std::vector<std::pair<uint32_t, Ptr<LlmEngine>>>& engines,
                              Time simulated,
                              Time issueStart,
                              Time issueEnd);

    /// The same from statistics accumulated row by row (a RequestLog that streamed its rows).
    static RunSummary Compute(const RequestStatistics& requests,
                              const QueueLog& queues,
                              const std::vector<std::pair<uint32_t, Ptr<LlmEngine>>>& engines,
                              Time simulated,
                              Time issueStart,
                              Time issueEnd);

    /// Writes summary.json; throws std::runtime_error on I/O errors.
    void WriteJson(const std::string& path) const;
    /// A short table for the terminal.
    std::string Table() const;
};

} // namespace ns3

#endif // EDGE_LLM_RUN_SUMMARY_H
