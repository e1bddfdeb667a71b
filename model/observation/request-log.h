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

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

class LlmUserApplication;
class LlmEngine;
class ExpertRouter;
class RequestStatistics;

/**
 * \ingroup edge-llm
 * \brief Watches clients (what users saw) and engines (where time went) through their trace
 * sources, never from inside the models, and keeps one row per request id.
 *
 * By default every row is kept until the end (GetRows, WriteCsv). After Open() the log
 * streams instead: a row leaves memory as soon as its request has ended for its user and no
 * engine job of it is still running; it is formatted then, and kept as its CSV line and its
 * RequestOutcome in a chunk that, when full, is sorted by request id and written to an
 * anonymous temporary file. Close() merges the chunks into `<path>` in request-id order (the
 * order WriteCsv writes) and hands each row's outcome, in that order, to a RequestStatistics.
 * Memory: the open rows plus one chunk. An engine event for a request whose row has already
 * left (a job submitted after its user gave up and its other jobs ended) is not in the row;
 * such events are counted (GetLateEvents) and logged.
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
        double energyJoules{0};   //!< those seconds at each engine's device's active power
        double ownWorkSeconds{0}; //!< of those, on the user's own node (split inference)
        uint32_t preemptions{0};  //!< KV-cache evictions of its jobs, on every engine
        bool routed{false};       //!< an expert router forwarded it (routing is set)
        RoutingRecord routing;    //!< what the router did with it
        uint32_t openJobs{0};     //!< engine jobs accepted and not yet completed

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
    /// Appends the CSV line of one row (with its newline) to `line`.
    static void FormatRow(uint64_t id, const Row& row, std::string& line);

    /// Streams rows as requests end (see the class); `chunkRows`: ended rows held in memory
    /// before a sorted chunk goes to a temporary file. Call before the simulation runs.
    void Open(const std::string& path, uint64_t chunkRows = 1 << 16);
    /// Ends the stream: every row still open is written too; `<path>.partial` is written in
    /// request-id order and renamed to `<path>`; each row's outcome goes to `statistics` in
    /// the same order. Throws std::runtime_error on I/O errors.
    void Close(RequestStatistics& statistics);
    /// Engine or router events for requests whose rows had already been written.
    uint64_t GetLateEvents() const;
    ~RequestLog() override;

  private:
    void OnIssued(const RequestRecord& record);
    void OnRecord(const RequestRecord& record);
    void OnEnqueued(uint32_t node, const InferenceJob& job);
    void OnStarted(const InferenceJob& job);
    void OnEngineCompleted(uint32_t node, const InferenceJob& job);
    void OnDropped(uint32_t node, const InferenceJob& job, const std::string& reason);
    void OnRouted(const RoutingRecord& record);

    /// The row of `id` for an engine or router event; nullptr if it was already written.
    Row* RowForEvent(uint64_t id);
    /// Writes the row out if streaming and its request is over.
    void MaybeFinish(std::map<uint64_t, Row>::iterator it);
    void Finish(std::map<uint64_t, Row>::iterator it);
    void SpillChunk();

    /// A row taken out of memory: its CSV line and its outcome's bytes.
    struct Done
    {
        uint64_t id;
        std::string line;
        std::string outcome;
    };

    /// Ids already written, per id prefix (the upper 32 bits: node and application): all
    /// below `next`, and those in `above`.
    struct Written
    {
        uint32_t next{0};
        std::set<uint32_t> above;
    };

    std::map<uint64_t, Row> m_rows;
    std::map<uint32_t, double> m_activePowerW; //!< engine node -> its device's active power
    bool m_streaming{false};
    std::string m_path;
    uint64_t m_chunkRows{1 << 16};
    std::vector<Done> m_done;
    std::FILE* m_runs{nullptr};                              //!< sorted chunks, back to back
    std::vector<std::pair<uint64_t, uint64_t>> m_runExtents; //!< (byte offset, rows) of each
    std::unordered_map<uint32_t, Written> m_written;
    uint64_t m_lateEvents{0};
};

} // namespace ns3

#endif // EDGE_LLM_REQUEST_LOG_H
