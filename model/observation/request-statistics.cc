#include "request-statistics.h"

#include "run-summary.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace ns3
{

RequestOutcome
RequestOutcome::Of(uint64_t id, const RequestLog::Row& row)
{
    // The same conditions as RunSummary::Compute applied to a kept row.
    const RequestRecord& r = row.record;
    RequestOutcome o;
    o.id = id;
    o.state = r.status == "failed" ? "failed: " + r.reason : r.status;
    o.arrivalStep = r.arrival.GetTimeStep();
    o.completed = r.status == "completed";
    o.ended = r.status != "pending";
    o.ttft = row.TtftSeconds();
    o.hasTtft = !std::isnan(o.ttft);
    o.retries = r.retries;
    o.bytesSent = r.bytesSent;
    o.bytesReceived = r.bytesReceived;
    o.outputTokens = r.outputTokens;
    o.split = !r.placement.empty();
    o.slaMet = row.SlaMet() == 1;
    o.refused = r.status == "failed" && r.reason == "gateway-full";
    o.routed = row.routed;
    if (o.routed)
    {
        o.misrouted = row.routing.misrouted;
        o.expert = row.routing.expert;
        o.classifier = row.routing.classifierSeconds;
        o.gateway = row.routing.GatewaySeconds();
    }
    if (!o.completed)
    {
        return o;
    }
    o.latency = row.LatencySeconds();
    o.itl = row.ItlSeconds();
    o.hasItl = !std::isnan(o.itl);
    o.oneJob = row.served && row.jobs == 1;
    if (o.oneJob)
    {
        o.wait = row.QueueWaitSeconds();
        o.compute = row.ComputeSeconds();
        o.network = row.NetworkSeconds();
    }
    if (o.split)
    {
        o.serverWork = row.workSeconds - row.ownWorkSeconds;
        o.plannedServerWork = r.plannedServerWork;
        o.clientCompute = r.clientComputeSeconds;
        o.switches = r.switches;
        o.hasPredicted = r.predictedSeconds > 0;
        if (o.hasPredicted)
        {
            o.overPredicted = row.LatencySeconds() / r.predictedSeconds;
        }
    }
    if (r.moaLayers != 0 && r.stages.size() == r.moaLayers + 1 && r.stages.back().done)
    {
        Time previous = r.arrival;
        for (const RequestStage& stage : r.stages)
        {
            o.layerTimes.push_back((stage.end - previous).GetSeconds());
            previous = stage.end;
        }
    }
    return o;
}

namespace
{

template <typename T>
void
Put(std::string& bytes, const T& value)
{
    static_assert(std::is_trivially_copyable<T>::value, "plain values only");
    bytes.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <typename T>
bool
Get(const char*& at, const char* end, T& value)
{
    if (end - at < static_cast<std::ptrdiff_t>(sizeof(T)))
    {
        return false;
    }
    std::memcpy(&value, at, sizeof(T));
    at += sizeof(T);
    return true;
}

/// The fields of an outcome other than its state and layer times, in one fixed order.
template <typename Outcome, typename Visit>
bool
Fields(Outcome& o, Visit visit)
{
    return visit(o.id) && visit(o.arrivalStep) && visit(o.completed) && visit(o.hasTtft) &&
           visit(o.hasItl) && visit(o.oneJob) && visit(o.split) && visit(o.ended) &&
           visit(o.slaMet) && visit(o.hasPredicted) && visit(o.routed) && visit(o.misrouted) &&
           visit(o.refused) && visit(o.outputTokens) && visit(o.retries) && visit(o.expert) &&
           visit(o.bytesSent) && visit(o.bytesReceived) && visit(o.ttft) && visit(o.latency) &&
           visit(o.itl) && visit(o.wait) && visit(o.compute) && visit(o.network) &&
           visit(o.serverWork) && visit(o.plannedServerWork) && visit(o.clientCompute) &&
           visit(o.switches) && visit(o.overPredicted) && visit(o.classifier) && visit(o.gateway);
}

} // namespace

void
RequestOutcome::AppendTo(std::string& bytes) const
{
    Fields(*this, [&bytes](const auto& value) {
        Put(bytes, value);
        return true;
    });
    Put(bytes, static_cast<uint32_t>(state.size()));
    bytes += state;
    Put(bytes, static_cast<uint32_t>(layerTimes.size()));
    for (double t : layerTimes)
    {
        Put(bytes, t);
    }
}

bool
RequestOutcome::ReadFrom(const char*& at, const char* end)
{
    if (!Fields(*this, [&at, end](auto& value) { return Get(at, end, value); }))
    {
        return false;
    }
    uint32_t size = 0;
    if (!Get(at, end, size) || end - at < static_cast<std::ptrdiff_t>(size))
    {
        return false;
    }
    state.assign(at, size);
    at += size;
    if (!Get(at, end, size))
    {
        return false;
    }
    layerTimes.resize(size);
    for (double& t : layerTimes)
    {
        if (!Get(at, end, t))
        {
            return false;
        }
    }
    return true;
}

RequestStatistics::RequestStatistics(uint64_t chunk)
    : m_chunk(chunk),
      m_latency(chunk),
      m_ttft(chunk),
      m_wait(chunk),
      m_compute(chunk),
      m_network(chunk),
      m_itl(chunk),
      m_serverWork(chunk),
      m_plannedServerWork(chunk),
      m_clientCompute(chunk),
      m_switches(chunk),
      m_overPredicted(chunk),
      m_classifier(chunk),
      m_gateway(chunk)
{
}

void
RequestStatistics::Add(const RequestOutcome& o)
{
    ++m_states[o.state];
    ++m_requests;
    if (!m_hasArrival || o.arrivalStep < m_firstArrival)
    {
        m_firstArrival = o.arrivalStep;
        m_hasArrival = true;
    }
    if (o.split)
    {
        ++m_splitRequests;
        m_splitEnded += o.ended;
        m_splitSlaMet += o.slaMet;
        if (o.completed)
        {
            m_serverWork.Add(o.serverWork);
            m_plannedServerWork.Add(o.plannedServerWork);
            m_clientCompute.Add(o.clientCompute);
            m_switches.Add(o.switches);
            if (o.hasPredicted)
            {
                m_overPredicted.Add(o.overPredicted);
            }
            m_bytesUp += o.bytesSent;
            m_bytesDown += o.bytesReceived;
        }
    }
    m_applicationBytes += o.bytesSent + o.bytesReceived;
    if (o.hasTtft)
    {
        m_ttft.Add(o.ttft);
    }
    m_moaRetries += o.retries;
    if (o.refused)
    {
        ++m_refused;
    }
    if (o.routed)
    {
        ++m_routed;
        m_misrouted += o.misrouted ? 1 : 0;
        ++m_perExpert[o.expert];
        m_classifier.Add(o.classifier);
        m_gateway.Add(o.gateway);
    }
    if (!o.completed)
    {
        return;
    }
    ++m_completed;
    for (size_t i = 0; i < o.layerTimes.size(); ++i)
    {
        const std::string label = i + 1 < o.layerTimes.size() ? "layer " + std::to_string(i + 1)
                                                              : std::string("aggregation");
        auto it = std::find_if(m_layers.begin(), m_layers.end(), [&label](const auto& entry) {
            return entry.first == label;
        });
        if (it == m_layers.end())
        {
            m_layers.emplace_back(label, SpillingSample(m_chunk));
            it = m_layers.end() - 1;
        }
        it->second.Add(o.layerTimes[i]);
    }
    m_outputTokens += o.outputTokens;
    m_latency.Add(o.latency);
    if (o.hasItl)
    {
        m_itl.Add(o.itl);
    }
    if (o.oneJob)
    {
        m_wait.Add(o.wait);
        m_compute.Add(o.compute);
        m_network.Add(o.network);
    }
}

uint64_t
RequestStatistics::GetRequests() const
{
    return m_requests;
}

Time
RequestStatistics::GetFirstArrival(Time none) const
{
    return m_hasArrival ? TimeStep(m_firstArrival) : none;
}

void
RequestStatistics::Fill(RunSummary& s) const
{
    s.states = m_states;
    s.requests = m_requests;
    s.completed = m_completed;
    s.applicationBytes = m_applicationBytes;
    s.moaRetries = m_moaRetries;
    s.latency = m_latency.Summarise();
    s.ttft = m_ttft.Summarise();
    s.queueWait = m_wait.Summarise();
    s.compute = m_compute.Summarise();
    s.network = m_network.Summarise();
    s.itl = m_itl.Summarise();
    RouterSummary& router = s.router;
    router.routed = m_routed;
    router.misrouted = m_misrouted;
    router.refused = m_refused;
    router.perExpert = m_perExpert;
    router.classifierSeconds = m_classifier.Summarise();
    router.gatewaySeconds = m_gateway.Summarise();
    SplitSummary& split = s.split;
    split.requests = m_splitRequests;
    split.ended = m_splitEnded;
    split.slaMet = m_splitSlaMet;
    if (split.requests > 0)
    {
        split.slaAttainment = split.ended > 0 ? double(split.slaMet) / split.ended : std::nan("");
        split.serverWork = m_serverWork.Summarise();
        split.plannedServerWork = m_plannedServerWork.Summarise();
        split.clientCompute = m_clientCompute.Summarise();
        split.switches = m_switches.Summarise();
        split.latencyOverPredicted = m_overPredicted.Summarise();
        const uint64_t completedSplit = m_serverWork.GetCount();
        if (completedSplit > 0)
        {
            split.serverRequestsPerBusySecond =
                split.serverWork.mean > 0 ? 1.0 / split.serverWork.mean : std::nan("");
            split.bytesUpPerRequest = m_bytesUp / completedSplit;
            split.bytesDownPerRequest = m_bytesDown / completedSplit;
        }
    }
    // "aggregation" last, whatever M the rows had.
    std::vector<const std::pair<std::string, SpillingSample>*> layers;
    for (const auto& entry : m_layers)
    {
        layers.push_back(&entry);
    }
    std::stable_partition(layers.begin(), layers.end(), [](const auto* entry) {
        return entry->first != "aggregation";
    });
    s.layerLatency.clear();
    for (const auto* entry : layers)
    {
        s.layerLatency.emplace_back(entry->first, entry->second.Summarise());
    }
    if (s.simulatedSeconds > 0)
    {
        s.throughputRps = s.completed / s.simulatedSeconds;
        s.outputTokensPerSecond = m_outputTokens / s.simulatedSeconds;
    }
}

} // namespace ns3
