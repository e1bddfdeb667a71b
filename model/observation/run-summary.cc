#include "run-summary.h"

#include "cost-fit.h"
#include "llm-engine.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace ns3
{

Distribution
Distribution::Of(const std::vector<double>& values)
{
    Distribution d;
    d.count = values.size();
    if (values.empty())
    {
        d.mean = d.p50 = d.p95 = d.p99 = d.max = std::nan("");
        return d;
    }
    double sum = 0;
    for (double v : values)
    {
        sum += v;
    }
    d.mean = sum / values.size();
    d.p50 = Percentile(values, 50);
    d.p95 = Percentile(values, 95);
    d.p99 = Percentile(values, 99);
    d.max = Percentile(values, 100);
    return d;
}

RunSummary
RunSummary::Compute(const RequestLog& requests,
                    const QueueLog& queues,
                    const std::vector<std::pair<uint32_t, Ptr<LlmEngine>>>& engines,
                    Time simulated,
                    Time issueStart,
                    Time issueEnd)
{
    RunSummary s;
    s.simulatedSeconds = simulated.GetSeconds();
    s.states = requests.CountByState();
    std::vector<double> latency;
    std::vector<double> ttft;
    std::vector<double> wait;
    std::vector<double> compute;
    std::vector<double> network;
    double outputTokens = 0;
    for (const auto& [id, row] : requests.GetRows())
    {
        ++s.requests;
        s.applicationBytes += row.record.bytesSent + row.record.bytesReceived;
        if (!std::isnan(row.TtftSeconds()))
        {
            ttft.push_back(row.TtftSeconds());
        }
        if (row.record.status != "completed")
        {
            continue;
        }
        ++s.completed;
        outputTokens += row.record.outputTokens;
        latency.push_back(row.LatencySeconds());
        if (row.served)
        {
            wait.push_back(row.QueueWaitSeconds());
            compute.push_back(row.ComputeSeconds());
            network.push_back(row.NetworkSeconds());
        }
    }
    s.latency = Distribution::Of(latency);
    s.ttft = Distribution::Of(ttft);
    s.queueWait = Distribution::Of(wait);
    s.compute = Distribution::Of(compute);
    s.network = Distribution::Of(network);
    if (s.simulatedSeconds > 0)
    {
        s.throughputRps = s.completed / s.simulatedSeconds;
        s.outputTokensPerSecond = outputTokens / s.simulatedSeconds;
    }
    for (const auto& [node, engine] : engines)
    {
        EngineSummary e;
        e.node = node;
        if (auto model = engine->GetCostModel())
        {
            e.model = model->GetModel().name;
            e.device = model->GetDevice().name;
        }
        e.jobsCompleted = engine->GetCompletedJobs();
        e.utilisation =
            s.simulatedSeconds > 0 ? engine->GetBusyTime().GetSeconds() / s.simulatedSeconds : 0;
        e.energyJoules = engine->GetEnergyJoules();
        const QueueLog::Stats q = queues.GetStats(node);
        e.meanQueue = q.timeAverage;
        e.maxQueue = q.maximum;
        e.queueTrend = ClassifyQueueTrend(queues.GetSeries(node),
                                          issueStart.GetSeconds(),
                                          issueEnd.GetSeconds());
        s.engines.push_back(e);
    }
    return s;
}

namespace
{

nlohmann::json
ToJson(const Distribution& d)
{
    auto value = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
    return {{"count", d.count},
            {"mean", value(d.mean)},
            {"p50", value(d.p50)},
            {"p95", value(d.p95)},
            {"p99", value(d.p99)},
            {"max", value(d.max)}};
}

} // namespace

void
RunSummary::WriteJson(const std::string& path) const
{
    nlohmann::json engineList = nlohmann::json::array();
    for (const auto& e : engines)
    {
        engineList.push_back({{"node", e.node},
                              {"model", e.model},
                              {"device", e.device},
                              {"jobs_completed", e.jobsCompleted},
                              {"utilisation", e.utilisation},
                              {"energy_j", e.energyJoules},
                              {"mean_queue", e.meanQueue},
                              {"max_queue", e.maxQueue},
                              {"queue_trend",
                               {{"verdict", e.queueTrend.verdict},
                                {"window_means", e.queueTrend.windowMeans},
                                {"slope_per_s", e.queueTrend.slopePerSecond},
                                {"growth", e.queueTrend.growth}}}});
    }
    const nlohmann::json j = {
        {"scenario", scenario},
        {"simulated_s", simulatedSeconds},
        {"requests", requests},
        {"states", states},
        {"latency_s", ToJson(latency)},
        {"ttft_s", ToJson(ttft)},
        {"queue_wait_s", ToJson(queueWait)},
        {"compute_s", ToJson(compute)},
        {"network_s", ToJson(network)},
        {"throughput_rps", throughputRps},
        {"output_tokens_per_s", outputTokensPerSecond},
        {"application_bytes", applicationBytes},
        {"engines", engineList},
        {"rho", std::isnan(rho) ? nlohmann::json() : nlohmann::json(rho)},
    };
    const std::string tmp = path + ".partial";
    {
        std::ofstream out(tmp);
        out << j.dump(2) << "\n";
        if (!out)
        {
            throw std::runtime_error("failed writing '" + tmp + "'");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
    {
        throw std::runtime_error("cannot rename '" + tmp + "' to '" + path + "'");
    }
}

std::string
RunSummary::Table() const
{
    std::ostringstream os;
    char line[160];
    os << "requests: " << requests;
    for (const auto& [state, count] : states)
    {
        os << " | " << state << ": " << count;
    }
    os << "\n";
    os << "                 mean      p50      p95      p99   (seconds)\n";
    auto row = [&](const char* name, const Distribution& d) {
        std::snprintf(line,
                      sizeof(line),
                      "%-12s %8.3f %8.3f %8.3f %8.3f\n",
                      name,
                      d.mean,
                      d.p50,
                      d.p95,
                      d.p99);
        os << line;
    };
    row("latency", latency);
    row("ttft", ttft);
    row("queue wait", queueWait);
    row("compute", compute);
    row("network", network);
    std::snprintf(line,
                  sizeof(line),
                  "throughput: %.4f req/s, %.2f output tokens/s over %.1f s simulated\n",
                  throughputRps,
                  outputTokensPerSecond,
                  simulatedSeconds);
    os << line;
    if (!std::isnan(rho))
    {
        std::snprintf(line, sizeof(line), "offered load rho = %.3f (from the cost model)\n", rho);
        os << line;
    }
    for (const auto& e : engines)
    {
        std::snprintf(line,
                      sizeof(line),
                      "engine node %u (%s on %s): utilisation %.1f %%, mean queue %.2f, max %u, "
                      "queue %s, energy %.1f J\n",
                      e.node,
                      e.model.c_str(),
                      e.device.c_str(),
                      100 * e.utilisation,
                      e.meanQueue,
                      e.maxQueue,
                      e.queueTrend.verdict.c_str(),
                      e.energyJoules);
        os << line;
    }
    return os.str();
}

} // namespace ns3
