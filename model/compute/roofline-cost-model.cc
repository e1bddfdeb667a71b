#include "roofline-cost-model.h"

#include "ns3/double.h"
#include "ns3/string.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(RooflineCostModel);

TypeId
RooflineCostModel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::RooflineCostModel")
            .SetParent<InferenceCostModel>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<RooflineCostModel>()
            .AddAttribute("Model",
                          "Model preset",
                          StringValue("gpt2-124m"),
                          MakeStringAccessor(&RooflineCostModel::SetModelName,
                                             &RooflineCostModel::GetModelName),
                          MakeStringChecker())
            .AddAttribute("Device",
                          "Device preset",
                          StringValue("edge-server-l4"),
                          MakeStringAccessor(&RooflineCostModel::SetDeviceName,
                                             &RooflineCostModel::GetDeviceName),
                          MakeStringChecker())
            .AddAttribute("ComputeEfficiency",
                          "Fraction of peak FLOP/s a kernel sustains; 0: the device preset's "
                          "computeFraction (1 = ideal roofline)",
                          DoubleValue(0.0),
                          MakeDoubleAccessor(&RooflineCostModel::m_computeEfficiency),
                          MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("BandwidthEfficiency",
                          "Fraction of peak memory bandwidth sustained; 0: the device preset's "
                          "bandwidthFraction (1 = ideal roofline)",
                          DoubleValue(0.0),
                          MakeDoubleAccessor(&RooflineCostModel::m_bandwidthEfficiency),
                          MakeDoubleChecker<double>(0.0, 1.0));
    return tid;
}

RooflineCostModel::RooflineCostModel() = default;

void
RooflineCostModel::SetModel(const ModelSpec& model)
{
    model.Validate();
    m_model = model;
}

void
RooflineCostModel::SetDevice(const DeviceProfile& device)
{
    device.Validate();
    m_device = device;
}

void
RooflineCostModel::SetModelName(const std::string& name)
{
    m_model = ModelSpec::Preset(name);
}

std::string
RooflineCostModel::GetModelName() const
{
    return m_model.name;
}

void
RooflineCostModel::SetDeviceName(const std::string& name)
{
    m_device = DeviceProfile::Preset(name);
}

std::string
RooflineCostModel::GetDeviceName() const
{
    return m_device.name;
}

const ModelSpec&
RooflineCostModel::GetModel() const
{
    return m_model;
}

const DeviceProfile&
RooflineCostModel::GetDevice() const
{
    return m_device;
}

double
RooflineCostModel::ComputeFraction() const
{
    return m_computeEfficiency > 0 ? m_computeEfficiency : m_device.computeFraction;
}

double
RooflineCostModel::BandwidthFraction() const
{
    return m_bandwidthEfficiency > 0 ? m_bandwidthEfficiency : m_device.bandwidthFraction;
}

double
RooflineCostModel::Roofline(double flops, double bytes) const
{
    return std::max(flops / (m_device.peakFlops * ComputeFraction()),
                    bytes / (m_device.memoryBandwidth * BandwidthFraction()));
}

double
RooflineCostModel::HeadSeconds(double logitTokens, double embeddedTokens) const
{
    const double bytes = (m_model.HeadReadParams() + embeddedTokens * m_model.hidden) *
                         m_model.WeightBytesPerParam();
    return Roofline(logitTokens * m_model.HeadFlopsPerToken(), bytes);
}

double
RooflineCostModel::PrefillSeconds(uint32_t promptTokens, LayerRange layers) const
{
    BatchStep step;
    step.prefillTokens = {promptTokens};
    return BatchStepSeconds(step, layers);
}

double
RooflineCostModel::DecodeSeconds(uint32_t outputTokens, uint32_t context, LayerRange layers) const
{
    CheckRange(layers);
    double seconds = 0;
    BatchStep step;
    step.decodeContexts = {0};
    for (uint32_t i = 0; i < outputTokens; ++i)
    {
        step.decodeContexts[0] = context + i;
        seconds += BatchStepSeconds(step, layers);
    }
    return seconds;
}

double
RooflineCostModel::BatchStepSeconds(const BatchStep& step, LayerRange layers) const
{
    CheckRange(layers);
    const double blocks = layers.Blocks();
    const double layerWeightBytes = m_model.ParamsPerLayer() * m_model.WeightBytesPerParam();
    const double kvBytesPerTokenPerLayer = m_model.KvBytesPerToken() / m_model.layers;
    double flops = 0;
    double kvBytes = 0;
    double tokens = 0;
    double sequences = 0;
    for (size_t i = 0; i < step.prefillTokens.size(); ++i)
    {
        const double p = step.prefillTokens[i];
        const double cached = i < step.prefillCached.size() ? step.prefillCached[i] : 0.0;
        // The new tokens also attend to the cached ones (QK^T and AV), read from the cache.
        flops += m_model.PrefillFlopsPerLayer(p) + 2.0 * 2.0 * p * cached * m_model.hidden;
        kvBytes += kvBytesPerTokenPerLayer * (p + cached); // written once, cached read once
        tokens += p;
        sequences += 1;
    }
    for (uint32_t c : step.decodeContexts)
    {
        flops += m_model.DecodeFlopsPerLayer(c);
        kvBytes += kvBytesPerTokenPerLayer * (c + 1); // read the cache, write one entry
        tokens += 1;
        sequences += 1;
    }
    if (sequences == 0)
    {
        return 0;
    }
    // Weights are read once per iteration however many sequences share it.
    double seconds = blocks * Roofline(flops, layerWeightBytes + kvBytes);
    if (layers.IncludesHead(m_model.layers))
    {
        seconds += HeadSeconds(sequences, tokens);
    }
    return seconds + StepOverheadSeconds(tokens, layers);
}

} // namespace ns3
