#include "request-log.h"

#include "csv-number.h"
#include "expert-router.h"
#include "llm-engine.h"
#include "llm-user-application.h"
#include "request-statistics.h"

#include "ns3/callback.h"
#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RequestLog");
NS_OBJECT_ENSURE_REGISTERED(RequestLog);

namespace
{
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

/// Appends the items of `values`, each formatted by `format`, separated by ';' (no commas in
/// a field).
template <typename T, typename Format>
void
Join(std::string& text, const std::vector<T>& values, Format format)
{
    for (size_t i = 0; i < values.size(); ++i)
    {
        if (i > 0)
        {
            text += ';';
        }
        format(text, values[i]);
    }
}

/// Appends a number as %.9g; nothing for NaN.
void
Number(std::string& text, double value)
{
    if (std::isnan(value))
    {
        return;
    }
    AppendCsvNumber(text, value);
}

/// Appends a time in seconds; nothing for 0 (never happened).
void
TimeText(std::string& text, const Time& t)
{
    if (!t.IsZero())
    {
        Number(text, t.GetSeconds());
    }
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
    if (Ptr<InferenceCostModel> cost = engine->GetCostModel())
    {
        m_activePowerW[node] = cost->GetDevice().activePowerW;
    }
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

RequestLog::Row*
RequestLog::RowForEvent(uint64_t id)
{
    if (!m_streaming)
    {
        return &m_rows[id];
    }
    auto it = m_rows.find(id);
    if (it != m_rows.end())
    {
        return &it->second;
    }
    const uint32_t prefix = static_cast<uint32_t>(id >> 32);
    const uint32_t sequence = static_cast<uint32_t>(id);
    auto written = m_written.find(prefix);
    if (written == m_written.end())
    {
        // The first row of this user: its sequence numbers start here.
        m_written[prefix].next = sequence;
    }
    else if (sequence < written->second.next || written->second.above.count(sequence) > 0)
    {
        ++m_lateEvents;
        NS_LOG_WARN("request " << id << ": event after its row was written; not in the row");
        return nullptr;
    }
    return &m_rows[id];
}

void
RequestLog::MaybeFinish(std::map<uint64_t, Row>::iterator it)
{
    if (m_streaming && it->second.record.status != "pending" && it->second.openJobs == 0)
    {
        Finish(it);
    }
}

void
RequestLog::Finish(std::map<uint64_t, Row>::iterator it)
{
    Done done;
    done.id = it->first;
    FormatRow(it->first, it->second, done.line);
    RequestOutcome::Of(it->first, it->second).AppendTo(done.outcome);
    m_done.push_back(std::move(done));
    Written& written = m_written[static_cast<uint32_t>(it->first >> 32)];
    const uint32_t sequence = static_cast<uint32_t>(it->first);
    if (sequence != written.next)
    {
        written.above.insert(sequence); // ended before an earlier request of its user
    }
    else
    {
        ++written.next;
        while (!written.above.empty() && *written.above.begin() == written.next)
        {
            written.above.erase(written.above.begin());
            ++written.next;
        }
    }
    m_rows.erase(it);
    if (m_done.size() >= m_chunkRows)
    {
        SpillChunk();
    }
}

void
RequestLog::OnRouted(const RoutingRecord& record)
{
    if (Row* row = RowForEvent(record.requestId))
    {
        row->routed = true;
        row->routing = record;
    }
}

void
RequestLog::OnIssued(const RequestRecord& record)
{
    if (Row* row = RowForEvent(record.requestId))
    {
        row->record = record;
    }
}

void
RequestLog::OnRecord(const RequestRecord& record)
{
    if (Row* row = RowForEvent(record.requestId))
    {
        row->record = record;
        if (m_streaming)
        {
            MaybeFinish(m_rows.find(record.requestId));
        }
    }
}

void
RequestLog::OnEnqueued(uint32_t node, const InferenceJob& job)
{
    Row* row = RowForEvent(job.requestId);
    if (!row)
    {
        return;
    }
    ++row->openJobs;
    if (++row->jobs == 1)
    {
        row->served = true;
        row->server = node;
        row->enqueued = job.enqueued;
    }
}

void
RequestLog::OnStarted(const InferenceJob& job)
{
    Row* row = RowForEvent(job.requestId);
    if (row && !row->hasStarted)
    {
        row->hasStarted = true;
        row->started = job.started;
    }
}

void
RequestLog::OnEngineCompleted(uint32_t node, const InferenceJob& job)
{
    Row* row = RowForEvent(job.requestId);
    if (!row)
    {
        return;
    }
    const double work = job.computeShare.GetSeconds();
    row->workSeconds += work;
    // Its share of the engine's busy time at the device's active power (idle power is no
    // request's).
    auto power = m_activePowerW.find(node);
    row->energyJoules += power == m_activePowerW.end() ? 0 : work * power->second;
    row->ownWorkSeconds += node == job.origin ? work : 0;
    row->preemptions += job.preemptions;
    if (!row->engineDone)
    {
        row->engineDone = true;
        row->engineCompleted = job.completed;
    }
    if (row->openJobs > 0)
    {
        --row->openJobs;
    }
    if (m_streaming)
    {
        MaybeFinish(m_rows.find(job.requestId));
    }
}

void
RequestLog::OnDropped(uint32_t node, const InferenceJob& job, const std::string& reason)
{
    if (Row* row = RowForEvent(job.requestId))
    {
        row->server = node;
        row->engineDrop = reason;
    }
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
           "classified_as,expert,misrouted,classifier_s,gateway_s,energy_j";
}

void
RequestLog::FormatRow(uint64_t id, const Row& row, std::string& out)
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
    out += std::to_string(id);
    out += ',';
    out += std::to_string(r.node);
    out += ',';
    out += r.kind;
    out += ',';
    if (engineNamesServer)
    {
        out += std::to_string(row.server);
    }
    else if (r.server)
    {
        out += std::to_string(*r.server);
    }
    out += ',';
    Number(out, r.arrival.GetSeconds());
    out += ',';
    TimeText(out, r.firstToken);
    out += ',';
    if (r.status != "pending")
    {
        Number(out, r.completion.GetSeconds());
    }
    out += ',';
    out += r.status;
    out += ',';
    out += r.reason;
    out += ',';
    out += std::to_string(r.promptTokens);
    out += ',';
    out += std::to_string(r.outputTokens);
    out += ',';
    Number(out, row.LatencySeconds());
    out += ',';
    Number(out, row.TtftSeconds());
    out += ',';
    Number(out, row.QueueWaitSeconds());
    out += ',';
    Number(out, row.ComputeSeconds());
    out += ',';
    Number(out, row.NetworkSeconds());
    out += ',';
    out += std::to_string(r.bytesSent);
    out += ',';
    out += std::to_string(r.bytesReceived);
    out += ',';
    out += std::to_string(row.jobs);
    out += ',';
    Number(out, row.workSeconds);
    out += ',';
    out += std::to_string(r.moaLayers);
    out += ',';
    out += std::to_string(r.moaPeers);
    out += ',';
    Join(out, done, [](std::string& text, const RequestStage* s) { TimeText(text, s->end); });
    out += ',';
    Join(out, r.stages, [](std::string& text, const RequestStage& s) {
        text += std::to_string(s.promptTokens);
    });
    out += ',';
    Join(out, proposers, [&r](std::string& text, const RequestStage* s) {
        // The peers that answered: the stage's nodes but the origin.
        bool first = true;
        for (uint32_t p : s->nodes)
        {
            if (p != r.node)
            {
                if (!first)
                {
                    text += ' ';
                }
                text += std::to_string(p);
                first = false;
            }
        }
    });
    out += ',';
    out += std::to_string(r.retries);
    out += ',';
    Number(out, row.ItlSeconds());
    out += ',';
    out += std::to_string(row.preemptions);
    out += ',';
    out += r.placement;
    out += ',';
    if (split)
    {
        out += std::to_string(r.switches);
        out += ',';
        Number(out, r.predictedSeconds);
        out += ',';
        Number(out, r.plannedServerWork);
        out += ',';
        Number(out, r.clientComputeSeconds);
        out += ',';
        Number(out, row.workSeconds - row.ownWorkSeconds);
        out += ',';
    }
    else
    {
        out += ",,,,,";
    }
    if (r.slaSeconds > 0)
    {
        Number(out, r.slaSeconds);
    }
    out += ',';
    if (row.SlaMet() >= 0)
    {
        out += std::to_string(row.SlaMet());
    }
    const RoutingRecord& g = row.routing;
    if (row.routed)
    {
        out += ',';
        out += std::to_string(g.promptClass);
        out += ',';
        out += std::to_string(g.classifiedAs);
        out += ',';
        out += std::to_string(g.expert);
        out += ',';
        out += g.misrouted ? '1' : '0';
        out += ',';
        Number(out, g.classifierSeconds);
        out += ',';
        Number(out, g.GatewaySeconds());
    }
    else
    {
        out += ",,,,,,";
    }
    out += ',';
    Number(out, row.energyJoules);
    out += '\n';
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
    out << CsvHeader() << "\n";
    std::string line;
    for (const auto& [id, row] : m_rows)
    {
        line.clear();
        FormatRow(id, row, line);
        out << line;
    }
    out.close();
    if (!out || std::rename(partial.c_str(), path.c_str()) != 0)
    {
        throw std::runtime_error("failed writing '" + path + "'");
    }
}

RequestLog::~RequestLog()
{
    if (m_runs)
    {
        std::fclose(m_runs);
    }
}

uint64_t
RequestLog::GetLateEvents() const
{
    return m_lateEvents;
}

void
RequestLog::Open(const std::string& path, uint64_t chunkRows)
{
    m_streaming = true;
    m_path = path;
    m_chunkRows = std::max<uint64_t>(chunkRows, 1);
}

namespace
{

template <typename T>
void
PutValue(std::string& bytes, T value)
{
    bytes.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

/// Reads the records of one sorted chunk in blocks: id, line, outcome bytes.
class ChunkReader
{
  public:
    ChunkReader(std::FILE* file, uint64_t offset, uint64_t rows)
        : m_file(file),
          m_offset(offset),
          m_rows(rows)
    {
    }

    bool Next(uint64_t& id, std::string& line, std::string& outcome)
    {
        if (m_rows == 0)
        {
            return false;
        }
        --m_rows;
        Ensure(sizeof(uint64_t) + sizeof(uint32_t));
        std::memcpy(&id, m_buffer.data() + m_at, sizeof(uint64_t));
        uint32_t size;
        std::memcpy(&size, m_buffer.data() + m_at + sizeof(uint64_t), sizeof(uint32_t));
        m_at += sizeof(uint64_t) + sizeof(uint32_t);
        Ensure(size + sizeof(uint32_t));
        line.assign(m_buffer.data() + m_at, size);
        m_at += size;
        std::memcpy(&size, m_buffer.data() + m_at, sizeof(uint32_t));
        m_at += sizeof(uint32_t);
        Ensure(size);
        outcome.assign(m_buffer.data() + m_at, size);
        m_at += size;
        return true;
    }

  private:
    /// At least `bytes` unread bytes in the buffer.
    void Ensure(size_t bytes)
    {
        if (m_buffer.size() - m_at >= bytes)
        {
            return;
        }
        m_buffer.erase(m_buffer.begin(), m_buffer.begin() + m_at);
        m_at = 0;
        const size_t have = m_buffer.size();
        const size_t want = std::max<size_t>(bytes - have, 1 << 16);
        m_buffer.resize(have + want);
        size_t read = 0;
        if (std::fseek(m_file, static_cast<long>(m_offset), SEEK_SET) == 0)
        {
            read = std::fread(m_buffer.data() + have, 1, want, m_file);
        }
        m_offset += read;
        m_buffer.resize(have + read);
        if (m_buffer.size() < bytes)
        {
            throw std::runtime_error("cannot read the temporary file of requests");
        }
    }

    std::FILE* m_file;
    uint64_t m_offset;
    uint64_t m_rows;
    std::vector<char> m_buffer;
    size_t m_at{0};
};

} // namespace

void
RequestLog::SpillChunk()
{
    if (m_done.empty())
    {
        return;
    }
    if (!m_runs && !(m_runs = std::tmpfile()))
    {
        throw std::runtime_error("cannot create a temporary file for requests");
    }
    std::sort(m_done.begin(), m_done.end(), [](const Done& a, const Done& b) {
        return a.id < b.id;
    });
    if (std::fseek(m_runs, 0, SEEK_END) != 0)
    {
        throw std::runtime_error("cannot write the temporary file of requests");
    }
    const long offset = std::ftell(m_runs);
    std::string bytes;
    for (const Done& done : m_done)
    {
        bytes.clear();
        PutValue(bytes, done.id);
        PutValue(bytes, static_cast<uint32_t>(done.line.size()));
        bytes += done.line;
        PutValue(bytes, static_cast<uint32_t>(done.outcome.size()));
        bytes += done.outcome;
        if (std::fwrite(bytes.data(), 1, bytes.size(), m_runs) != bytes.size())
        {
            throw std::runtime_error("cannot write the temporary file of requests");
        }
    }
    m_runExtents.emplace_back(static_cast<uint64_t>(offset), m_done.size());
    m_done.clear();
}

void
RequestLog::Close(RequestStatistics& statistics)
{
    if (!m_streaming)
    {
        throw std::logic_error("RequestLog::Close without Open");
    }
    // Requests still open at the end are written as they stand.
    while (!m_rows.empty())
    {
        Finish(m_rows.begin());
    }
    const std::string partial = m_path + ".partial";
    std::ofstream out(partial);
    if (!out)
    {
        throw std::runtime_error("cannot write '" + partial + "'");
    }
    out << CsvHeader() << "\n";
    RequestOutcome outcome;
    auto emit = [&](const std::string& line, const std::string& bytes) {
        out << line;
        const char* at = bytes.data();
        if (!outcome.ReadFrom(at, bytes.data() + bytes.size()))
        {
            throw std::runtime_error("a request's outcome was cut short");
        }
        statistics.Add(outcome);
    };
    if (m_runExtents.empty())
    {
        std::sort(m_done.begin(), m_done.end(), [](const Done& a, const Done& b) {
            return a.id < b.id;
        });
        for (const Done& done : m_done)
        {
            emit(done.line, done.outcome);
        }
        m_done.clear();
    }
    else
    {
        SpillChunk();
        if (std::fflush(m_runs) != 0)
        {
            throw std::runtime_error("cannot write the temporary file of requests");
        }
        std::vector<ChunkReader> readers;
        std::vector<Done> heads(m_runExtents.size());
        typedef std::pair<uint64_t, size_t> Head; // id, chunk
        std::priority_queue<Head, std::vector<Head>, std::greater<Head>> order;
        for (size_t i = 0; i < m_runExtents.size(); ++i)
        {
            readers.emplace_back(m_runs, m_runExtents[i].first, m_runExtents[i].second);
            if (readers[i].Next(heads[i].id, heads[i].line, heads[i].outcome))
            {
                order.emplace(heads[i].id, i);
            }
        }
        while (!order.empty())
        {
            const size_t i = order.top().second;
            order.pop();
            emit(heads[i].line, heads[i].outcome);
            if (readers[i].Next(heads[i].id, heads[i].line, heads[i].outcome))
            {
                order.emplace(heads[i].id, i);
            }
        }
        std::fclose(m_runs);
        m_runs = nullptr;
        m_runExtents.clear();
    }
    out.close();
    if (!out || std::rename(partial.c_str(), m_path.c_str()) != 0)
    {
        throw std::runtime_error("failed writing '" + m_path + "'");
    }
    if (m_lateEvents > 0)
    {
        NS_LOG_WARN(m_lateEvents << " engine or router events came after their request's row "
                                    "was written");
    }
}

} // namespace ns3
