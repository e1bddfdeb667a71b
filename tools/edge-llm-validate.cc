/*
 * edge-llm-validate: the cost models against published measurements. For every row of a
 * published-speeds CSV (shared/data/published-speeds.csv) it predicts the row's metric with
 * the roofline (default) or profiled cost model of the row's device and model preset at the
 * row's precision, and prints the measured and predicted figures, the error, and the median
 * and 95th percentile of |error| against the calibration target (median <= 15 %, p95 <= 30 %).
 *
 *   edge-llm-validate [--file=PATH] [--cost=roofline|profiled] [--json]
 *
 * Exit status: 0 target met, 1 target missed, 2 bad input (one line naming the bad value).
 *
 * How a row is predicted (P prompt tokens, default 16 when the row gives none; G output
 * tokens, default 128):
 *  - batch B (a number; 1 = one request): B prompts prefilled in one iteration, then G-1
 *    iterations decoding the B sequences (a static batch);
 *    output_rate = B G / total, ttft = the prefill iteration, prefill_rate = B P / prefill,
 *    decode_time = the decode iterations' mean seconds per token;
 *  - batch offline (all requests queued at once): PredictOfflineOutputRate, which simulates
 *    1000 such requests submitted at once to a continuous-batching LlmEngine.
 */

#include "ns3/continuous-batching-scheduler.h"
#include "ns3/cost-fit.h"
#include "ns3/cost-profile.h"
#include "ns3/inference-cost-model.h"
#include "ns3/llm-engine.h"
#include "ns3/node.h"
#include "ns3/number-text.h"
#include "ns3/profiled-cost-model.h"
#include "ns3/published-speed.h"
#include "ns3/roofline-cost-model.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

constexpr double TARGET_MEDIAN_PCT = 15;
constexpr double TARGET_P95_PCT = 30;
constexpr uint32_t DEFAULT_PROMPT_TOKENS = 16;
constexpr uint32_t DEFAULT_OUTPUT_TOKENS = 128;
/// Requests an offline row submits at once (trtllm-bench's data sets are of this order).
constexpr uint32_t OFFLINE_REQUESTS = 1000;

const char* USAGE =
    "usage: edge-llm-validate [--file=PATH] [--cost=roofline|profiled] [--json]\n"
    "  --file=PATH   published-speeds CSV (default: ../shared/data/published-speeds.csv from\n"
    "                the project root)\n"
    "  --cost=KIND   roofline (default) or profiled (rows whose model has no profile are not\n"
    "                predicted)\n"
    "  --json        machine-readable output\n"
    "exit status: 0 calibration target (median |error| <= 15 %, p95 <= 30 %) met, 1 missed,\n"
    "2 bad input\n";

/// One row's prediction; `predicted` false with a note when the row cannot be predicted.
struct Prediction
{
    bool predicted{false};
    double value{0};
    std::string note;
};

Ptr<InferenceCostModel>
MakeCostModel(const std::string& kind, const PublishedSpeed& row)
{
    if (kind == "roofline")
    {
        Ptr<RooflineCostModel> m = CreateObject<RooflineCostModel>();
        m->SetModel(ModelSpec::Preset(row.ModelPreset()));
        m->SetDevice(DeviceProfile::Preset(row.device));
        return m;
    }
    Ptr<ProfiledCostModel> m = CreateObject<ProfiledCostModel>();
    m->SetAttribute("Model", StringValue(row.ModelPreset()));
    m->SetAttribute("Device", StringValue(row.device));
    m->GetModel(); // loads the profile now: throws std::runtime_error when there is none
    return m;
}

/// A static batch of `batch` requests of P prompt and G output tokens, as seconds.
struct StaticBatch
{
    double prefill{0}; //!< the one prefill iteration
    double decode{0};  //!< the G-1 decode iterations
};

StaticBatch
RunStaticBatch(const InferenceCostModel& m, uint32_t batch, uint32_t prompt, uint32_t output)
{
    const LayerRange all = m.AllLayers();
    StaticBatch times;
    BatchStep prefill;
    prefill.prefillTokens.assign(batch, prompt);
    times.prefill = m.BatchStepSeconds(prefill, all);
    for (uint32_t i = 0; i + 1 < output; ++i)
    {
        BatchStep step;
        step.decodeContexts.assign(batch, prompt + i);
        times.decode += m.BatchStepSeconds(step, all);
    }
    return times;
}

/**
 * Output tokens per second of a continuous-batching engine given all requests at once
 * (trtllm-bench's offline mode), by simulation: `requests` jobs of P prompt and G output
 * tokens submitted at t = 0 to an ns3::LlmEngine with ns3::ContinuousBatchingScheduler at its
 * defaults (MaxNumSeqs 256, MaxNumBatchedTokens 8192, BlockSize 16, MemoryUtilization 0.9, no
 * chunked prefill: vLLM's defaults; KV-cache blocks from the device's memory), no network;
 * the rate is the output tokens of the completed jobs over the time the last one completed.
 */
Prediction
PredictOfflineOutputRate(Ptr<InferenceCostModel> m,
                         uint32_t prompt,
                         uint32_t output,
                         uint32_t requests)
{
    Simulator::Destroy();
    Ptr<Node> node = CreateObject<Node>();
    Ptr<LlmEngine> engine = CreateObject<LlmEngine>();
    engine->SetAttribute("QueueCapacity", UintegerValue(requests));
    engine->SetScheduler(CreateObject<ContinuousBatchingScheduler>());
    engine->SetCostModel(m);
    node->AggregateObject(engine);
    uint64_t tokens = 0;
    uint32_t completed = 0;
    uint32_t dropped = 0;
    std::string reason;
    Time last;
    for (uint32_t i = 0; i < requests; ++i)
    {
        InferenceJob job;
        job.requestId = i + 1;
        job.promptTokens = prompt;
        job.outputTokens = output;
        job.onCompleted = Callback<void, const InferenceJob&>([&](const InferenceJob& j) {
            tokens += j.outputTokens;
            ++completed;
            last = Simulator::Now();
        });
        job.onDropped = Callback<void, const InferenceJob&, const std::string&>(
            [&](const InferenceJob&, const std::string& why) {
                ++dropped;
                reason = why;
            });
        engine->Submit(job);
    }
    Simulator::Run();
    Simulator::Destroy();
    Prediction p;
    if (completed == 0 || dropped > 0)
    {
        p.note = "not predicted: " + std::to_string(dropped) + " of " + std::to_string(requests) +
                 " requests dropped (" + reason + ")";
        return p;
    }
    p.predicted = true;
    p.value = tokens / last.GetSeconds();
    return p;
}

Prediction
Predict(const std::string& kind, const PublishedSpeed& row)
{
    Ptr<InferenceCostModel> m;
    try
    {
        m = MakeCostModel(kind, row);
    }
    catch (const std::runtime_error&)
    {
        // The profiled model without a profile file for this model (or its base model).
        return Prediction{false,
                          0,
                          "not predicted: no profile for " + row.ModelPreset() + " (" +
                              ProfileSearchPath() + ")"};
    }
    const uint32_t prompt = row.promptTokens > 0 ? row.promptTokens : DEFAULT_PROMPT_TOKENS;
    const uint32_t output = row.outputTokens > 0 ? row.outputTokens : DEFAULT_OUTPUT_TOKENS;
    if (row.offline)
    {
        if (row.metric != "output_rate")
        {
            return Prediction{false, 0, "not predicted: offline rows predict output_rate only"};
        }
        return PredictOfflineOutputRate(m, prompt, output, OFFLINE_REQUESTS);
    }
    const StaticBatch t = RunStaticBatch(*m, row.batch, prompt, output);
    const double b = row.batch;
    Prediction p;
    p.predicted = true;
    if (row.metric == "output_rate")
    {
        p.value = b * output / (t.prefill + t.decode);
    }
    else if (row.metric == "ttft")
    {
        p.value = t.prefill;
    }
    else if (row.metric == "prefill_rate")
    {
        p.value = b * prompt / t.prefill;
    }
    else // decode_time: mean seconds per decode iteration over G steps from the prompt
    {
        p.value = m->DecodeSeconds(output, prompt, m->AllLayers());
        if (row.batch > 1)
        {
            BatchStep step;
            step.decodeContexts.assign(row.batch, prompt);
            p.value = m->BatchStepSeconds(step, m->AllLayers()) * output;
        }
        p.value /= output;
    }
    return p;
}

std::string
Fixed(double value, int decimals)
{
    char text[64];
    std::snprintf(text, sizeof(text), "%.*f", decimals, value);
    return text;
}

/// Enough significant digits for a figure of any magnitude.
std::string
Figure(double value)
{
    char text[64];
    std::snprintf(text, sizeof(text), "%.4g", value);
    return text;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string file = "../shared/data/published-speeds.csv";
    std::string kind = "roofline";
    bool json = false;
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        if (arg.rfind("--file=", 0) == 0)
        {
            file = arg.substr(7);
        }
        else if (arg.rfind("--cost=", 0) == 0)
        {
            kind = arg.substr(7);
            if (kind != "roofline" && kind != "profiled")
            {
                std::cerr << "edge-llm-validate: --cost '" << kind
                          << "' is not one of: roofline, profiled" << std::endl;
                return 2;
            }
        }
        else if (arg == "--json")
        {
            json = true;
        }
        else if (arg == "--help" || arg == "-h")
        {
            std::cout << USAGE;
            return 0;
        }
        else
        {
            std::cerr << "edge-llm-validate: unknown option '" << arg
                      << "'; accepted: --file=PATH, --cost=roofline|profiled, --json, --help"
                      << std::endl;
            return 2;
        }
    }

    std::vector<PublishedSpeed> rows;
    try
    {
        rows = PublishedSpeed::Load(file);
    }
    catch (const std::invalid_argument& e)
    {
        std::cerr << "edge-llm-validate: " << e.what() << std::endl;
        return 2;
    }

    std::vector<double> errors;
    nlohmann::json out;
    out["file"] = file;
    out["cost"] = kind;
    out["rows"] = nlohmann::json::array();
    char line[512];
    if (!json)
    {
        std::snprintf(line,
                      sizeof(line),
                      "%-26s %-16s %-15s %-5s %-12s %10s %10s %8s",
                      "id",
                      "device",
                      "model",
                      "prec",
                      "metric",
                      "measured",
                      "predicted",
                      "error %");
        std::cout << line << "\n";
    }
    uint32_t missing = 0;
    for (const PublishedSpeed& row : rows)
    {
        Prediction p;
        try
        {
            p = Predict(kind, row);
        }
        catch (const std::invalid_argument& e)
        {
            std::cerr << "edge-llm-validate: " << row.id << ": " << e.what() << std::endl;
            return 2;
        }
        const std::string precision = row.ModelPreset() == row.model
                                          ? "fp16"
                                          : row.ModelPreset().substr(row.model.size() + 1);
        nlohmann::json entry = {{"id", row.id},
                                {"device", row.device},
                                {"model", row.model},
                                {"precision", precision},
                                {"batch", row.offline ? "offline" : std::to_string(row.batch)},
                                {"metric", row.metric},
                                {"unit", row.unit},
                                {"measured", row.value}};
        std::string predicted = "-";
        std::string error = "-";
        if (p.predicted)
        {
            const double pct = (p.value - row.value) / row.value * 100.0;
            errors.push_back(std::abs(pct));
            entry["predicted"] = p.value;
            entry["error_pct"] = pct;
            predicted = Figure(p.value);
            error = (pct >= 0 ? "+" : "") + Fixed(pct, 1);
        }
        else
        {
            ++missing;
            entry["predicted"] = nullptr;
            entry["error_pct"] = nullptr;
            entry["note"] = p.note;
        }
        out["rows"].push_back(entry);
        if (!json)
        {
            std::snprintf(line,
                          sizeof(line),
                          "%-26s %-16s %-15s %-5s %-12s %10s %10s %8s",
                          row.id.c_str(),
                          row.device.c_str(),
                          row.model.c_str(),
                          precision.c_str(),
                          row.metric.c_str(),
                          Figure(row.value).c_str(),
                          predicted.c_str(),
                          error.c_str());
            std::cout << line << (p.predicted ? "" : "  " + p.note) << "\n";
        }
    }

    const double median = Percentile(errors, 50);
    const double p95 = Percentile(errors, 95);
    const bool met = !errors.empty() && median <= TARGET_MEDIAN_PCT && p95 <= TARGET_P95_PCT;
    out["predicted_rows"] = errors.size();
    out["missing_rows"] = missing;
    out["median_abs_error_pct"] = errors.empty() ? nlohmann::json(nullptr) : nlohmann::json(median);
    out["p95_abs_error_pct"] = errors.empty() ? nlohmann::json(nullptr) : nlohmann::json(p95);
    out["target"] = {{"median_abs_error_pct", TARGET_MEDIAN_PCT},
                     {"p95_abs_error_pct", TARGET_P95_PCT}};
    out["met"] = met;
    if (json)
    {
        std::cout << out.dump(2) << std::endl;
    }
    else
    {
        std::cout << "\n"
                  << errors.size() << " rows predicted, " << missing << " not predicted (" << kind
                  << " cost model)\n"
                  << "median |error| " << Fixed(median, 1) << " %, p95 |error| " << Fixed(p95, 1)
                  << " %\n"
                  << "target (median <= " << NumberText(TARGET_MEDIAN_PCT)
                  << " %, p95 <= " << NumberText(TARGET_P95_PCT)
                  << " %): " << (met ? "met" : "missed") << " on " << errors.size() << " of "
                  << rows.size() << " rows" << std::endl;
    }
    return met ? 0 : 1;
}
