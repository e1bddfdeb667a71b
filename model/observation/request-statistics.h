/*
 * RequestStatistics: the request figures of a run's summary, accumulated one request at a
 * time in bounded memory.
 */
#ifndef EDGE_LLM_REQUEST_STATISTICS_H
#define EDGE_LLM_REQUEST_STATISTICS_H

#include "request-log.h"
#include "spilling-sample.h"

#include "ns3/nstime.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

struct RunSummary;

/**
 * \ingroup edge-llm
 * \brief What a run's summary needs of one request, taken from its row when the row is
 * written: its final state and the figures that enter counts, means and percentiles. Kept as
 * bytes (AppendTo / ReadFrom) between the row's end and the summary.
 */
struct RequestOutcome
{
    uint64_t id{0};
    std::string state;      //!< "completed", "failed: <reason>" or "pending"
    int64_t arrivalStep{0}; //!< arrival as a Time's integer steps
    bool completed{false};
    bool hasTtft{false};
    bool hasItl{false};
    bool oneJob{false}; //!< served by one engine job: queue wait, compute, network apply
    bool split{false};
    bool ended{false}; //!< not pending
    bool slaMet{false};
    bool hasPredicted{false};
    bool routed{false};
    bool misrouted{false};
    bool refused{false}; //!< failed with gateway-full
    uint32_t outputTokens{0};
    uint32_t retries{0};
    uint32_t expert{0};
    uint64_t bytesSent{0};
    uint64_t bytesReceived{0};
    double ttft{0};
    double latency{0};
    double itl{0};
    double wait{0};
    double compute{0};
    double network{0};
    double serverWork{0};
    double plannedServerWork{0};
    double clientCompute{0};
    double switches{0};
    double overPredicted{0};
    double classifier{0};
    double gateway{0};
    /// A completed MoA request's layer times: layer 1..M, then the aggregation.
    std::vector<double> layerTimes;

    static RequestOutcome Of(uint64_t id, const RequestLog::Row& row);
    void AppendTo(std::string& bytes) const;
    /// Reads one outcome written by AppendTo from [at, end); false if the bytes are short.
    bool ReadFrom(const char*& at, const char* end);
};

/**
 * \ingroup edge-llm
 * \brief Counts by final state, sums and samples (SpillingSample: exact percentiles in
 * bounded memory) of the requests added. Add them in request-id order and the summary is
 * the one RunSummary::Compute gives from a RequestLog that kept every row, bit for bit.
 */
class RequestStatistics
{
  public:
    /// `chunk`: values each sample holds in memory before spilling a sorted run.
    explicit RequestStatistics(uint64_t chunk = 1 << 18);

    void Add(const RequestOutcome& outcome);
    /// Sets the request fields of `summary`: states, counts, distributions, MoA, split and
    /// router sections, bytes, and output tokens per simulated second (from
    /// summary.simulatedSeconds).
    void Fill(RunSummary& summary) const;
    uint64_t GetRequests() const;
    /// The earliest arrival of the requests added (`none` when none was).
    Time GetFirstArrival(Time none) const;

  private:
    uint64_t m_chunk;
    std::map<std::string, uint64_t> m_states;
    uint64_t m_requests{0};
    uint64_t m_completed{0};
    bool m_hasArrival{false};
    int64_t m_firstArrival{0};
    double m_outputTokens{0};
    uint64_t m_applicationBytes{0};
    uint64_t m_moaRetries{0};
    SpillingSample m_latency;
    SpillingSample m_ttft;
    SpillingSample m_wait;
    SpillingSample m_compute;
    SpillingSample m_network;
    SpillingSample m_itl;
    std::vector<std::pair<std::string, SpillingSample>> m_layers;
    uint64_t m_splitRequests{0};
    uint64_t m_splitEnded{0};
    uint64_t m_splitSlaMet{0};
    double m_bytesUp{0};
    double m_bytesDown{0};
    SpillingSample m_serverWork;
    SpillingSample m_plannedServerWork;
    SpillingSample m_clientCompute;
    SpillingSample m_switches;
    SpillingSample m_overPredicted;
    uint64_t m_routed{0};
    uint64_t m_misrouted{0};
    uint64_t m_refused{0};
    std::map<uint32_t, uint64_t> m_perExpert;
    SpillingSample m_classifier;
    SpillingSample m_gateway;
};

} // namespace ns3

#endif // EDGE_LLM_REQUEST_STATISTICS_H
