#include "queue-log.h"

#include "csv-number.h"
#include "llm-engine.h"

#include "ns3/simulator.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(QueueLog);

TypeId
QueueLog::GetTypeId()
{
    static TypeId tid = TypeId("ns3::QueueLog")
                            .SetParent<Object>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<QueueLog>();
    return tid;
}

void
QueueLog::Open(const std::string& path)
{
    m_path = path;
    m_out.open(path + ".partial");
    if (!m_out)
    {
        throw std::runtime_error("cannot write '" + path + ".partial'");
    }
    m_out << "time_s,node,queue_length\n";
}

void
QueueLog::Watch(Ptr<LlmEngine> engine, uint32_t node)
{
    Track& track = m_tracks[node];
    track.current = engine->GetQueueLength();
    track.since = Simulator::Now();
    track.watched = Simulator::Now();
    Record(node, track.current);
    WriteRow(node, track.current);
    engine->TraceConnectWithoutContext(
        "QueueLength",
        Callback<void, uint32_t, uint32_t>([this, node](uint32_t oldValue, uint32_t newValue) {
            OnChange(node, oldValue, newValue);
        }));
}

void
QueueLog::OnChange(uint32_t node, uint32_t, uint32_t newValue)
{
    Track& track = m_tracks[node];
    const Time now = Simulator::Now();
    track.area += track.current * (now - track.since).GetSeconds();
    track.current = newValue;
    track.since = now;
    track.maximum = std::max(track.maximum, newValue);
    Record(node, newValue);
    WriteRow(node, newValue);
}

void
QueueLog::SetKeepSeries(bool keep)
{
    m_keepSeries = keep;
}

QueueLog::~QueueLog()
{
    if (m_changes)
    {
        std::fclose(m_changes);
    }
}

void
QueueLog::Record(uint32_t node, uint32_t length)
{
    const double now = Simulator::Now().GetSeconds();
    if (m_keepSeries)
    {
        m_tracks[node].series.emplace_back(now, length);
        return;
    }
    m_buffer.push_back({now, node, length});
    if (m_buffer.size() >= 4096)
    {
        if (!m_changes && !(m_changes = std::tmpfile()))
        {
            throw std::runtime_error("cannot create a temporary file for queue changes");
        }
        if (std::fwrite(m_buffer.data(), sizeof(Change), m_buffer.size(), m_changes) !=
            m_buffer.size())
        {
            throw std::runtime_error("cannot write the temporary file of queue changes");
        }
        m_buffer.clear();
    }
}

QueueTrends
QueueLog::GetTrends(const std::vector<uint32_t>& nodes, double start, double end) const
{
    QueueTrends trends;
    if (m_keepSeries)
    {
        std::vector<QueueSeries> all;
        for (uint32_t node : nodes)
        {
            trends.perNode.push_back(ClassifyQueueTrend(GetSeries(node), start, end));
            all.push_back(GetSeries(node));
        }
        trends.total = ClassifyQueueTrend(SumQueueSeries(all), start, end);
        return trends;
    }
    // One pass over the changes in time order, each to its node's windows and to the total.
    std::map<uint32_t, std::vector<size_t>> index; // node -> its places in `nodes`
    for (size_t i = 0; i < nodes.size(); ++i)
    {
        index[nodes[i]].push_back(i);
    }
    std::vector<QueueTrendWindows> perNode(nodes.size(), QueueTrendWindows(start, end));
    QueueTrendWindows total(start, end);
    QueueSumStream sum(total);
    auto add = [&](const Change& change) {
        auto it = index.find(change.node);
        if (it == index.end())
        {
            return;
        }
        for (size_t i : it->second)
        {
            perNode[i].Add(change.time, change.length);
            sum.Add(change.time, i, change.length);
        }
    };
    if (m_changes)
    {
        std::vector<Change> block(4096);
        if (std::fflush(m_changes) != 0 || std::fseek(m_changes, 0, SEEK_SET) != 0)
        {
            throw std::runtime_error("cannot read the temporary file of queue changes");
        }
        size_t read;
        while ((read = std::fread(block.data(), sizeof(Change), block.size(), m_changes)) > 0)
        {
            for (size_t i = 0; i < read; ++i)
            {
                add(block[i]);
            }
        }
        if (std::ferror(m_changes) || std::fseek(m_changes, 0, SEEK_END) != 0)
        {
            throw std::runtime_error("cannot read the temporary file of queue changes");
        }
    }
    for (const Change& change : m_buffer)
    {
        add(change);
    }
    sum.Finish();
    for (const QueueTrendWindows& windows : perNode)
    {
        trends.perNode.push_back(windows.Classify());
    }
    trends.total = total.Classify();
    return trends;
}

void
QueueLog::WriteRow(uint32_t node, uint32_t length)
{
    if (m_out.is_open())
    {
        // As "%.9g,%u,%u\n", without printf's cost.
        std::string line;
        AppendCsvNumber(line, Simulator::Now().GetSeconds());
        line += ',';
        line += std::to_string(node);
        line += ',';
        line += std::to_string(length);
        line += '\n';
        m_out << line;
    }
}

void
QueueLog::Close()
{
    if (!m_out.is_open())
    {
        return;
    }
    m_out.close();
    if (!m_out || std::rename((m_path + ".partial").c_str(), m_path.c_str()) != 0)
    {
        throw std::runtime_error("failed writing '" + m_path + "'");
    }
}

QueueLog::Stats
QueueLog::GetStats(uint32_t node) const
{
    Stats stats;
    auto it = m_tracks.find(node);
    if (it == m_tracks.end())
    {
        return stats;
    }
    const Track& track = it->second;
    const Time now = Simulator::Now();
    const double span = (now - track.watched).GetSeconds();
    const double area = track.area + track.current * (now - track.since).GetSeconds();
    stats.timeAverage = span > 0 ? area / span : track.current;
    stats.maximum = track.maximum;
    return stats;
}

const QueueSeries&
QueueLog::GetSeries(uint32_t node) const
{
    static const QueueSeries empty;
    auto it = m_tracks.find(node);
    return it == m_tracks.end() ? empty : it->second.series;
}

} // namespace ns3
