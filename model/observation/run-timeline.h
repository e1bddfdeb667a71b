/*
 * RunTimeline: a run as a Chrome trace-event JSON file (opens in Perfetto or chrome://tracing):
 * one track per engine with its jobs, one per user node with its requests and their stages.
 */
#ifndef EDGE_LLM_RUN_TIMELINE_H
#define EDGE_LLM_RUN_TIMELINE_H

#include "inference-job.h"
#include "llm-engine.h"
#include "llm-user-application.h"
#include "request-record.h"

#include "ns3/object.h"

#include <fstream>
#include <map>
#include <set>
#include <string>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Writes the trace-event timeline of a run as events happen (memory does not grow with
 * the run).
 *
 * Process "engines", one thread per engine node: each job as an async slice from its start to
 * its completion (batched jobs overlap, so they stack), named by its kind, with its request id,
 * tokens, queue wait and preemptions; each refused job as an instant event with the reason.
 * Process "requests", one thread per user node: each request as an async slice from arrival
 * to its end (completed or failed, with the reason), its first token as an instant event, and
 * its stages (MoA layers, split steps) as nested slices; for a request served by one job, its
 * network transfers as slices: from arrival to the job's acceptance ("uplink") and from the
 * job's last token to the answer's arrival ("downlink"). Times are simulated microseconds.
 * The file is written under a temporary name and renamed by Close().
 */
class RunTimeline : public Object
{
  public:
    static TypeId GetTypeId();
    RunTimeline();
    ~RunTimeline() override;

    /// Opens `path` (as path.partial until Close); throws std::runtime_error if it cannot.
    void Open(const std::string& path);
    void WatchEngine(Ptr<LlmEngine> engine, uint32_t node);
    void WatchClient(Ptr<LlmUserApplication> client);
    /// Ends the JSON and renames the file to its name; events after it are ignored.
    void Close();
    /// Events written so far.
    uint64_t GetEvents() const;

  protected:
    void DoDispose() override;

  private:
    void JobCompleted(uint32_t node, const InferenceJob& job);
    void JobDropped(uint32_t node, const InferenceJob& job, const std::string& reason);
    void RequestEnded(const RequestRecord& record);
    void FirstToken(const RequestRecord& record);
    /// One event object (without the separating comma).
    void Write(const std::string& event);
    /// Names thread `tid` of process `pid` once ("engine node 3", "user node 5").
    void NameThread(int pid, uint32_t tid, const std::string& name);
    uint64_t NextId();

    /// A single-job request's job times, kept until the request ends (then dropped).
    struct JobTimes
    {
        Time enqueued;
        Time completed;
        uint32_t jobs{0};
    };

    std::string m_path;
    std::ofstream m_out;
    uint64_t m_events{0};
    uint64_t m_ids{0};
    std::map<uint64_t, JobTimes> m_jobs;        //!< request id -> its jobs' times
    std::set<std::pair<int, uint32_t>> m_named; //!< (process, thread) already named
};

} // namespace ns3

#endif // EDGE_LLM_RUN_TIMELINE_H
