#include "inference-cost-model.h"

#include "kv-cache-memory.h"

#include "ns3/double.h"

#include <cstdio>
#include <stdexcept>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(InferenceCostModel);

TypeId
InferenceCostModel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::InferenceCostModel")
            .SetParent<Object>()
            .SetGroupName("EdgeLlm")
            .AddAttribute("InterconnectBandwidth",
                          "Bytes/s each GPU of a tensor-parallel device sends in a ring "
                          "all-reduce (NVLink); 0: the device preset's",
                          DoubleValue(0),
                          MakeDoubleAccessor(&InferenceCostModel::m_interconnectBandwidth),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("InterconnectLatency",
                          "Fixed seconds of one all-reduce of a tensor-parallel device; "
                          "negative: the device preset's",
                          DoubleValue(-1),
                          MakeDoubleAccessor(&InferenceCostModel::m_interconnectLatency),
                          MakeDoubleChecker<double>());
    return tid;
}

LayerRange
InferenceCostModel::AllLayers() const
{
    return LayerRange{0, GetModel().layers};
}

Time
InferenceCostModel::Prefill(uint32_t promptTokens) const
{
    return Seconds(PrefillSeconds(promptTokens, AllLayers()));
}

Time
InferenceCostModel::Decode(uint32_t outputTokens, uint32_t context) const
{
    return Seconds(DecodeSeconds(outputTokens, context, AllLayers()));
}

void
InferenceCostModel::CheckFitsDevice() const
{
    CheckFitsDevice(AllLayers());
}

void
InferenceCostModel::CheckFitsDevice(LayerRange layers) const
{
    CheckRange(layers);
    KvCacheMemory::Of(GetModel(), GetDevice(), layers)
        .CheckFitsOneSequence(GetModel(), GetDevice(), layers);
}

void
InferenceCostModel::CheckRange(LayerRange layers) const
{
    if (layers.first >= layers.last || layers.last > GetModel().layers)
    {
        throw std::invalid_argument("layer range [" + std::to_string(layers.first) + ", " +
                                    std::to_string(layers.last) + ") is not within [0, " +
                                    std::to_string(GetModel().layers) + ")");
    }
}

double
InferenceCostModel::StepOverheadSeconds(double tokens, LayerRange layers) const
{
    if (tokens <= 0)
    {
        return 0;
    }
    const ModelSpec& model = GetModel();
    const DeviceProfile& device = GetDevice();
    const double blocks = layers.last - layers.first;
    const double overhead = device.iterationOverhead * blocks / model.layers;
    // Megatron-style tensor parallelism: one all-reduce after attention, one after the MLP.
    // The attributes replace the preset's interconnect when set.
    const double allReduce = device.AllReduceSeconds(
        tokens * model.HiddenStateBytesPerToken(),
        m_interconnectBandwidth > 0 ? m_interconnectBandwidth : device.interconnectBandwidth,
        m_interconnectLatency >= 0 ? m_interconnectLatency : device.interconnectLatency);
    return overhead + blocks * 2.0 * allReduce;
}

} // namespace ns3
