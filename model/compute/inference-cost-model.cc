#include "inference-cost-model.h"

#include "kv-cache-memory.h"

#include "ns3/abort.h"
#include "ns3/double.h"

#include <algorithm>
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

double
InferenceCostModel::MixedBatchStepSeconds(const BatchStep& step,
                                          const std::vector<LayerRange>& prefillLayers,
                                          const std::vector<LayerRange>& decodeLayers) const
{
    NS_ABORT_MSG_IF(prefillLayers.size() != step.prefillTokens.size() ||
                        decodeLayers.size() != step.decodeContexts.size(),
                    "MixedBatchStepSeconds: one layer range per sequence");
    auto same = [](const LayerRange& a, const LayerRange& b) {
        return a.first == b.first && a.last == b.last && a.head == b.head;
    };
    if (prefillLayers.empty() && decodeLayers.empty())
    {
        return 0;
    }
    const LayerRange& one = prefillLayers.empty() ? decodeLayers[0] : prefillLayers[0];
    auto isOne = [&](const LayerRange& r) { return same(r, one); };
    if (std::all_of(prefillLayers.begin(), prefillLayers.end(), isOne) &&
        std::all_of(decodeLayers.begin(), decodeLayers.end(), isOne))
    {
        return BatchStepSeconds(step, one); // the common case: every sequence runs the same
    }
    std::vector<LayerRange> all(prefillLayers);
    all.insert(all.end(), decodeLayers.begin(), decodeLayers.end());
    // The sequences of `step` whose range passes `covers`.
    auto subset = [&](auto covers) {
        BatchStep sub;
        for (size_t i = 0; i < step.prefillTokens.size(); ++i)
        {
            if (covers(prefillLayers[i]))
            {
                sub.prefillTokens.push_back(step.prefillTokens[i]);
                sub.prefillCached.push_back(i < step.prefillCached.size() ? step.prefillCached[i]
                                                                          : 0);
            }
        }
        for (size_t i = 0; i < step.decodeContexts.size(); ++i)
        {
            if (covers(decodeLayers[i]))
            {
                sub.decodeContexts.push_back(step.decodeContexts[i]);
            }
        }
        return sub;
    };
    // Blocks in stretches over which the set of sequences running them does not change.
    std::vector<uint32_t> cuts;
    for (const LayerRange& r : all)
    {
        cuts.push_back(r.first);
        cuts.push_back(r.last);
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    const uint32_t blocks = GetModel().layers;
    double seconds = 0;
    for (size_t c = 0; c + 1 < cuts.size(); ++c)
    {
        const uint32_t a = cuts[c];
        const uint32_t b = cuts[c + 1];
        const BatchStep sub =
            subset([a, b](const LayerRange& r) { return r.first <= a && r.last >= b; });
        if (!sub.prefillTokens.empty() || !sub.decodeContexts.empty())
        {
            seconds += BatchStepSeconds(sub, LayerRange{a, b, false});
        }
    }
    const BatchStep head = subset([blocks](const LayerRange& r) { return r.IncludesHead(blocks); });
    if (!head.prefillTokens.empty() || !head.decodeContexts.empty())
    {
        seconds += BatchStepSeconds(head, LayerRange{blocks, blocks, true});
    }
    return seconds;
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
    const uint32_t blocks = GetModel().layers;
    const bool headOnly = layers.first == blocks && layers.IncludesHead(blocks);
    if (layers.last > blocks || (layers.first >= layers.last && !headOnly) ||
        (layers.Blocks() == 0 && !headOnly))
    {
        throw std::invalid_argument("layer range [" + std::to_string(layers.first) + ", " +
                                    std::to_string(layers.last) + ") is not within [0, " +
                                    std::to_string(blocks) +
                                    "] (accepted: first < last, or the head alone: [" +
                                    std::to_string(blocks) + ", " + std::to_string(blocks) + "])");
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
    const double blocks = layers.Blocks();
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
