#include "request-log.h"

#include "expert-router.h"
#include "llm-engine.h"
#include "llm-user-application.h"

#include "ns3/callback.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <stdexcept>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(RequestLog);

namespace
{
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

/// The items of `values`, each formatted by `format`, separated by ';' (no commas in a field).
template <typename T, typename Format>
std::string
Join(const std::vector<T>& values, Format format)
{
    std::string text;
    for (size_t i = 0; i < values.size(); ++i)
    {
        text += (i == 0 ? "" : ";") + format(values[i]);
    }
    return text;
}
} // namespace

TypeId
RequestLog::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RequestLog")
                            .SetParent<Object>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<RequestLog>();
    return tid;
}

double
RequestLog::Row::QueueWaitSeconds() const
{
    return hasStarted && jobs == 1 ? (started - enqueued).GetSeconds() : NaN;
}

double
RequestLog::Row::ComputeSeconds() const
{
    return engineDone && jobs == 1 ? (engineCompleted - started).GetSeconds() : NaN;
}

double
RequestLog::Row::LatencySeconds() const
{
    return record.status == "pending" ? NaN : (record.completion - record.arrival).GetSeconds();
}

double
RequestLog::Row::TtftSeconds() const
{
    return record.firstToken.IsZero() ? NaN : (record.firstToken - record.arrival).GetSeconds();
}

double
RequestLog::Row::ItlSeconds() const
{
    if (record.status != "completed" || record.outputTokens < 2 || record.firstToken.IsZero())
    {
        return NaN;
    }
    return (record.completion - record.firstToken).GetSeconds() / (record.outputTokens - 1);
}

double
RequestLog::Row::NetworkSeconds() const
{
    if (record.status != "completed")
    {
        return NaN;
    }
    return LatencySeconds() - QueueWaitSeconds() - ComputeSeconds();
}

int
RequestLog::Row::SlaMet() const
{
    if (record.slaSeconds <= 0 || record.status == "pending")
    {
        return -1;
    }
    return record.status == "completed" && LatencySeconds() <= record.slaSeconds ? 1 : 0;
}

void
RequestLog::WatchClient(Ptr<LlmUserApplication> client)
{
    client->TraceConnectWithoutContext("RequestIssued", MakeCallback(&RequestLog::OnIssued, this));
    client->TraceConnectWithoutContext("RequestCompleted",
                                       MakeCallback(&RequestLog::OnRecord, this));
    client->TraceConnectWithoutContext("RequestFailed", MakeCallback(&RequestLog::OnRecord, this));
    client->TraceConnectWithoutContext("FirstToken", MakeCallback(&RequestLog::OnRecord, this));
}

void
RequestLog::WatchEngine(Ptr<LlmEngine> engine, uint32_t node)
{
    engine->TraceConnectWithoutContext(
        "Enqueued",
        Callback<void, const InferenceJob&>(
            [this, node](const InferenceJob& job) { OnEnqueued(node, job); }));
    engine->TraceConnectWithoutContext("Started", MakeCallback(&RequestLog::OnStarted, this));
    engine->TraceConnectWithoutContext(
        "Completed",
        Callback<void, const InferenceJob&>(
            [this, node](const InferenceJob& job) { OnEngineCompleted(node, job); }));
    engine->TraceConnectWithoutContext(
        "Dropped",
        Callback<void, const InferenceJob&, const std::string&>(
            [this, node](const InferenceJob& job, const std::string& reason) {
                OnDropped(node, job, reason);
            }));
}

void
RequestLog::WatchRouter(Ptr<ExpertRouter> router)
{
    router->TraceConnectWithoutContext("Routed", MakeCallback(&RequestLog::OnRouted, this));
}

void
RequestLog::OnRouted(const RoutingRecord& record)
{
    Row& row = m_rows[record.requestId];
    row.routed = true;
    row.routing = record;
}

void
RequestLog::OnIssued(const RequestRecord& record)
{
    m_rows[record.requestId].record = record;
}

void
RequestLog::OnRecord(const RequestRecord& record)
{
    m_rows[record.requestId].record = record;
}

void
RequestLog::OnEnqueued(uint32_t node, const InferenceJob& job)
{
    Row& row = m_rows[job.requestId];
    if (++row.jobs == 1)
    {
        row.served = true;
        row.server = node;
        row.enqueued = job.enqueued;
    }
}

void
RequestLog::OnStarted(const InferenceJob& job)
{
    Row& row = m_rows[job.requestId];
    if (!row.hasStarted)
    {
        row.hasStarted = true;
        row.started = job.started;
    }
}

void
RequestLog::OnEngineCompleted(uint32_t node, const InferenceJob& job)
{
    Row& row = m_rows[job.requestId];
    const double work = job.computeShare.GetSeconds();
    row.workSeconds += work;
    row.ownWorkSeconds += node == job.origin ? work : 0;
    row.preemptions += job.preemptions;
    if (!row.engineDone)
    {
        row.engineDone = true;
        row.engineCompleted = job.completed;
    }
}

void
RequestLog::OnDropped(uint32_t node, const InferenceJob& job, const std::string& reason)
{
    Row& row = m_rows[job.requestId];
    row.server = node;
    row.engineDrop = reason;
}

const std::map<uint64_t, RequestLog::Row>&
RequestLog::GetRows() const
{
    return m_rows;
}

std::map<std::string, uint64_t>
RequestLog::CountByState() const
{
    std::map<std::string, uint64_t> counts;
    for (const auto& [id, row] : m_rows)
    {
        const auto& r = row.record;
        ++counts[r.status == "failed" ? "failed: " + r.reason : r.status];
    }
    return counts;
}

const char*
RequestLog::CsvHeader()
{
    return "request_id,node,kind,server,arrival_s,first_token_s,completion_s,status,reason,"
           "prompt_tokens,output_tokens,latency_s,ttft_s,queue_wait_s,compute_s,network_s,"
           "bytes_sent,bytes_received,jobs,work_s,moa_layers,moa_k,layer_done_s,"
           "layer_prompt_tokens,peers,retries,itl_s,preemptions,placement,switches,predicted_s,"
           "planned_server_work_s,client_compute_s,server_compute_s,sla_s,sla_met,prompt_class,"
           "classified_as,expert,misrouted,classifier_s,gateway_s";
}

void
RequestLog::WriteCsv(const std::string& path) const
{
    // Written aside and renamed, so a file named requests.csv is always complete.
    const std::string partial = path + ".partial";
    std::ofstream out(partial);
    if (!out)
    {
        throw std::runtime_error("cannot write '" + partial + "'");
    }
    auto number = [](double value) {
        if (std::isnan(value))
        {
            return std::string();
        }
        char text[32];
        std::snprintf(text, sizeof(text), "%.9g", value);
        return std::string(text);
    };
    auto time = [&number](const Time& t) {
        return t.IsZero() ? std::string() : number(t.GetSeconds());
    };
    out << CsvHeader() << "\n";
    for (const auto& [id, row] : m_rows)
    {
        const RequestRecord& r = row.record;
        // The MoA columns come from the stages: when each finished stage ended, every stage's
        // prompt, and the peers of each finished proposer layer.
        std::vector<const RequestStage*> done;
        std::vector<const RequestStage*> proposers;
        for (const RequestStage& stage : r.stages)
        {
            if (stage.done)
            {
                done.push_back(&stage);
                if (stage.kind == "moa-proposer")
                {
                    proposers.push_back(&stage);
                }
            }
        }
        // A split request's server is its edge server, whichever engine ran it first.
        const bool split = !r.placement.empty();
        const bool engineNamesServer = !split && (row.served || !row.engineDrop.empty());
        out << id << ',' << r.node << ',' << r.kind << ','
            << (engineNamesServer ? std::to_string(row.server)
                                  : (r.server ? std::to_string(*r.server) : ""))
            << ',' << number(r.arrival.GetSeconds()) << ',' << time(r.firstToken) << ','
            << (r.status == "pending" ? "" : number(r.completion.GetSeconds())) << ',' << r.status
            << ',' << r.reason << ',' << r.promptTokens << ',' << r.outputTokens << ','
            << number(row.LatencySeconds()) << ',' << number(row.TtftSeconds()) << ','
            << number(row.QueueWaitSeconds()) << ',' << number(row.ComputeSeconds()) << ','
            << number(row.NetworkSeconds()) << ',' << r.bytesSent << ',' << r.bytesReceived << ','
            << row.jobs << ',' << number(row.workSeconds) << ',' << r.moaLayers << ',' << r.moaPeers
            << ',' << Join(done, [&time](const RequestStage* s) { return time(s->end); }) << ','
            << Join(r.stages, [](const RequestStage& s) { return std::to_string(s.promptTokens); })
            << ','
            << Join(proposers,
                    [&r](const RequestStage* s) {
                        // The peers that answered: the stage's nodes but the origin.
                        std::string text;
                        for (uint32_t p : s->nodes)
                        {
                            if (p != r.node)
                            {
                                text += (text.empty() ? "" : " ") + std::to_string(p);
                            }
                        }
                        return text;
                    })
            << ',' << r.retries << ',' << number(row.ItlSeconds()) << ',' << row.preemptions << ','
            << r.placement << ',' << (split ? std::to_string(r.switches) : "") << ','
            << (split ? number(r.predictedSeconds) : "") << ','
            << (split ? number(r.plannedServerWork) : "") << ','
            << (split ? number(r.clientComputeSeconds) : "") << ','
            << (split ? number(row.workSeconds - row.ownWorkSeconds) : "") << ','
            << (r.slaSeconds > 0 ? number(r.slaSeconds) : "") << ','
            << (row.SlaMet() < 0 ? "" : std::to_string(row.SlaMet()));
        const RoutingRecord& g = row.routing;
        if (row.routed)
        {
            out << ',' << g.promptClass << ',' << g.classifiedAs << ',' << g.expert << ','
                << (g.misrouted ? 1 : 0) << ',' << number(g.classifierSeconds) << ','
                << number(g.GatewaySeconds()) << "\n";
        }
        else
        {
            out << ",,,,,,\n";
        }
    }
    out.close();
    if (!out || std::rename(partial.c_str(), path.c_str()) != 0)
    {
        throw std::runtime_error("failed writing '" + path + "'");
    }
}

} // namespace ns3
