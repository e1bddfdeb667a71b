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

const std::map<std::string, DeviceProfile>&
Presets()
{
    static const std::map<std::string, DeviceProfile> presets = {
        {"raspberry-pi-5",
         {"raspberry-pi-5",
          153.6 * GIGA,
          17.1 * GIGA,
          8 * GIB,
          2.7,
          8.0,
          "Raspberry Pi 5 product brief: 4x Cortex-A76 at 2.4 GHz (2x128-bit FMA = 16 FP32 "
          "FLOP/cycle/core), LPDDR4X-4267 on a 32-bit bus, 8 GB model; power from the "
          "Raspberry Pi 5 power-consumption figures (idle ~2.7 W, CPU load ~8 W)"}},
        {"jetson-orin-nano",
         {"jetson-orin-nano",
          10 * TERA,
          68 * GIGA,
          8 * GIB,
          5.0,
          15.0,
          "NVIDIA Jetson Orin Nano 8GB datasheet: 40 sparse INT8 TOPS (-> 10 dense FP16 "
          "TFLOPS), 68 GB/s LPDDR5, 7-15 W modes (active = top mode; idle 5 W is an estimate)"}},
        {"jetson-agx-orin",
         {"jetson-agx-orin",
          42.5 * TERA,
          204.8 * GIGA,
          64 * GIB,
          15.0,
          60.0,
          "NVIDIA Jetson AGX Orin 64GB datasheet: GPU 170 sparse INT8 TOPS (-> 42.5 dense FP16 "
          "TFLOPS), 204.8 GB/s LPDDR5, 15-60 W modes (active = top mode, idle = lowest mode)"}},
        {"phone-snapdragon-8-gen-3",
         {"phone-snapdragon-8-gen-3",
          4.6 * TERA,
          76.8 * GIGA,
          12 * GIB,
          1.0,
          8.0,
          "Qualcomm Snapdragon 8 Gen 3 product brief (LPDDR5X-4800, 64-bit: 76.8 GB/s); "
          "Adreno 750 ~4.6 FP32 TFLOPS as reported by reviewers (FP32: no published FP16 "
          "rate); 12 GB flagship phone (e.g. Galaxy S24 Ultra); powers are estimates "
          "(~1 W idle, ~8 W sustained SoC load)"}},
        {"laptop-apple-m2",
         {"laptop-apple-m2",
          3.6 * TERA,
          100 * GIGA,
          16 * GIB,
          3.0,
          20.0,
          "Apple M2 (MacBook Air 2022) press release: 10-core GPU 3.6 TFLOPS, 100 GB/s "
          "unified memory, 16 GB configuration (FP32 rate; Apple GPUs run FP16 at the same "
          "rate); powers are estimates (~3 W idle, ~20 W package power under GPU load)"}},
        {"edge-server-l4",
         {"edge-server-l4",
          121 * TERA,
          300 * GIGA,
          24 * GIB,
          16.0,
          72.0,
          "NVIDIA L4 datasheet: 242 FP16 tensor TFLOPS with sparsity (121 dense), 300 GB/s "
          "GDDR6, 24 GB, 72 W TDP (active); idle 16 W is an estimate"}},
        {"a100-80gb",
         {"a100-80gb",
          312 * TERA,
          2039 * GIGA,
          80 * GIB,
          50.0,
          400.0,
          "NVIDIA A100 80GB SXM datasheet: 312 dense FP16 tensor TFLOPS, 2,039 GB/s HBM2e, "
          "400 W TDP (active); idle 50 W is an estimate"}},
        {"h100-sxm",
         {"h100-sxm",
          989.4 * TERA,
          3350 * GIGA,
          80 * GIB,
          70.0,
          700.0,
          "NVIDIA H100 SXM5 datasheet: 1,979 FP16 tensor TFLOPS with sparsity (989.4 dense), "
          "3.35 TB/s HBM3, 80 GB, 700 W TDP (active); idle 70 W is an estimate"}},
    };
    return presets;
}

// N GPUs of one kind serving one model with tensor parallelism, counted ideally: N times the
// compute, bandwidth, memory and power (the all-reduces between them are not charged).
DeviceProfile
TensorParallel(const DeviceProfile& gpu, int n)
{
    DeviceProfile group = gpu;
    group.name = gpu.name + "-x" + std::to_string(n);
    group.peakFlops *= n;
    group.memoryBandwidth *= n;
    group.memoryBytes *= n;
    group.idlePowerW *= n;
    group.activePowerW *= n;
    group.source = std::to_string(n) + " x " + gpu.name +
                   " with ideal tensor parallelism (communication not charged); " + gpu.source;
    return group;
}

const std::map<std::string, DeviceProfile>&
AllPresets()
{
    static const std::map<std::string, DeviceProfile> all = [] {
        std::map<std::string, DeviceProfile> presets = Presets();
        for (const char* gpu : {"a100-80gb", "h100-sxm"})
        {
            for (int n : {2, 4, 8})
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
