/*
 * RequestTrace: a workload trace in the Azure LLM inference trace format.
 */
#ifndef EDGE_LLM_REQUEST_TRACE_H
#define EDGE_LLM_REQUEST_TRACE_H

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace ns3
{

/// One traced request: when it arrived (seconds after the first row) and its sizes.
struct TracedRequest
{
    double arrivalSeconds{0};
    uint32_t promptTokens{0};
    uint32_t outputTokens{0};
};

/**
 * \ingroup edge-llm
 * \brief Reads CSV files with the columns TIMESTAMP, ContextTokens and GeneratedTokens (any
 * order, more columns allowed), as published in the Azure LLM inference traces. TIMESTAMP
 * is "YYYY-MM-DD HH:MM:SS[.fraction]"; arrivals are made relative to the earliest row and
 * sorted.
 */
class RequestTrace
{
  public:
    /// Throws std::runtime_error "<path>:<line>: <what is wrong>" on a bad file.
    static RequestTrace Load(const std::string& path);
    /// Reads a trace from `in`; errors name `name` as Load's name the path.
    static RequestTrace Parse(std::istream& in, const std::string& name);

    const std::vector<TracedRequest>& GetRequests() const;
    double GetDurationSeconds() const; //!< last arrival

  private:
    std::vector<TracedRequest> m_requests;
};

/// Seconds since 1970-01-01 of "YYYY-MM-DD HH:MM:SS[.fraction]"; throws std::invalid_argument.
double ParseTraceTimestamp(const std::string& text);

} // namespace ns3

#endif // EDGE_LLM_REQUEST_TRACE_H
