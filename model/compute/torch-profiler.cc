#include "torch-profiler.h"

#include "cost-fit.h"
#include "torch-transformer.h"

#include "ns3/log.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <algorithm>
#include <c10/core/InferenceMode.h>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

#ifndef EDGE_LLM_VERSION
#define EDGE_LLM_VERSION "unknown"
#endif

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TorchProfiler");

namespace
{

constexpr double GIB = 1024.0 * 1024.0 * 1024.0;
/// Profile every block when all of them fit in this much fp32; else two at full width.
constexpr double ALL_BLOCKS_LIMIT_BYTES = 2 * GIB;
constexpr uint32_t FEW_BLOCKS = 2;
constexpr int64_t GEMM_SIZE = 1024;
constexpr int64_t COPY_BYTES = 256LL << 20;

/// Other processes using more than this fraction of the CPUs make a sample suspect.
constexpr double BUSY_LOAD = 0.15;
/// Rounds shorter than this are not checked: CPU ticks are 10 ms.
constexpr double GUARDED_WINDOW_S = 0.1;
/// A probe's timed stretch in each round repeats its call to last at least this long.
constexpr double MIN_ROUND_S = 0.02;
constexpr double MAX_CALLS_PER_ROUND = 1000;
/// Longest wait for the machine to become quiet before measuring again.
constexpr double QUIET_WAIT_S = 30;

const std::vector<uint32_t> PROMPT_GRID = {8, 16, 32, 64, 128, 256, 512, 1024};
const std::vector<uint32_t> DECODE_BATCHES = {1, 4};
const std::vector<uint32_t> DECODE_CONTEXTS = {16, 64, 256, 1024};
const std::vector<uint32_t> HEAD_BATCHES = {1, 2, 4, 8};

struct Timing
{
    double median{0};
    double spread{0};
};

/// Median and spread of `repeats` timed calls of `call` after `warmup` untimed ones.
template <typename Call>
Timing
TimeCalls(Call&& call, uint32_t repeats, uint32_t warmup)
{
    for (uint32_t i = 0; i < warmup; ++i)
    {
        call();
    }
    std::vector<double> seconds;
    seconds.reserve(repeats);
    for (uint32_t i = 0; i < repeats; ++i)
    {
        const auto start = std::chrono::steady_clock::now();
        call();
        const auto end = std::chrono::steady_clock::now();
        seconds.push_back(std::chrono::duration<double>(end - start).count());
    }
    Timing t;
    t.median = Percentile(seconds, 50);
    t.spread = t.median > 0 ? (Percentile(seconds, 75) - Percentile(seconds, 25)) / t.median : 0;
    return t;
}

/// CPU time used by the whole machine and by this process, to see when others compete.
struct CpuMark
{
    double machineTicks{0}; //!< busy ticks of all CPUs
    double selfTicks{0};    //!< user + system ticks of this process (all its threads)
    std::chrono::steady_clock::time_point when;
};

CpuMark
ReadCpu()
{
    CpuMark mark;
    mark.when = std::chrono::steady_clock::now();
    std::ifstream stat("/proc/stat");
    std::string cpu;
    double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
    mark.machineTicks = user + nice + system + irq + softirq + steal;
    std::ifstream self("/proc/self/stat");
    std::string line;
    std::getline(self, line);
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 15 && fields >> field; ++i)
    {
        if (i == 14 || i == 15)
        {
            mark.selfTicks += std::stod(field);
        }
    }
    return mark;
}

/// Fraction of all CPUs used by other processes between two marks (tick resolution).
double
ForeignLoad(const CpuMark& from, const CpuMark& to)
{
    const double seconds = std::chrono::duration<double>(to.when - from.when).count();
    const double capacity = seconds * sysconf(_SC_CLK_TCK) * sysconf(_SC_NPROCESSORS_ONLN);
    if (capacity <= 0)
    {
        return 0;
    }
    const double foreign = (to.machineTicks - from.machineTicks) - (to.selfTicks - from.selfTicks);
    return std::max(0.0, foreign / capacity);
}

/// Waits until other processes leave the CPUs (checked each second), at most `limit` s.
void
WaitForQuiet(double limit)
{
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < limit)
    {
        const CpuMark from = ReadCpu();
        std::this_thread::sleep_for(std::chrono::seconds(1));
        if (ForeignLoad(from, ReadCpu()) < BUSY_LOAD)
        {
            return;
        }
    }
}

/// The value of `key` in a "key : value" file such as /proc/cpuinfo, or "".
std::string
ProcField(const std::string& path, const std::string& key)
{
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
    {
        const auto colon = line.find(':');
        if (colon == std::string::npos)
        {
            continue;
        }
        std::string name = line.substr(0, colon);
        name.erase(name.find_last_not_of(" \t") + 1);
        if (name == key)
        {
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(" \t"));
            return value;
        }
    }
    return "";
}

/// A /proc/meminfo entry ("MemTotal", "MemAvailable") in bytes, 0 if absent.
double
MemInfoBytes(const std::string& key)
{
    const std::string value = ProcField("/proc/meminfo", key);
    return value.empty() ? 0.0 : std::stod(value) * 1024.0; // the file reports kB
}

std::string
UtcNow()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::string Format(const char* format, ...) __attribute__((format(printf, 1, 2)));

std::string
Format(const char* format, ...)
{
    char line[512];
    va_list args;
    va_start(args, format);
    std::vsnprintf(line, sizeof(line), format, args);
    va_end(args);
    return line;
}

/// Prompt lengths: the grid up to the cap, plus the cap itself when it falls between.
std::vector<uint32_t>
PromptLengths(const ProfilerOptions& options)
{
    const uint32_t cap = std::min(options.maxPromptTokens, options.model.maxContext);
    std::vector<uint32_t> lengths;
    for (uint32_t p : PROMPT_GRID)
    {
        if (p <= cap)
        {
            lengths.push_back(p);
        }
    }
    if (!lengths.empty() && lengths.back() < cap && cap < PROMPT_GRID.back())
    {
        lengths.push_back(cap);
    }
    return lengths;
}

/// Decode contexts, capped so that the new token still fits the model's context.
std::vector<uint32_t>
DecodeContexts(const ModelSpec& model)
{
    std::vector<uint32_t> contexts;
    for (uint32_t c : DECODE_CONTEXTS)
    {
        const uint32_t capped = std::min(c, model.maxContext - 1);
        if (capped > 0 && std::find(contexts.begin(), contexts.end(), capped) == contexts.end())
        {
            contexts.push_back(capped);
        }
    }
    return contexts;
}

/// One thing to time: a call (and an untimed preparation before each timed stretch).
struct Probe
{
    std::string phase;
    uint32_t tokens;
    uint32_t batch;
    double divisor; //!< blocks per call for per-block phases, else 1
    std::function<void()> prepare;
    std::function<void()> call;
};

/**
 * Times every probe in `options.repeats` rounds; each round times each probe once, as the
 * mean of enough back-to-back calls to last MIN_ROUND_S. Interleaving makes every sample span
 * the whole run, so slow drifts of the machine (a shared host's memory bandwidth varies by
 * +-20 % over seconds) hit all samples alike instead of biasing some. A round during which
 * other processes held the CPUs is measured again once they leave, up to retriesWhenBusy
 * times. Returns the median and spread over the rounds of each probe.
 */
std::vector<Timing>
MeasureInterleaved(const std::vector<Probe>& probes,
                   const ProfilerOptions& options,
                   const std::function<void(const std::string&)>& progress)
{
    // Warm-up, and how many calls make a stretch long enough to time well.
    std::vector<uint32_t> calls(probes.size(), 1);
    for (size_t i = 0; i < probes.size(); ++i)
    {
        if (probes[i].prepare)
        {
            probes[i].prepare();
        }
        double last = 0;
        for (uint32_t w = 0; w < std::max(options.warmup, 1u); ++w)
        {
            const auto start = std::chrono::steady_clock::now();
            probes[i].call();
            last = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        }
        calls[i] = static_cast<uint32_t>(
            std::clamp(std::ceil(MIN_ROUND_S / std::max(last, 1e-9)), 1.0, MAX_CALLS_PER_ROUND));
    }
    std::vector<std::vector<double>> seconds(probes.size());
    for (uint32_t round = 0; round < options.repeats; ++round)
    {
        for (uint32_t attempt = 0;; ++attempt)
        {
            std::vector<double> values;
            const CpuMark from = ReadCpu();
            for (size_t i = 0; i < probes.size(); ++i)
            {
                if (probes[i].prepare)
                {
                    probes[i].prepare();
                }
                const auto start = std::chrono::steady_clock::now();
                for (uint32_t c = 0; c < calls[i]; ++c)
                {
                    probes[i].call();
                }
                const auto end = std::chrono::steady_clock::now();
                values.push_back(std::chrono::duration<double>(end - start).count() / calls[i]);
            }
            const CpuMark to = ReadCpu();
            const double window = std::chrono::duration<double>(to.when - from.when).count();
            const double foreign = ForeignLoad(from, to);
            if (window < GUARDED_WINDOW_S || foreign <= BUSY_LOAD ||
                attempt >= options.retriesWhenBusy)
            {
                for (size_t i = 0; i < probes.size(); ++i)
                {
                    seconds[i].push_back(values[i]);
                }
                progress(Format("round %u/%u: %.1f s%s",
                                round + 1,
                                options.repeats,
                                window,
                                foreign > BUSY_LOAD ? " (machine busy)" : ""));
                break;
            }
            progress(Format("round %u/%u: other processes used %.0f%% of the CPUs; waiting, "
                            "then measuring again",
                            round + 1,
                            options.repeats,
                            foreign * 100));
            WaitForQuiet(QUIET_WAIT_S);
        }
    }
    std::vector<Timing> timings;
    for (const auto& values : seconds)
    {
        Timing t;
        t.median = Percentile(values, 50);
        t.spread = t.median > 0 ? (Percentile(values, 75) - Percentile(values, 25)) / t.median : 0;
        timings.push_back(t);
    }
    return timings;
}

} // namespace

HostMeasurement
MeasureHost(uint32_t repeats, uint32_t warmup)
{
    c10::InferenceMode guard;
    HostMeasurement host;
    {
        const at::Tensor a = at::randn({GEMM_SIZE, GEMM_SIZE});
        const at::Tensor b = at::randn({GEMM_SIZE, GEMM_SIZE});
        at::Tensor c = at::empty({GEMM_SIZE, GEMM_SIZE});
        const Timing t = TimeCalls([&] { at::mm_out(c, a, b); }, repeats, warmup);
        host.gemmFlops = 2.0 * GEMM_SIZE * GEMM_SIZE * GEMM_SIZE / t.median;
    }
    {
        const int64_t elements = COPY_BYTES / static_cast<int64_t>(sizeof(float));
        const at::Tensor from = at::ones({elements});
        at::Tensor to = at::zeros({elements}); // touched, so no page faults are timed
        // SetThreads leaves ATen (which copies) one thread; the bandwidth that decode is
        // scaled by is the machine's with all the threads, as the GEMVs use them.
        const int atenThreads = at::get_num_threads();
        at::set_num_threads(static_cast<int>(TorchTransformer::GetThreads()));
        const Timing t = TimeCalls([&] { to.copy_(from); }, repeats, std::max(warmup, 1u));
        at::set_num_threads(atenThreads);
        host.copyBandwidth = 2.0 * COPY_BYTES / t.median;
    }
    host.memoryBytes = MemInfoBytes("MemTotal");
    host.cpuModel = ProcField("/proc/cpuinfo", "model name");
    if (host.cpuModel.empty())
    {
        host.cpuModel = "unknown";
    }
    char name[256] = {};
    host.hostName = gethostname(name, sizeof(name) - 1) == 0 ? name : "unknown";
    return host;
}

uint32_t
ProfiledBlocks(const ProfilerOptions& options)
{
    const ModelSpec& m = options.model;
    if (options.blocks > 0)
    {
        return options.blocks;
    }
    const double allBlocksBytes = m.layers * m.ParamsPerLayer() * sizeof(float);
    return allBlocksBytes <= ALL_BLOCKS_LIMIT_BYTES ? m.layers : std::min(FEW_BLOCKS, m.layers);
}

CostProfile
RunProfiler(const ProfilerOptions& options)
{
    const ModelSpec& model = options.model;
    model.Validate();
    if (options.threads == 0 || options.repeats == 0)
    {
        throw std::invalid_argument("threads and repeats must be > 0");
    }
    if (options.blocks > model.layers)
    {
        throw std::invalid_argument("cannot profile " + std::to_string(options.blocks) +
                                    " blocks of model '" + model.name + "' which has " +
                                    std::to_string(model.layers));
    }
    const std::vector<uint32_t> prompts = PromptLengths(options);
    if (prompts.size() < 3)
    {
        throw std::invalid_argument(
            "max prompt tokens " + std::to_string(options.maxPromptTokens) +
            " leaves fewer than 3 prompt lengths on the grid (8, 16, 32, ...): the prefill fit "
            "needs 3");
    }
    auto progress = [&options](const std::string& line) {
        NS_LOG_INFO(line);
        if (options.progress)
        {
            options.progress(line);
        }
    };

    const CpuMark runStart = ReadCpu();
    TorchTransformer::SetThreads(options.threads);
    const HostMeasurement host = MeasureHost(std::max(options.repeats, 5u), options.warmup);
    progress(Format("host: %s, %u threads, GEMM %.1f GFLOP/s, copy %.1f GB/s",
                    host.cpuModel.c_str(),
                    options.threads,
                    host.gemmFlops / 1e9,
                    host.copyBandwidth / 1e9));

    const uint32_t blocks = ProfiledBlocks(options);
    const double weightBytes =
        (blocks * model.ParamsPerLayer() + model.EmbeddingParams() + model.HeadParams()) *
        sizeof(float);
    const double available = MemInfoBytes("MemAvailable");
    if (available > 0 && weightBytes > 0.9 * available)
    {
        throw std::runtime_error(Format("profiling '%s' on %u blocks needs %.1f GiB of fp32 "
                                        "weights but only %.1f GiB of memory is available; "
                                        "use fewer blocks",
                                        model.name.c_str(),
                                        blocks,
                                        weightBytes / GIB,
                                        available / GIB));
    }
    progress(Format("building %s: %u of %u blocks + %s, %.2f GiB fp32",
                    model.name.c_str(),
                    blocks,
                    model.layers,
                    model.IsEncoder() ? "embeddings, pooler and classifier (encoder)" : "head",
                    weightBytes / GIB));
    TorchTransformer net(model, blocks, true, options.seed);

    std::vector<Probe> probes;
    for (uint32_t p : prompts)
    {
        probes.push_back({"layer-prefill", p, 1, double(blocks), nullptr, [&net, p] {
                              net.RunBlocksPrefill(p, 1);
                          }});
    }
    // An encoder (bert) never decodes: its forward pass is the prefill phases alone.
    const std::vector<uint32_t> decodeBatches =
        model.IsEncoder() ? std::vector<uint32_t>{} : DECODE_BATCHES;
    const std::vector<uint32_t> headBatches =
        model.IsEncoder() ? std::vector<uint32_t>{} : HEAD_BATCHES;
    for (uint32_t b : decodeBatches)
    {
        for (uint32_t c : DecodeContexts(model))
        {
            probes.push_back({"layer-decode",
                              c,
                              b,
                              double(blocks),
                              [&net, c, b] { net.PrepareDecode(c, b); },
                              [&net] { net.RunBlocksDecodeStep(); }});
        }
    }
    for (uint32_t p : prompts)
    {
        probes.push_back(
            {"head-prefill", p, 1, 1.0, nullptr, [&net, p] { net.RunHeadPrefill(p); }});
    }
    for (uint32_t b : headBatches)
    {
        probes.push_back({"head-decode", 1, b, 1.0, nullptr, [&net, b] { net.RunHeadDecode(b); }});
    }
    const std::vector<Timing> timings = MeasureInterleaved(probes, options, progress);

    CostProfile profile;
    for (size_t i = 0; i < probes.size(); ++i)
    {
        const Probe& probe = probes[i];
        ProfileSample s;
        s.phase = probe.phase;
        s.tokens = probe.tokens;
        s.batch = probe.batch;
        s.seconds = timings[i].median / probe.divisor;
        s.spread = timings[i].spread;
        s.repeats = options.repeats;
        profile.samples.push_back(s);
        progress(Format("%-13s tokens=%-5u batch=%u: %10.4f ms%s (spread %.1f%%)",
                        s.phase.c_str(),
                        s.tokens,
                        s.batch,
                        s.seconds * 1e3,
                        probe.divisor > 1 ? "/block" : "",
                        s.spread * 100));
    }

    const double foreign = ForeignLoad(runStart, ReadCpu());
    progress(Format("other processes used %.0f%% of the CPUs while profiling%s",
                    foreign * 100,
                    foreign > BUSY_LOAD ? ": timings may be noisy, profile again when quiet" : ""));

    profile.model = model;
    profile.profiledLayers = blocks;
    profile.dtype = "float32";
    profile.bytesPerElement = sizeof(float);
    profile.hostName = host.hostName;
    profile.cpuModel = host.cpuModel;
    profile.threads = options.threads;
    profile.hostFlops = host.gemmFlops;
    profile.hostBandwidth = host.copyBandwidth;
    profile.hostMemoryBytes = host.memoryBytes;
    profile.torchVersion = TorchTransformer::TorchVersion();
    profile.createdUtc = UtcNow();
    profile.tool = std::string("edge-llm-profile ") + EDGE_LLM_VERSION;
    profile.Fit();
    return profile;
}

} // namespace ns3
