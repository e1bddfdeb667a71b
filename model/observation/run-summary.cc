#include "run-summary.h"

#include "cost-fit.h"
#include "llm-engine.h"
#include "number-text.h"
#include "request-statistics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
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
    std::vector<double> sorted = values; // one copy, one sort for every percentile
    std::sort(sorted.begin(), sorted.end());
    d.p50 = PercentileOfSorted(sorted, 50);
    d.p95 = PercentileOfSorted(sorted, 95);
    d.p99 = PercentileOfSorted(sorted, 99);
    d.max = sorted.back();
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
    RequestStatistics statistics;
    for (const auto& [id, row] : requests.GetRows())
    {
        statistics.Add(RequestOutcome::Of(id, row));
    }
    return Compute(statistics, queues, engines, simulated, issueStart, issueEnd);
}

RunSummary
RunSummary::Compute(const RequestStatistics& requests,
                    const QueueLog& queues,
                    const std::vector<std::pair<uint32_t, Ptr<LlmEngine>>>& engines,
                    Time simulated,
                    Time issueStart,
                    Time issueEnd)
{
    RunSummary s;
    s.simulatedSeconds = simulated.GetSeconds();
    requests.Fill(s);
    std::vector<uint32_t> nodes;
    for (const auto& [node, engine] : engines)
    {
        nodes.push_back(node);
    }
    const QueueTrends trends =
        queues.GetTrends(nodes, issueStart.GetSeconds(), issueEnd.GetSeconds());
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
        e.meanServiceSeconds = e.jobsCompleted == 0
                                   ? std::nan("")
                                   : engine->GetBusyTime().GetSeconds() / e.jobsCompleted;
        if (Ptr<LlmScheduler> scheduler = engine->GetScheduler())
        {
            e.scheduler = scheduler->GetName();
        }
        e.iterations = engine->GetIterations();
        e.meanBatchSize = engine->GetMeanBatchSize();
        e.kvBlocks = engine->GetKvBlocks();
        e.kvUtilisation = engine->GetKvUtilisation();
        e.preemptions = engine->GetPreemptions();
        e.outputTokensPerSecond =
            s.simulatedSeconds > 0 ? engine->GetOutputTokens() / s.simulatedSeconds : 0;
        const QueueLog::Stats q = queues.GetStats(node);
        e.meanQueue = q.timeAverage;
        e.maxQueue = q.maximum;
        e.queueTrend = trends.perNode[s.engines.size()];
        s.engines.push_back(e);
    }
    if (!engines.empty())
    {
        s.totalQueueTrend = trends.total;
        // Growth is judged on the total; a backlog per engine (jobs waiting per device).
        if (s.totalQueueTrend.verdict != "overloaded")
        {
            s.totalQueueTrend.verdict =
                s.totalQueueTrend.mean / engines.size() >= 1 ? "backlogged" : "stable";
        }
        s.stability = s.totalQueueTrend.verdict;
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
    auto orNull = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
    nlohmann::json engineList = nlohmann::json::array();
    for (const auto& e : engines)
    {
        engineList.push_back(
            {{"node", e.node},
             {"model", e.model},
             {"device", e.device},
             {"jobs_completed", e.jobsCompleted},
             {"utilisation", e.utilisation},
             {"energy_j", e.energyJoules},
             {"mean_service_s",
              std::isnan(e.meanServiceSeconds) ? nlohmann::json()
                                               : nlohmann::json(e.meanServiceSeconds)},
             {"mean_queue", e.meanQueue},
             {"max_queue", e.maxQueue},
             {"scheduler", e.scheduler},
             {"iterations", e.iterations},
             {"mean_batch_size", orNull(e.meanBatchSize)},
             {"kv_blocks", e.kvBlocks},
             {"kv_utilisation", orNull(e.kvUtilisation)},
             {"preemptions", e.preemptions},
             {"output_tokens_per_s", e.outputTokensPerSecond},
             {"queue_trend",
              {{"verdict", e.queueTrend.verdict},
               {"window_means", e.queueTrend.windowMeans},
               {"slope_per_s", e.queueTrend.slopePerSecond},
               {"growth", e.queueTrend.growth},
               {"confidence", e.queueTrend.confidence}}}});
    }
    nlohmann::json batteryList = nlohmann::json::array();
    for (const auto& b : batteries)
    {
        batteryList.push_back({{"node", b.node},
                               {"capacity_j", b.capacityJoules},
                               {"remaining_j", b.remainingJoules},
                               {"radio_j", b.radioJoules},
                               {"compute_j", b.computeJoules},
                               {"depleted_at_s", orNull(b.depletedAtSeconds)}});
    }
    nlohmann::json j = {
        {"scenario", scenario},
        {"simulated_s", simulatedSeconds},
        {"wall_s", wallSeconds},
        {"requests", requests},
        {"states", states},
        {"latency_s", ToJson(latency)},
        {"ttft_s", ToJson(ttft)},
        {"queue_wait_s", ToJson(queueWait)},
        {"compute_s", ToJson(compute)},
        {"network_s", ToJson(network)},
        {"itl_s", ToJson(itl)},
        {"throughput_rps", throughputRps},
        {"output_tokens_per_s", outputTokensPerSecond},
        {"application_bytes", applicationBytes},
        {"engines", engineList},
        {"batteries", batteryList},
        {"rho", std::isnan(rho) ? nlohmann::json() : nlohmann::json(rho)},
        {"rho_with_growth",
         std::isnan(rhoWithGrowth) ? nlohmann::json() : nlohmann::json(rhoWithGrowth)},
        {"stability", stability},
        {"total_queue_trend",
         {{"verdict", totalQueueTrend.verdict},
          {"window_means", totalQueueTrend.windowMeans},
          {"slope_per_s", totalQueueTrend.slopePerSecond},
          {"growth", totalQueueTrend.growth},
          {"confidence", totalQueueTrend.confidence}}},
    };
    for (const auto& [key, count] : counts)
    {
        j[key] = count;
    }
    if (!layerLatency.empty())
    {
        nlohmann::json layers = nlohmann::json::array();
        for (const auto& [label, d] : layerLatency)
        {
            nlohmann::json entry = ToJson(d);
            entry["stage"] = label;
            layers.push_back(entry);
        }
        j["moa"] = {{"layer_latency_s", layers}, {"retries", moaRetries}};
    }
    if (split.requests > 0)
    {
        auto number = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
        j["split"] = {{"requests", split.requests},
                      {"ended", split.ended},
                      {"sla_met", split.slaMet},
                      {"sla_attainment", number(split.slaAttainment)},
                      {"server_work_s", ToJson(split.serverWork)},
                      {"planned_server_work_s", ToJson(split.plannedServerWork)},
                      {"client_compute_s", ToJson(split.clientCompute)},
                      {"switches", ToJson(split.switches)},
                      {"latency_over_predicted", ToJson(split.latencyOverPredicted)},
                      {"server_requests_per_busy_s", number(split.serverRequestsPerBusySecond)},
                      {"bytes_up_per_request", number(split.bytesUpPerRequest)},
                      {"bytes_down_per_request", number(split.bytesDownPerRequest)}};
    }
    if (router.routed > 0 || router.refused > 0)
    {
        nlohmann::json perExpert = nlohmann::json::object();
        for (const auto& [expert, count] : router.perExpert)
        {
            perExpert[std::to_string(expert)] = count;
        }
        j["router"] = {{"routed", router.routed},
                       {"misrouted", router.misrouted},
                       {"refused", router.refused},
                       {"classifier_s", ToJson(router.classifierSeconds)},
                       {"gateway_s", ToJson(router.gatewaySeconds)},
                       {"per_expert", perExpert}};
    }
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
        if (d.count == 0)
        {
            return; // e.g. the one-job decomposition of MoA requests
        }
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
    row("itl", itl);
    for (const auto& [label, d] : layerLatency)
    {
        row(("  " + label).c_str(), d);
    }
    row("server work", split.serverWork);
    row("device work", split.clientCompute);
    std::snprintf(line,
                  sizeof(line),
                  "throughput: %.4f req/s, %.2f output tokens/s over %.1f s simulated\n",
                  throughputRps,
                  outputTokensPerSecond,
                  simulatedSeconds);
    os << line;
    if (wallSeconds > 0)
    {
        std::snprintf(line,
                      sizeof(line),
                      "wall clock: %.2f s (%.0f simulated s and %.1f requests per wall second)\n",
                      wallSeconds,
                      simulatedSeconds / wallSeconds,
                      requests / wallSeconds);
        os << line;
    }
    if (!std::isnan(rho))
    {
        std::snprintf(line, sizeof(line), "offered load rho = %.3f (from the cost model)", rho);
        os << line;
        if (!std::isnan(rhoWithGrowth))
        {
            std::snprintf(line, sizeof(line), ", %.3f with prompt growth", rhoWithGrowth);
            os << line;
        }
        os << "\n";
    }
    if (split.requests > 0)
    {
        std::snprintf(line,
                      sizeof(line),
                      "split: SLA met by %llu of %llu ended requests (%.1f %%); measured/planned "
                      "latency %.3f (mean)\n",
                      static_cast<unsigned long long>(split.slaMet),
                      static_cast<unsigned long long>(split.ended),
                      100.0 * split.slaAttainment,
                      split.latencyOverPredicted.mean);
        os << line;
    }
    if (router.routed > 0 || router.refused > 0)
    {
        std::snprintf(line,
                      sizeof(line),
                      "router: %llu routed, %llu misrouted, %llu refused; gateway %.2f ms mean "
                      "(classifier %.2f ms)\n",
                      static_cast<unsigned long long>(router.routed),
                      static_cast<unsigned long long>(router.misrouted),
                      static_cast<unsigned long long>(router.refused),
                      1e3 * router.gatewaySeconds.mean,
                      1e3 * router.classifierSeconds.mean);
        os << line;
    }
    if (!stability.empty())
    {
        os << "stability (total queue): " << stability;
        if (moaRetries > 0)
        {
            os << " | peer retries: " << moaRetries;
        }
        os << "\n";
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
        if (e.scheduler == "continuous")
        {
            std::snprintf(line,
                          sizeof(line),
                          "  continuous batching: mean batch %.1f, %.1f output tokens/s, KV cache "
                          "%.1f %% of %u blocks, %llu preemptions\n",
                          e.meanBatchSize,
                          e.outputTokensPerSecond,
                          100 * e.kvUtilisation,
                          e.kvBlocks,
                          static_cast<unsigned long long>(e.preemptions));
            os << line;
        }
    }
    if (!batteries.empty())
    {
        size_t depleted = 0;
        double first = std::numeric_limits<double>::infinity();
        double radio = 0;
        double compute = 0;
        double remaining = 0;
        double capacity = 0;
        for (const auto& b : batteries)
        {
            if (!std::isnan(b.depletedAtSeconds))
            {
                ++depleted;
                first = std::min(first, b.depletedAtSeconds);
            }
            radio += b.radioJoules;
            compute += b.computeJoules;
            remaining += b.remainingJoules;
            capacity += b.capacityJoules;
        }
        std::snprintf(line,
                      sizeof(line),
                      "batteries: %zu nodes, %zu depleted%s, %.1f %% left; drawn %.1f J by "
                      "radios, %.1f J by compute\n",
                      batteries.size(),
                      depleted,
                      depleted > 0 ? (" (first at " + NumberText(first) + " s)").c_str() : "",
                      100 * remaining / capacity,
                      radio,
                      compute);
        os << line;
    }
    return os.str();
}

} // namespace ns3
