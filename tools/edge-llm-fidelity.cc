/*
 * edge-llm-fidelity: how well a profile predicts live inference. For each model, runs the full
 * model live in libtorch on prompt/output lengths that are not on the profiling grid and
 * compares the wall-clock time with ns3::ProfiledCostModel's prediction. A benchmark that
 * prints figures; it exits 0 whether or not the accuracy target is met.
 *
 *   edge-llm-fidelity [--models=tiny,gpt2-124m] [--profile-dir=profiles] [--repeats=3]
 */

#include "ns3/cost-fit.h"
#include "ns3/cost-profile.h"
#include "ns3/profiled-cost-model.h"
#include "ns3/program-options.h"
#include "ns3/torch-transformer.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

// Held-out lengths: none of them is on the profiler's grid (powers of two).
const std::vector<uint32_t> PROMPTS = {24, 100, 300, 700};
const std::vector<uint32_t> OUTPUTS = {8, 40, 120};
// The accuracy target of the simulator's compute model.
constexpr double TARGET_MEDIAN = 0.05;
constexpr double TARGET_P95 = 0.15;

std::vector<std::string>
Split(const std::string& list)
{
    std::vector<std::string> items;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ','))
    {
        if (!item.empty())
        {
            items.push_back(item);
        }
    }
    return items;
}

std::string
ProfilePath(const std::string& model, const std::string& dir)
{
    if (!dir.empty())
    {
        return dir + "/" + model + ".json";
    }
    const std::string path = FindProfileFile(model);
    if (path.empty())
    {
        throw std::runtime_error("no profile for model '" + model + "' in " + ProfileSearchPath() +
                                 "; run edge-llm-profile --model=" + model);
    }
    return path;
}

/// Returns true when the model meets the target.
bool
Benchmark(const std::string& modelName,
          const std::string& profileDir,
          uint32_t repeats,
          uint64_t seed)
{
    const std::string path = ProfilePath(modelName, profileDir);
    const CostProfile profile = CostProfile::Load(path);
    const ModelSpec& model = profile.model;
    TorchTransformer::SetThreads(profile.threads);
    std::cerr << "building " << modelName << " live (" << model.layers << " blocks, "
              << profile.threads << " threads), profile " << path << std::endl;
    TorchTransformer net(model, model.layers, true, seed);

    Ptr<ProfiledCostModel> predictor = CreateObject<ProfiledCostModel>();
    predictor->SetProfile(profile);
    const LayerRange all = predictor->AllLayers();

    struct Pair
    {
        uint32_t prompt;
        uint32_t output;
        std::vector<double> prefill;
        std::vector<double> total;
    };

    std::vector<Pair> pairs;
    for (uint32_t p : PROMPTS)
    {
        for (uint32_t g : OUTPUTS)
        {
            if (p + g <= model.maxContext)
            {
                pairs.push_back({p, g, {}, {}});
            }
        }
    }
    for (auto& pair : pairs)
    {
        net.Generate(pair.prompt, pair.output); // warm-up: allocator, caches, thread pools
    }
    // Rounds over all pairs rather than all repeats of one pair, so that slow drifts of the
    // machine's speed spread over every pair (the profiler interleaves its samples alike).
    for (uint32_t r = 0; r < repeats; ++r)
    {
        std::cerr << "  round " << r + 1 << "/" << repeats << std::endl;
        for (auto& pair : pairs)
        {
            const auto t = net.Generate(pair.prompt, pair.output);
            pair.prefill.push_back(t.prefillSeconds);
            pair.total.push_back(t.prefillSeconds + t.decodeSeconds);
        }
    }

    std::vector<double> totalErrors;
    std::vector<double> prefillErrors;
    for (const auto& pair : pairs)
    {
        const uint32_t p = pair.prompt;
        const uint32_t g = pair.output;
        const double liveTotal = Percentile(pair.total, 50);
        const double livePrefill = Percentile(pair.prefill, 50);
        const double predictedPrefill = predictor->PrefillSeconds(p, all);
        const double predictedTotal = predictedPrefill + predictor->DecodeSeconds(g - 1, p, all);
        const double error = (predictedTotal - liveTotal) / liveTotal;
        const double prefillError = (predictedPrefill - livePrefill) / livePrefill;
        totalErrors.push_back(std::fabs(error));
        prefillErrors.push_back(std::fabs(prefillError));
        std::printf("%-16s %5u %5u %11.5f %11.5f %+8.1f%% %11.5f %11.5f %+8.1f%%\n",
                    modelName.c_str(),
                    p,
                    g,
                    liveTotal,
                    predictedTotal,
                    error * 100,
                    livePrefill,
                    predictedPrefill,
                    prefillError * 100);
    }
    if (totalErrors.empty())
    {
        throw std::runtime_error("model '" + modelName + "' has no held-out pair in its context");
    }
    const double medianTotal = Percentile(totalErrors, 50);
    const double p95Total = Percentile(totalErrors, 95);
    const double medianPrefill = Percentile(prefillErrors, 50);
    const double p95Prefill = Percentile(prefillErrors, 95);
    const bool met = medianTotal <= TARGET_MEDIAN && p95Total <= TARGET_P95;
    std::printf("%-16s |error| total: median %.1f%%, p95 %.1f%%; TTFT: median %.1f%%, p95 %.1f%%; "
                "target (median <= %.0f%%, p95 <= %.0f%%) %s\n",
                modelName.c_str(),
                medianTotal * 100,
                p95Total * 100,
                medianPrefill * 100,
                p95Prefill * 100,
                TARGET_MEDIAN * 100,
                TARGET_P95 * 100,
                met ? "met" : "NOT met");
    return met;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string models = "tiny,gpt2-124m";
    std::string profileDir;
    int repeats = 3;
    uint64_t seed = 1;

    ProgramOptions cmd(
        "edge-llm-fidelity",
        "Compares live libtorch generation with ProfiledCostModel's prediction on "
        "held-out prompt/output lengths. Prints figures; exits 0 whatever the accuracy.");
    cmd.AddValue("models", "comma-separated model presets", models);
    cmd.AddValue("profile-dir",
                 "directory holding <model>.json (default: the profile search path)",
                 profileDir);
    cmd.AddValue("repeats",
                 "timed generations per pair (median), in rounds over all pairs, after one "
                 "warm-up each",
                 repeats);
    cmd.AddValue("seed", "seed of the random weights and prompts", seed);
    cmd.Parse(argc, argv);

    if (repeats < 1 || repeats > 1000)
    {
        std::cerr << "error: --repeats must be between 1 and 1000, got " << repeats << "\n";
        return 2;
    }
    const std::vector<std::string> names = Split(models);
    if (names.empty())
    {
        std::cerr << "error: --models is empty\n";
        return 2;
    }
    try
    {
        std::printf("%-16s %5s %5s %11s %11s %9s %11s %11s %9s\n",
                    "model",
                    "P",
                    "G",
                    "live_s",
                    "predicted_s",
                    "error",
                    "ttft_live_s",
                    "ttft_pred_s",
                    "error");
        for (const auto& name : names)
        {
            Benchmark(name, profileDir, static_cast<uint32_t>(repeats), seed);
        }
    }
    catch (const std::exception& e)
    {
        std::cerr << "error: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
