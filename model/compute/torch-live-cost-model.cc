#include "torch-live-cost-model.h"

#include "torch-profiler.h"
#include "torch-transformer.h"

#include "ns3/log.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <vector>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LiveCostModel");
NS_OBJECT_ENSURE_REGISTERED(LiveCostModel);

namespace
{

constexpr uint64_t LIVE_SEED = 1;
/// Host measurements for GetDevice: short, this is not a profile.
constexpr uint32_t HOST_REPEATS = 5;
constexpr uint32_t HOST_WARMUP = 1;

} // namespace

TypeId
LiveCostModel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LiveCostModel")
            .SetParent<InferenceCostModel>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<LiveCostModel>()
            .AddAttribute(
                "Model",
                "Model preset run live (all blocks and head, fp32, random weights)",
                StringValue("tiny"),
                MakeStringAccessor(&LiveCostModel::SetModelName, &LiveCostModel::GetModelName),
                MakeStringChecker())
            .AddAttribute(
                "Device",
                "Device preset reported by GetDevice, or \"host\": this machine "
                "(measured GEMM rate and copy bandwidth, MemTotal). Timings are "
                "always those of this machine.",
                StringValue("host"),
                MakeStringAccessor(&LiveCostModel::SetDeviceName, &LiveCostModel::GetDeviceName),
                MakeStringChecker())
            .AddAttribute("Threads",
                          "torch and BLAS threads for the live runs",
                          UintegerValue(2),
                          MakeUintegerAccessor(&LiveCostModel::m_threads),
                          MakeUintegerChecker<uint32_t>(1));
    return tid;
}

LiveCostModel::LiveCostModel() = default;

LiveCostModel::~LiveCostModel() = default;

void
LiveCostModel::DoDispose()
{
    m_engine.reset();
    InferenceCostModel::DoDispose();
}

void
LiveCostModel::SetModelName(const std::string& name)
{
    m_model = ModelSpec::Preset(name); // throws std::invalid_argument listing the presets
    m_engine.reset();
}

std::string
LiveCostModel::GetModelName() const
{
    return m_model.name;
}

void
LiveCostModel::SetDeviceName(const std::string& name)
{
    if (name != "host")
    {
        m_device = DeviceProfile::Preset(name);
        m_deviceReady = true;
    }
    else
    {
        m_deviceReady = false;
    }
    m_deviceName = name;
}

std::string
LiveCostModel::GetDeviceName() const
{
    return m_deviceName;
}

const ModelSpec&
LiveCostModel::GetModel() const
{
    return m_model;
}

const DeviceProfile&
LiveCostModel::GetDevice() const
{
    if (!m_deviceReady)
    {
        TorchTransformer::SetThreads(m_threads);
        const HostMeasurement host = MeasureHost(HOST_REPEATS, HOST_WARMUP);
        m_device.name = "host:" + host.hostName;
        m_device.peakFlops = host.gemmFlops;
        m_device.memoryBandwidth = host.copyBandwidth;
        m_device.memoryBytes = host.memoryBytes;
        m_device.idlePowerW = 0;
        m_device.activePowerW = 0;
        m_device.source = "this host (" + host.cpuModel + ", " + std::to_string(m_threads) +
                          " threads): GEMM and copy measured with libtorch " +
                          TorchTransformer::TorchVersion() + ", memory from /proc/meminfo";
        m_deviceReady = true;
    }
    return m_device;
}

void
LiveCostModel::CheckWholeModel(LayerRange layers) const
{
    CheckRange(layers);
    if (layers.first != 0 || layers.last != m_model.layers || !layers.head)
    {
        throw std::invalid_argument("LiveCostModel runs the whole model only: layer range [" +
                                    std::to_string(layers.first) + ", " +
                                    std::to_string(layers.last) + ") is not [0, " +
                                    std::to_string(m_model.layers) + ")");
    }
}

TorchTransformer&
LiveCostModel::Engine() const
{
    // Thread counts are process-wide: set them before every live run.
    TorchTransformer::SetThreads(m_threads);
    if (!m_engine)
    {
        NS_LOG_INFO("building " << m_model.name << " live");
        m_engine = std::make_unique<TorchTransformer>(m_model, m_model.layers, true, LIVE_SEED);
    }
    return *m_engine;
}

double
LiveCostModel::PrefillSeconds(uint32_t promptTokens, LayerRange layers) const
{
    CheckWholeModel(layers);
    if (promptTokens == 0)
    {
        return 0;
    }
    if (m_model.IsEncoder())
    {
        // An encoder's prefill is its whole forward pass: classify a prompt of that length.
        std::vector<int64_t> prompt(promptTokens);
        for (uint32_t i = 0; i < promptTokens; ++i)
        {
            prompt[i] = (i * 7919 + 13) % m_model.vocab;
        }
        TorchTransformer& engine = Engine();
        const auto start = std::chrono::steady_clock::now();
        engine.ClassifierLogits(prompt);
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    return Engine().Generate(promptTokens, 1).prefillSeconds;
}

void
LiveCostModel::CheckDecoder() const
{
    if (m_model.IsEncoder())
    {
        throw std::invalid_argument("model '" + m_model.name +
                                    "' is an encoder; it has no decode steps (one forward pass "
                                    "classifies the whole prompt)");
    }
}

double
LiveCostModel::DecodeSeconds(uint32_t outputTokens, uint32_t context, LayerRange layers) const
{
    CheckWholeModel(layers);
    CheckDecoder();
    if (outputTokens == 0)
    {
        return 0;
    }
    // Generate needs a prompt: an empty context is run as one token.
    return Engine().Generate(std::max(context, 1u), outputTokens + 1).decodeSeconds;
}

double
LiveCostModel::BatchStepSeconds(const BatchStep& step, LayerRange layers) const
{
    CheckWholeModel(layers);
    if (!step.decodeContexts.empty())
    {
        CheckDecoder();
    }
    double seconds = 0;
    for (uint32_t p : step.prefillTokens)
    {
        seconds += PrefillSeconds(p, layers);
    }
    for (uint32_t c : step.decodeContexts)
    {
        seconds += Engine().Generate(std::max(c, 1u), 2).decodeSeconds;
    }
    return seconds;
}

} // namespace ns3
