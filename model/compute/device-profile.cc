#include "device-profile.h"

#include "preset-table.h"

#include <map>
#include <stdexcept>

namespace ns3
{

namespace
{

constexpr double GIGA = 1e9;
constexpr double TERA = 1e12;
constexpr double GIB = 1024.0 * 1024.0 * 1024.0;

constexpr double MICRO = 1e-6;
constexpr double MILLI = 1e-3;

/// `device` with the fractions of its peaks that real kernels sustain and its per-iteration
/// overhead; `why` (the sources of the three numbers) is appended to its source.
DeviceProfile
Calibrated(DeviceProfile device,
           double computeFraction,
           double bandwidthFraction,
           double iterationOverhead,
           const std::string& why)
{
    device.computeFraction = computeFraction;
    device.bandwidthFraction = bandwidthFraction;
    device.iterationOverhead = iterationOverhead;
    device.source += ". Calibration: " + why;
    return device;
}

// What the calibration of each memory technology rests on (shared by the presets that use it).
const std::string HBM_GPU =
    "bandwidth fraction 0.75: the best streaming read kernels reach 88-90% of an A100 80GB's "
    "2,039 GB/s (1.80 TB/s, 88% in Nsight Compute: NVIDIA developer forum thread 'Trouble to "
    "reach peak bandwidth of A100'), the matrix-vector kernels of decode less; 0.75 is the "
    "value in 0.70-0.80 that minimises the median error of the six A100 static-batch output-rate "
    "rows of "
    "shared/data/published-speeds.csv (one parameter for all HBM GPUs); compute fraction 0.70: "
    "large FP16 cuBLAS GEMMs sustain ~75-85% of the dense tensor "
    "peak, a whole prefill block with attention, norms and activations ~65-70% (the model "
    "FLOPs utilisation inference and training stacks report); iteration overhead 1 ms: a "
    "Llama block launches ~10-15 kernels at ~3-5 us of launch latency each, ~1 ms for 32 "
    "blocks plus sampling and scheduling (the cost CUDA graphs are used to hide)";
const std::string LPDDR_GPU =
    "bandwidth fraction 0.75: LPDDR4/5 systems sustain 67-79% of the wire rate in STREAM "
    "(e.g. TI application note SPRACV1B), GPU streaming kernels on Jetson boards similar "
    "(estimate); compute fraction 0.60: a small Ampere GPU behind shared LPDDR and power "
    "modes (estimate); iteration overhead 2 ms: kernel launches from a slower Arm host CPU "
    "(estimate)";

const std::map<std::string, DeviceProfile>&
Presets()
{
    static const std::map<std::string, DeviceProfile> presets = [] {
        std::map<std::string, DeviceProfile> table;
        auto add = [&table](const DeviceProfile& device) { table.emplace(device.name, device); };
        add(Calibrated(
            {"raspberry-pi-5",
             153.6 * GIGA,
             17.1 * GIGA,
             8 * GIB,
             2.7,
             8.0,
             "Raspberry Pi 5 product brief: 4x Cortex-A76 at 2.4 GHz (2x128-bit FMA = 16 FP32 "
             "FLOP/cycle/core), LPDDR4X-4267 on a 32-bit bus, 8 GB model; power from the "
             "Raspberry Pi 5 power-consumption figures (idle ~2.7 W, CPU load ~8 W)"},
            0.5,
            0.55,
            0.0,
            "bandwidth fraction 0.55: four Cortex-A76 cores do not saturate LPDDR4X (multi-"
            "threaded STREAM on a Pi 5 reports ~9-10 GB/s of 17.1: estimate), compute fraction "
            "0.50: NEON GEMM kernels of CPU inference engines (estimate); no per-iteration "
            "overhead worth charging next to a CPU's step time"));
        add(Calibrated({"jetson-orin-nano",
                        10 * TERA,
                        68 * GIGA,
                        8 * GIB,
                        5.0,
                        15.0,
                        "NVIDIA Jetson Orin Nano 8GB datasheet: 40 sparse INT8 TOPS (-> 10 dense "
                        "FP16 TFLOPS), 68 GB/s LPDDR5, 7-15 W modes (active = top mode; idle 5 W "
                        "is an estimate)"},
                       0.6,
                       0.75,
                       2 * MILLI,
                       LPDDR_GPU));
        add(Calibrated({"jetson-agx-orin",
                        42.5 * TERA,
                        204.8 * GIGA,
                        64 * GIB,
                        15.0,
                        60.0,
                        "NVIDIA Jetson AGX Orin 64GB datasheet: GPU 170 sparse INT8 TOPS (-> 42.5 "
                        "dense FP16 TFLOPS), 204.8 GB/s LPDDR5, 15-60 W modes (active = top mode, "
                        "idle = lowest mode)"},
                       0.6,
                       0.75,
                       2 * MILLI,
                       LPDDR_GPU));
        add(Calibrated(
            {"phone-snapdragon-8-gen-3",
             4.6 * TERA,
             76.8 * GIGA,
             12 * GIB,
             1.0,
             8.0,
             "Qualcomm Snapdragon 8 Gen 3 product brief (LPDDR5X-4800, 64-bit: 76.8 GB/s); "
             "Adreno 750 ~4.6 FP32 TFLOPS as reported by reviewers (FP32: no published FP16 "
             "rate); 12 GB flagship phone (e.g. Galaxy S24 Ultra); powers are estimates "
             "(~1 W idle, ~8 W sustained SoC load)"},
            0.5,
            0.6,
            2 * MILLI,
            "bandwidth fraction 0.60: a phone GPU shares LPDDR5X with the CPU and display and "
            "throttles under sustained load (estimate, below the 67-79% STREAM efficiency of "
            "LPDDR systems); compute fraction 0.50 (estimate); iteration overhead 2 ms "
            "(OpenCL/Vulkan dispatch from a phone CPU: estimate)"));
        add(Calibrated(
            {"laptop-apple-m2",
             3.6 * TERA,
             100 * GIGA,
             16 * GIB,
             3.0,
             20.0,
             "Apple M2 (MacBook Air 2022) press release: 10-core GPU 3.6 TFLOPS, 100 GB/s "
             "unified memory, 16 GB configuration (FP32 rate; Apple GPUs run FP16 at the same "
             "rate); powers are estimates (~3 W idle, ~20 W package power under GPU load)"},
            0.7,
            0.85,
            1 * MILLI,
            "bandwidth fraction 0.85: Apple's unified LPDDR5 is reached by the GPU with few "
            "other clients (estimate, above the 67-79% STREAM efficiency of CPU-driven LPDDR); "
            "compute fraction 0.70: Metal matrix kernels (estimate, as for NVIDIA GEMMs); "
            "iteration overhead 1 ms: Metal command-buffer dispatch per token (estimate)"));
        add(Calibrated({"edge-server-l4",
                        121 * TERA,
                        300 * GIGA,
                        24 * GIB,
                        16.0,
                        72.0,
                        "NVIDIA L4 datasheet: 242 FP16 tensor TFLOPS with sparsity (121 dense), "
                        "300 GB/s GDDR6, 24 GB, 72 W TDP (active); idle 16 W is an estimate"},
                       0.7,
                       0.75,
                       1 * MILLI,
                       "as the HBM GPUs (same CUDA kernels and launch costs): " + HBM_GPU));
        add(Calibrated({"a100-80gb",
                        312 * TERA,
                        2039 * GIGA,
                        80 * GIB,
                        50.0,
                        400.0,
                        "NVIDIA A100 80GB SXM datasheet: 312 dense FP16 tensor TFLOPS, 2,039 GB/s "
                        "HBM2e, 400 W TDP (active); idle 50 W is an estimate"},
                       0.7,
                       0.75,
                       1 * MILLI,
                       HBM_GPU));
        add(Calibrated({"h100-sxm",
                        989.4 * TERA,
                        3350 * GIGA,
                        80 * GIB,
                        70.0,
                        700.0,
                        "NVIDIA H100 SXM5 datasheet: 1,979 FP16 tensor TFLOPS with sparsity "
                        "(989.4 dense), 3.35 TB/s HBM3, 80 GB, 700 W TDP (active); idle 70 W is "
                        "an estimate"},
                       0.7,
                       0.75,
                       1 * MILLI,
                       HBM_GPU));
        return table;
    }();
    return presets;
}

/// NVLink of each GPU preset: bytes/s per direction and seconds per all-reduce.
struct Interconnect
{
    double bandwidth;
    double latency;
    std::string source;
};

const std::map<std::string, Interconnect>&
Interconnects()
{
    static const std::map<std::string, Interconnect> links = {
        {"a100-80gb",
         {300 * GIGA,
          8 * MICRO,
          "NVLink 3 (A100 datasheet: 600 GB/s total = 300 GB/s each direction, the rate a "
          "ring all-reduce streams at) through NVSwitch; 8 us per all-reduce: NCCL all-reduce "
          "of small messages takes ~10 us (nccl-tests), custom one-shot all-reduce kernels of "
          "inference engines a few us"}},
        {"h100-sxm",
         {450 * GIGA,
          8 * MICRO,
          "NVLink 4 (H100 datasheet: 900 GB/s total = 450 GB/s each direction) through "
          "NVSwitch; 8 us per all-reduce as for the A100 (launch- and synchronisation-bound "
          "at decode message sizes)"}},
    };
    return links;
}

// N GPUs of one kind serving one model with tensor parallelism: N times the compute,
// bandwidth, memory and power, and two all-reduces of the activations per block over the
// GPUs' interconnect (charged by the cost models through AllReduceSeconds).
DeviceProfile
TensorParallel(const DeviceProfile& gpu, uint32_t n)
{
    const Interconnect& link = Interconnects().at(gpu.name);
    DeviceProfile group = gpu;
    group.name = gpu.name + "-x" + std::to_string(n);
    group.peakFlops *= n;
    group.memoryBandwidth *= n;
    group.memoryBytes *= n;
    group.idlePowerW *= n;
    group.activePowerW *= n;
    group.tensorParallel = n;
    group.interconnectBandwidth = link.bandwidth;
    group.interconnectLatency = link.latency;
    group.source = std::to_string(n) + " x " + gpu.name +
                   " with tensor parallelism, two ring all-reduces of the activations per "
                   "block over " +
                   link.source + "; " + gpu.source;
    return group;
}

const std::map<std::string, DeviceProfile>&
AllPresets()
{
    static const std::map<std::string, DeviceProfile> all = [] {
        std::map<std::string, DeviceProfile> presets = Presets();
        for (const char* gpu : {"a100-80gb", "h100-sxm"})
        {
            for (uint32_t n : {2u, 4u, 8u})
            {
                DeviceProfile group = TensorParallel(presets.at(gpu), n);
                presets.emplace(group.name, group);
            }
        }
        return presets;
    }();
    return all;
}

} // namespace

void
DeviceProfile::Validate() const
{
    auto fail = [this](const std::string& what) {
        throw std::invalid_argument("device '" + name + "': " + what);
    };
    if (!(peakFlops > 0) || !(memoryBandwidth > 0) || !(memoryBytes > 0))
    {
        fail("peak_flops, memory_bandwidth and memory_bytes must be > 0");
    }
    if (idlePowerW < 0 || activePowerW < idlePowerW)
    {
        fail("power must satisfy 0 <= idle_power_w <= active_power_w");
    }
    if (!(computeFraction > 0 && computeFraction <= 1) ||
        !(bandwidthFraction > 0 && bandwidthFraction <= 1))
    {
        fail("compute_fraction and bandwidth_fraction must be in (0, 1]");
    }
    if (!(iterationOverhead >= 0))
    {
        fail("iteration_overhead must be >= 0 seconds");
    }
    if (tensorParallel == 0)
    {
        fail("tensor_parallel must be >= 1");
    }
    if (tensorParallel > 1 && (!(interconnectBandwidth > 0) || !(interconnectLatency >= 0)))
    {
        fail("tensor_parallel > 1 needs interconnect_bandwidth > 0 and interconnect_latency >= 0");
    }
}

double
DeviceProfile::AllReduceSeconds(double bytes) const
{
    return AllReduceSeconds(bytes, interconnectBandwidth, interconnectLatency);
}

double
DeviceProfile::AllReduceSeconds(double bytes, double bandwidth, double latency) const
{
    if (tensorParallel <= 1)
    {
        return 0;
    }
    const double n = tensorParallel;
    return 2.0 * (n - 1) / n * bytes / bandwidth + latency;
}

DeviceProfile
DeviceProfile::Preset(const std::string& name)
{
    return PresetTableLookup(AllPresets(), "device", name);
}

std::vector<std::string>
DeviceProfile::PresetNames()
{
    return PresetTableNames(AllPresets());
}

std::string
DeviceProfile::PresetList()
{
    return PresetTableList(AllPresets());
}

} // namespace ns3
