#include "run-timeline.h"

#include "number-text.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RunTimeline");
NS_OBJECT_ENSURE_REGISTERED(RunTimeline);

namespace
{

constexpr int ENGINES = 1;  //!< trace-event process of the engines
constexpr int REQUESTS = 2; //!< trace-event process of the users' requests

/// Simulated time in trace-event microseconds.
std::string
Micros(Time t)
{
    return NumberText(t.GetNanoSeconds() / 1e3);
}

/// `text` as a JSON string (names and reasons are plain ASCII; quotes and backslashes escaped).
std::string
Quoted(const std::string& text)
{
    std::string out = "\"";
    for (char c : text)
    {
        if (c == '"' || c == '\\')
        {
            out += '\\';
        }
        out += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
    }
    return out + "\"";
}

/// An async slice's begin and end events ("b"/"e"), which may overlap others on a track.
std::pair<std::string, std::string>
AsyncSlice(const std::string& category,
           const std::string& name,
           uint64_t id,
           int pid,
           uint32_t tid,
           Time start,
           Time end,
           const std::string& args)
{
    std::ostringstream common;
    common << "\"cat\":" << Quoted(category) << ",\"name\":" << Quoted(name) << ",\"id\":" << id
           << ",\"pid\":" << pid << ",\"tid\":" << tid;
    return {"{\"ph\":\"b\"," + common.str() + ",\"ts\":" + Micros(start) +
                (args.empty() ? "" : ",\"args\":{" + args + "}") + "}",
            "{\"ph\":\"e\"," + common.str() + ",\"ts\":" + Micros(end) + "}"};
}

} // namespace

TypeId
RunTimeline::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RunTimeline")
                            .SetParent<Object>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<RunTimeline>();
    return tid;
}

RunTimeline::RunTimeline() = default;

RunTimeline::~RunTimeline() = default;

void
RunTimeline::DoDispose()
{
    if (m_out.is_open())
    {
        // Never closed: the run failed; leave nothing that looks complete.
        m_out.close();
        std::remove((m_path + ".partial").c_str());
    }
    Object::DoDispose();
}

void
RunTimeline::Open(const std::string& path)
{
    m_path = path;
    m_out.open(path + ".partial", std::ios::trunc);
    if (!m_out)
    {
        throw std::runtime_error("cannot write " + path + ".partial");
    }
    m_out << "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
    m_out << "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":" << ENGINES
          << ",\"args\":{\"name\":\"engines\"}}";
    m_out << ",\n{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":" << REQUESTS
          << ",\"args\":{\"name\":\"requests\"}}";
    m_events = 2;
}

void
RunTimeline::Write(const std::string& event)
{
    if (!m_out.is_open())
    {
        return;
    }
    m_out << ",\n" << event;
    ++m_events;
}

void
RunTimeline::NameThread(int pid, uint32_t tid, const std::string& name)
{
    if (m_named.insert({pid, tid}).second)
    {
        Write("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":" + std::to_string(pid) +
              ",\"tid\":" + std::to_string(tid) + ",\"args\":{\"name\":" + Quoted(name) + "}}");
    }
}

uint64_t
RunTimeline::NextId()
{
    return ++m_ids;
}

uint64_t
RunTimeline::GetEvents() const
{
    return m_events;
}

void
RunTimeline::WatchEngine(Ptr<LlmEngine> engine, uint32_t node)
{
    NameThread(ENGINES, node, "engine node " + std::to_string(node));
    engine->TraceConnectWithoutContext(
        "Completed",
        Callback<void, const InferenceJob&>(
            [this, node](const InferenceJob& job) { JobCompleted(node, job); }));
    engine->TraceConnectWithoutContext(
        "Dropped",
        Callback<void, const InferenceJob&, const std::string&>(
            [this, node](const InferenceJob& job, const std::string& reason) {
                JobDropped(node, job, reason);
            }));
}

void
RunTimeline::WatchClient(Ptr<LlmUserApplication> client)
{
    NameThread(REQUESTS,
               client->GetNode()->GetId(),
               "user node " + std::to_string(client->GetNode()->GetId()));
    client->TraceConnectWithoutContext("FirstToken", MakeCallback(&RunTimeline::FirstToken, this));
    client->TraceConnectWithoutContext("RequestCompleted",
                                       MakeCallback(&RunTimeline::RequestEnded, this));
    client->TraceConnectWithoutContext("RequestFailed",
                                       MakeCallback(&RunTimeline::RequestEnded, this));
}

void
RunTimeline::JobCompleted(uint32_t node, const InferenceJob& job)
{
    std::ostringstream args;
    args << "\"request\":" << job.requestId << ",\"origin\":" << job.origin
         << ",\"prompt_tokens\":" << job.promptTokens << ",\"output_tokens\":" << job.outputTokens
         << ",\"queue_wait_s\":" << NumberText((job.started - job.enqueued).GetSeconds())
         << ",\"compute_share_s\":" << NumberText(job.computeShare.GetSeconds())
         << ",\"preemptions\":" << job.preemptions;
    const auto [begin, end] = AsyncSlice("job",
                                         job.kind,
                                         NextId(),
                                         ENGINES,
                                         node,
                                         job.started,
                                         job.completed,
                                         args.str());
    Write(begin);
    Write(end);
    JobTimes& times = m_jobs[job.requestId];
    times.enqueued = times.jobs == 0 ? job.enqueued : std::min(times.enqueued, job.enqueued);
    times.completed = std::max(times.completed, job.completed);
    ++times.jobs;
}

void
RunTimeline::JobDropped(uint32_t node, const InferenceJob& job, const std::string& reason)
{
    Write("{\"ph\":\"i\",\"s\":\"t\",\"name\":" + Quoted("refused: " + reason) +
          ",\"pid\":" + std::to_string(ENGINES) + ",\"tid\":" + std::to_string(node) +
          ",\"ts\":" + Micros(Simulator::Now()) +
          ",\"args\":{\"request\":" + std::to_string(job.requestId) + "}}");
}

void
RunTimeline::FirstToken(const RequestRecord& record)
{
    Write("{\"ph\":\"i\",\"s\":\"t\",\"name\":\"first token\",\"pid\":" + std::to_string(REQUESTS) +
          ",\"tid\":" + std::to_string(record.node) + ",\"ts\":" + Micros(record.firstToken) +
          ",\"args\":{\"request\":" + std::to_string(record.requestId) + "}}");
}

void
RunTimeline::RequestEnded(const RequestRecord& record)
{
    const uint64_t id = NextId();
    std::ostringstream args;
    args << "\"request\":" << record.requestId << ",\"status\":" << Quoted(record.status)
         << ",\"prompt_tokens\":" << record.promptTokens
         << ",\"output_tokens\":" << record.outputTokens;
    if (!record.reason.empty())
    {
        args << ",\"reason\":" << Quoted(record.reason);
    }
    const std::string name =
        record.kind + (record.status == "completed" ? "" : " (" + record.reason + ")");
    const auto [begin, end] = AsyncSlice("request",
                                         name,
                                         id,
                                         REQUESTS,
                                         record.node,
                                         record.arrival,
                                         record.completion,
                                         args.str());
    Write(begin);
    // Nested in the request's slice: same category and id.
    for (const auto& stage : record.stages)
    {
        const auto [b, e] = AsyncSlice("request",
                                       stage.kind + " " + std::to_string(stage.index),
                                       id,
                                       REQUESTS,
                                       record.node,
                                       stage.start,
                                       stage.done ? stage.end : record.completion,
                                       "");
        Write(b);
        Write(e);
    }
    auto jobs = m_jobs.find(record.requestId);
    if (jobs != m_jobs.end())
    {
        if (jobs->second.jobs == 1 && record.stages.empty())
        {
            const JobTimes& t = jobs->second;
            const auto [ub, ue] = AsyncSlice("request",
                                             "uplink",
                                             id,
                                             REQUESTS,
                                             record.node,
                                             record.arrival,
                                             t.enqueued,
                                             "");
            Write(ub);
            Write(ue);
            if (record.status == "completed")
            {
                const auto [db, de] = AsyncSlice("request",
                                                 "downlink",
                                                 id,
                                                 REQUESTS,
                                                 record.node,
                                                 t.completed,
                                                 record.completion,
                                                 "");
                Write(db);
                Write(de);
            }
        }
        m_jobs.erase(jobs);
    }
    Write(end);
}

void
RunTimeline::Close()
{
    if (!m_out.is_open())
    {
        return;
    }
    m_out << "\n]}\n";
    m_out.close();
    if (!m_out || std::rename((m_path + ".partial").c_str(), m_path.c_str()) != 0)
    {
        std::remove((m_path + ".partial").c_str());
        throw std::runtime_error("cannot write " + m_path);
    }
}

} // namespace ns3
