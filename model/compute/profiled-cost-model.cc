#include "profiled-cost-model.h"

#include "ns3/log.h"
#include "ns3/string.h"

#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ProfiledCostModel");
NS_OBJECT_ENSURE_REGISTERED(ProfiledCostModel);

namespace
{

/// Throws std::invalid_argument (one line) when `profile` cannot cost decode steps.
void
CheckDecode(const CostProfile& profile, const char* what)
{
    if (!profile.HasDecode())
    {
        throw std::invalid_argument(std::string(what) + ": model '" + profile.model.name +
                                    "' is an encoder; its profile has prefill phases only (an "
                                    "encoder classifies a prompt in one forward pass and never "
                                    "decodes)");
    }
}

} // namespace

TypeId
ProfiledCostModel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::ProfiledCostModel")
            .SetParent<InferenceCostModel>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<ProfiledCostModel>()
            .AddAttribute("ProfileFile",
                          "Profile file written by edge-llm-profile; empty: look up <Model>.json "
                          "in EDGE_LLM_PROFILE_PATH and the shipped profiles/",
                          StringValue(""),
                          MakeStringAccessor(&ProfiledCostModel::SetProfileFile,
                                             &ProfiledCostModel::GetProfileFile),
                          MakeStringChecker())
            .AddAttribute("Model",
                          "Model preset whose shipped profile to use when ProfileFile is empty",
                          StringValue("gpt2-124m"),
                          MakeStringAccessor(&ProfiledCostModel::SetModelName,
                                             &ProfiledCostModel::GetModelName),
                          MakeStringChecker())
            .AddAttribute("Device",
                          "Target device preset the host timings are scaled to, or \"host\"",
                          StringValue("host"),
                          MakeStringAccessor(&ProfiledCostModel::SetDeviceName,
                                             &ProfiledCostModel::GetDeviceName),
                          MakeStringChecker());
    return tid;
}

ProfiledCostModel::ProfiledCostModel() = default;

void
ProfiledCostModel::SetProfileFile(const std::string& path)
{
    m_profileFile = path;
    m_hasProfile = false;
}

std::string
ProfiledCostModel::GetProfileFile() const
{
    return m_profileFile;
}

void
ProfiledCostModel::SetModelName(const std::string& name)
{
    m_modelName = name;
    m_hasProfile = false;
}

std::string
ProfiledCostModel::GetModelName() const
{
    return m_modelName;
}

void
ProfiledCostModel::SetDeviceName(const std::string& name)
{
    m_deviceName = name;
    m_hasDevice = false;
}

std::string
ProfiledCostModel::GetDeviceName() const
{
    return m_deviceName;
}

void
ProfiledCostModel::Load() const
{
    // Attributes only record names; the file is read and the device resolved on first use,
    // once all attributes are set.
    if (!m_hasProfile)
    {
        std::string path = m_profileFile;
        bool variant = false; // a precision variant served from its base model's profile
        if (path.empty())
        {
            path = FindProfileFile(m_modelName);
            if (path.empty() && ModelSpec::BaseName(m_modelName) != m_modelName)
            {
                path = FindProfileFile(ModelSpec::BaseName(m_modelName));
                variant = !path.empty();
            }
            if (path.empty())
            {
                throw std::runtime_error("no profile for model '" + m_modelName + "' in " +
                                         ProfileSearchPath() + "; run ./edge-llm profile --model=" +
                                         m_modelName + " or use the roofline cost model");
            }
        }
        m_profile = CostProfile::Load(path);
        NS_LOG_INFO("loaded profile " << path << " for " << m_profile.model.name);
        if (variant)
        {
            // Same shape, timed at the profile's precision; served at the variant's.
            const ModelSpec served = ModelSpec::Preset(m_modelName);
            m_profile.model.name = served.name;
            m_profile.model.bytesPerParam = served.bytesPerParam;
            m_profile.model.scaleBytesPerParam = served.scaleBytesPerParam;
            m_profile.model.source = served.source;
        }
        m_hasProfile = true;
        m_hasDevice = false;
    }
    if (!m_hasDevice)
    {
        m_targetIsHost = m_deviceName.empty() || m_deviceName == "host";
        m_device = m_targetIsHost ? m_profile.HostDevice() : DeviceProfile::Preset(m_deviceName);
        m_hasDevice = true;
    }
}

void
ProfiledCostModel::SetProfile(const CostProfile& profile)
{
    m_profile = profile;
    m_hasProfile = true;
    m_deviceName = "host";
    m_hasDevice = false;
}

void
ProfiledCostModel::SetDevice(const DeviceProfile& device)
{
    Load();
    device.Validate();
    m_device = device;
    m_targetIsHost = device.name == m_profile.HostDevice().name;
    m_deviceName = device.name;
}

const CostProfile&
ProfiledCostModel::GetProfile() const
{
    Load();
    return m_profile;
}

const ModelSpec&
ProfiledCostModel::GetModel() const
{
    Load();
    return m_profile.model;
}

const DeviceProfile&
ProfiledCostModel::GetDevice() const
{
    Load();
    return m_device;
}

double
ProfiledCostModel::PrefillScale() const
{
    Load();
    return m_targetIsHost ? 1.0
                          : m_profile.hostFlops / (m_device.peakFlops * m_device.computeFraction);
}

double
ProfiledCostModel::DecodeScale() const
{
    Load();
    CheckDecode(m_profile, "decode");
    if (m_targetIsHost)
    {
        return 1.0;
    }
    // Decode streams the weights: fewer bytes per weight as served means proportionally less.
    return m_profile.hostBandwidth / (m_device.memoryBandwidth * m_device.bandwidthFraction) *
           (m_profile.model.WeightBytesPerParam() / m_profile.bytesPerElement);
}

double
ProfiledCostModel::DecodeWeightSeconds() const
{
    const auto& fit = m_profile.layerDecode;
    return (fit[0] + fit[1]) * DecodeScale();
}

double
ProfiledCostModel::DecodeKvSeconds(double contextSum) const
{
    Load();
    CheckDecode(m_profile, "decode");
    if (m_targetIsHost)
    {
        return m_profile.layerDecode[2] * contextSum;
    }
    // The host fit's context term is too small to measure next to the weights at profiled
    // contexts; on the target a step reads each cached token's keys and values.
    const ModelSpec& model = m_profile.model;
    const double bytesPerLayer = model.KvBytesPerToken() / model.layers * contextSum;
    return bytesPerLayer / (m_device.memoryBandwidth * m_device.bandwidthFraction);
}

double
ProfiledCostModel::PrefillSeconds(uint32_t promptTokens, LayerRange layers) const
{
    CheckRange(layers);
    const double blocks = layers.Blocks();
    double seconds = blocks * m_profile.LayerPrefillSeconds(promptTokens);
    if (layers.IncludesHead(m_profile.model.layers))
    {
        seconds += m_profile.HeadPrefillSeconds(promptTokens);
    }
    return seconds * PrefillScale() + StepOverheadSeconds(promptTokens, layers);
}

double
ProfiledCostModel::DecodeSeconds(uint32_t outputTokens, uint32_t context, LayerRange layers) const
{
    CheckRange(layers);
    CheckDecode(GetProfile(), "DecodeSeconds");
    if (outputTokens == 0)
    {
        return 0;
    }
    // Steps see contexts C, C+1, ..., C+G-1: the linear step cost sums in closed form.
    const double g = outputTokens;
    const double contextSum = g * context + g * (g - 1) / 2.0;
    const double blocks = layers.Blocks();
    double seconds = blocks * g * DecodeWeightSeconds() + blocks * DecodeKvSeconds(contextSum);
    if (layers.IncludesHead(m_profile.model.layers))
    {
        seconds += g * m_profile.HeadDecodeStepSeconds(1) * DecodeScale();
    }
    return seconds + g * StepOverheadSeconds(1, layers);
}

double
ProfiledCostModel::BatchStepSeconds(const BatchStep& step, LayerRange layers) const
{
    CheckRange(layers);
    const double blocks = layers.Blocks();
    const bool withHead = layers.IncludesHead(m_profile.model.layers);
    double prefill = 0;
    if (!step.prefillTokens.empty())
    {
        // One call over all prompts: fixed cost once, linear and attention terms per prompt.
        const auto& fit = m_profile.layerPrefill;
        double sum = 0;
        double sumSquares = 0;
        for (size_t i = 0; i < step.prefillTokens.size(); ++i)
        {
            const double p = step.prefillTokens[i];
            const double cached = i < step.prefillCached.size() ? step.prefillCached[i] : 0.0;
            sum += p;
            // The quadratic (attention) term of a prompt of cached + p tokens, less the
            // cached part already computed: (c + p)^2 - c^2.
            sumSquares += p * p + 2.0 * p * cached;
        }
        prefill = blocks * (fit[0] + fit[1] * sum + fit[2] * sumSquares);
        if (withHead)
        {
            prefill += m_profile.headPrefill[0] + m_profile.headPrefill[1] * sum;
        }
    }
    double tokens = 0;
    for (uint32_t p : step.prefillTokens)
    {
        tokens += p;
    }
    tokens += step.decodeContexts.size();
    double decode = 0;
    if (!step.decodeContexts.empty())
    {
        CheckDecode(m_profile, "BatchStepSeconds with decodes");
        double contextSum = 0;
        for (uint32_t c : step.decodeContexts)
        {
            contextSum += c;
        }
        const double batch = step.decodeContexts.size();
        if (m_targetIsHost)
        {
            // What the host measured for batches (see the class comment).
            decode = blocks * m_profile.LayerDecodeStepSeconds(batch, contextSum) * DecodeScale();
            if (withHead)
            {
                decode += m_profile.HeadDecodeStepSeconds(batch) * DecodeScale();
            }
        }
        else
        {
            // One read of the weights for the whole batch, every sequence's KV cache; or the
            // batch's tokens at the prefill's per-token (compute-bound) cost, when more.
            const double memory = DecodeWeightSeconds() + DecodeKvSeconds(contextSum);
            const double compute = batch * m_profile.layerPrefill[1] * PrefillScale();
            decode = blocks * (batch > 1 ? std::max(memory, compute) : memory);
            if (withHead)
            {
                const double headMemory = m_profile.HeadDecodeStepSeconds(1) * DecodeScale();
                const double headCompute = batch * m_profile.headPrefill[1] * PrefillScale();
                decode += batch > 1 ? std::max(headMemory, headCompute) : headMemory;
            }
        }
    }
    return prefill * PrefillScale() + decode + StepOverheadSeconds(tokens, layers);
}

} // namespace ns3
