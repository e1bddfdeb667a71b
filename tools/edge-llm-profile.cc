/*
 * edge-llm-profile: times a model's transformer blocks and head in libtorch on this host and
 * writes the profile file (samples + fitted cost model) that ns3::ProfiledCostModel reads.
 *
 *   edge-llm-profile --model=gpt2-124m [--out=profiles/gpt2-124m.json] [--threads=2]
 */

#include "ns3/model-spec.h"
#include "ns3/program-options.h"
#include "ns3/torch-profiler.h"
#include "ns3/torch-transformer.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <unistd.h>

using namespace ns3;

namespace
{

/// Exit status for bad command-line input (as opposed to a failure while profiling).
constexpr int USAGE_ERROR = 2;

/**
 * Parses a count option strictly (digits only, so "-1" and "2x" are errors rather than
 * wrapped or truncated) into `out`; prints a one-line error and returns false otherwise.
 */
template <typename T>
bool
ParseCount(const char* name, const std::string& text, T minimum, T& out)
{
    const bool digits = !text.empty() && text.size() <= 20 &&
                        text.find_first_not_of("0123456789") == std::string::npos;
    unsigned long long value = 0;
    if (digits)
    {
        try
        {
            value = std::stoull(text);
        }
        catch (const std::out_of_range&)
        {
            value = std::numeric_limits<unsigned long long>::max();
        }
    }
    if (!digits || value < static_cast<unsigned long long>(minimum) ||
        value > std::numeric_limits<T>::max())
    {
        std::cerr << "error: --" << name << " must be an integer " << (minimum > 0 ? "> 0" : ">= 0")
                  << " (at most " << std::numeric_limits<T>::max() << "), got '" << text << "'\n";
        return false;
    }
    out = static_cast<T>(value);
    return true;
}

/// Fails early, before minutes of profiling, if the output file cannot be written.
void
CheckWritable(const std::string& path)
{
    namespace fs = std::filesystem;
    fs::path dir = fs::path(path).parent_path();
    if (dir.empty())
    {
        dir = ".";
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || access(dir.c_str(), W_OK) != 0)
    {
        throw std::runtime_error("cannot write to directory '" + dir.string() + "'");
    }
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string modelName;
    std::string out;
    // Numbers are read as text and checked here: one-line errors, exit status 2.
    std::string threads = "2";
    std::string repeats = "5";
    std::string warmup = "2";
    std::string blocks = "0";
    std::string maxPrompt = "1024";
    std::string seed = "1";
    std::string retries = "3";

    ProgramOptions cmd(
        "edge-llm-profile",
        "Profiles a model's inference in libtorch on this host and writes the profile file "
        "read by ns3::ProfiledCostModel.\nModels: " +
            ModelSpec::PresetList());
    cmd.AddValue("model", "model preset to profile (required)", modelName);
    cmd.AddValue("out", "profile file to write (default profiles/<model>.json)", out);
    cmd.AddValue("threads",
                 "threads for the matrix products (as TorchTransformer::SetThreads)",
                 threads);
    cmd.AddValue("repeats", "timed rounds over all probes (a sample is their median)", repeats);
    cmd.AddValue("warmup", "untimed calls per probe before the rounds", warmup);
    cmd.AddValue("blocks",
                 "blocks to build and time (0: all if their fp32 weights fit 2 GiB, else 2)",
                 blocks);
    cmd.AddValue("max-prompt", "largest prompt length on the prefill grid", maxPrompt);
    cmd.AddValue("seed", "seed of the random weights and inputs", seed);
    cmd.AddValue("retries",
                 "times a round is measured again when other processes competed for the CPUs",
                 retries);
    cmd.Parse(argc, argv);

    ProfilerOptions options;
    if (modelName.empty())
    {
        std::cerr << "error: --model is required; accepted: " << ModelSpec::PresetList() << "\n";
        return USAGE_ERROR;
    }
    try
    {
        options.model = ModelSpec::Preset(modelName);
    }
    catch (const std::invalid_argument& e)
    {
        std::cerr << "error: " << e.what() << "\n";
        return USAGE_ERROR;
    }
    if (!ParseCount("threads", threads, 1u, options.threads) ||
        !ParseCount("repeats", repeats, 1u, options.repeats) ||
        !ParseCount("warmup", warmup, 0u, options.warmup) ||
        !ParseCount("blocks", blocks, 0u, options.blocks) ||
        !ParseCount("max-prompt", maxPrompt, 1u, options.maxPromptTokens) ||
        !ParseCount("retries", retries, 0u, options.retriesWhenBusy) ||
        !ParseCount("seed", seed, uint64_t{0}, options.seed))
    {
        return USAGE_ERROR;
    }
    if (options.blocks > options.model.layers)
    {
        std::cerr << "error: --blocks=" << options.blocks << " exceeds the " << options.model.layers
                  << " blocks of model '" << modelName << "'\n";
        return USAGE_ERROR;
    }
    if (out.empty())
    {
        out = "profiles/" + modelName + ".json";
    }
    options.progress = [](const std::string& line) { std::cerr << line << std::endl; };

    try
    {
        CheckWritable(out);
        const auto start = std::chrono::steady_clock::now();
        std::cerr << "profiling " << modelName << " with libtorch "
                  << TorchTransformer::TorchVersion() << " (" << options.threads << " threads, "
                  << options.repeats << " rounds after " << options.warmup << " warm-up calls)"
                  << std::endl;
        const CostProfile profile = RunProfiler(options);
        profile.Save(out);
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

        std::printf("model %s: %u of %u blocks profiled, %zu samples\n",
                    modelName.c_str(),
                    profile.profiledLayers,
                    profile.model.layers,
                    profile.samples.size());
        std::printf("  layer prefill  s = %.4g + %.4g P + %.4g P^2   (R^2 %.4f)\n",
                    profile.layerPrefill[0],
                    profile.layerPrefill[1],
                    profile.layerPrefill[2],
                    profile.fitRSquaredPrefill);
        if (profile.HasDecode())
        {
            std::printf("  layer decode   s = %.4g + %.4g B + %.4g S     (R^2 %.4f)\n",
                        profile.layerDecode[0],
                        profile.layerDecode[1],
                        profile.layerDecode[2],
                        profile.fitRSquaredDecode);
        }
        std::printf("  head prefill   s = %.4g + %.4g P\n",
                    profile.headPrefill[0],
                    profile.headPrefill[1]);
        if (profile.HasDecode())
        {
            std::printf("  head decode    s = %.4g + %.4g B\n",
                        profile.headDecode[0],
                        profile.headDecode[1]);
        }
        else
        {
            // An encoder: one forward pass (all blocks and the head) per prompt.
            for (uint32_t p : {128u, 512u})
            {
                if (p <= profile.model.maxContext)
                {
                    std::printf("  forward pass of %u tokens: %.2f ms on this host (fit)\n",
                                p,
                                1e3 * (profile.model.layers * profile.LayerPrefillSeconds(p) +
                                       profile.HeadPrefillSeconds(p)));
                }
            }
        }
        std::printf("  host %s: GEMM %.1f GFLOP/s, copy %.1f GB/s, %u threads\n",
                    profile.cpuModel.c_str(),
                    profile.hostFlops / 1e9,
                    profile.hostBandwidth / 1e9,
                    profile.threads);
        std::printf("  wall time %.1f s\n", wall);
        const std::string written = std::filesystem::absolute(out).lexically_normal().string();
        std::printf("wrote %s\n", written.c_str());
        // How to simulate with it: explicitly, or found by name through the search path.
        if (profile.model.IsEncoder())
        {
            std::printf("use it: the expert router's classifier "
                        "(ns3::PromptClassifier::CostModel = "
                        "ns3::ProfiledCostModel[ProfileFile=%s|Device=...])\n",
                        written.c_str());
        }
        else
        {
            std::printf("use it: ./edge-llm run edge-llm-wifi-star --model=%s --profile=%s\n",
                        modelName.c_str(),
                        written.c_str());
        }
    }
    catch (const std::exception& e)
    {
        std::cerr << "error: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
