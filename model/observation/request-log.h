/*
 * RequestLog: one row per request, joined from the clients' and the engines' trace sources.
 */
#ifndef EDGE_LLM_REQUEST_LOG_H
#define EDGE_LLM_REQUEST_LOG_H

#include "inference-job.h"
#include "request-record.h"
#include "routing-record.h"

#include "ns3/object.h"
#include "ns3/ptr.h"

#include <map>
#include <string>

namespace ns3
{

class LlmUserApplication;
class LlmEngine;
class ExpertRouter;

/**
 * \ingroup edge-llm
 * \brief Watches clients (what users saw) and engines (where time went) through their trace
 * sources, never from inside the models, and keeps one row per request id.
 */
class RequestLog : public Object
{
  public:
    /// A request as a whole: the user's record plus what the serving engine reported.
    struct Row
    {
        RequestRecord record;
        bool served{false};     //!< an engine accepted it
        uint32_t server{0};     //!< node id of that engine
        Time enqueued;          //!< engine accepted it
        bool hasStarted{false}; //!< the engine began it (times may legitimately be 0)
        Time started;           //!< engine began prefill
        bool engineDone{false}; //!< the engine produced its last token
        Time engineCompleted;
        std::string engineDrop;   //!< engine drop reason, if any
        uint32_t jobs{0};         //!< engine jobs accepted for it (MoA: (k+1)M + 1 and retries)
        double workSeconds{0};    //!< compute seconds of all its jobs, on every engine
        double ownWorkSeconds{0}; //!< of those, on the user's own node (split inference)
        uint32_t preemptions{0};  //!< KV-cache evictions of its jobs, on every engine
        bool routed{false};       //!< an expert router forwarded it (routing is set)
        RoutingRecord routing;    //!< what the router did with it

        // The decomposition of a one-job request; NaN for requests of several jobs (MoA).
        double QueueWaitSeconds() const; //!< NaN unless started
        double ComputeSeconds() const;   //!< NaN unless the engine completed it
        double NetworkSeconds() const;   //!< latency - queue wait - compute; NaN unless completed
        double LatencySeconds() const;   //!< completion - arrival; NaN while pending
        double TtftSeconds() const;      //!< first token - arrival; NaN without a first token
        /// Mean inter-token latency the user saw: (completion - first token) / (G - 1); NaN
        /// unless completed with more than one output token.
        double ItlSeconds() const;
        /// 1 when a request with an SLA completed within it, 0 when it ended otherwise (late
        /// or failed), -1 without an SLA or while pending.
        int SlaMet() const;
    };

    static TypeId GetTypeId();

    void WatchClient(Ptr<LlmUserApplication> client);
    void WatchEngine(Ptr<LlmEngine> engine, uint32_t node);
    void WatchRouter(Ptr<ExpertRouter> router);

    const std::map<uint64_t, Row>& GetRows() const;
    /// Requests per final status ("completed", "failed: <reason>", "pending").
    std::map<std::string, uint64_t> CountByState() const;

    /// Writes requests.csv (see doc/edge-llm.rst for the columns). Throws on I/O errors.
    void WriteCsv(const std::string& path) const;
    static const char* CsvHeader();

  private:
    void OnIssued(const RequestRecord& record);
    void OnRecord(const RequestRecord& record);
    void OnEnqueued(uint32_t node, const InferenceJob& job);
    void OnStarted(const InferenceJob& job);
    void OnEngineCompleted(uint32_t node, const InferenceJob& job);
    void OnDropped(uint32_t node, const InferenceJob& job, const std::string& reason);
    void OnRouted(const RoutingRecord& record);

    std::map<uint64_t, Row> m_rows;
};

} // namespace ns3

#endif // EDGE_LLM_REQUEST_LOG_H
