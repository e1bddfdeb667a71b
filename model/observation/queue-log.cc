#include "queue-log.h"

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
    track.series.emplace_back(Simulator::Now().GetSeconds(), track.current);
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
    track.series.emplace_back(now.GetSeconds(), newValue);
    WriteRow(node, newValue);
}

void
QueueLog::WriteRow(uint32_t node, uint32_t length)
{
    if (m_out.is_open())
    {
        char line[64];
        std::snprintf(line,
                      sizeof(line),
                      "%.9g,%u,%u\n",
                      Simulator::Now().GetSeconds(),
                      node,
                      length);
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
