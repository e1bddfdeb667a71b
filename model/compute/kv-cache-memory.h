/*
 * KvCacheMemory: what an engine's memory holds: the weights of its layers, and the KV cache
 * that fits beside them.
 */
#ifndef EDGE_LLM_KV_CACHE_MEMORY_H
#define EDGE_LLM_KV_CACHE_MEMORY_H

#include "inference-cost-model.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Memory of one model's layers [first, last) on one device: their weights (with the
 * embedding when first == 0 and the final norm and LM head when last is the model's end) and
 * the KV-cache bytes per token of those layers.
 *
 * A batching engine's KV cache is what is left of memory x utilisation once the weights are
 * loaded, cut into blocks of BlockSize tokens, as vLLM's paged attention does.
 */
struct KvCacheMemory
{
    double memoryBytes{0};     //!< the device's memory
    double weightBytes{0};     //!< weights of the held layers
    double kvBytesPerToken{0}; //!< KV cache of one token in the held layers

    static KvCacheMemory Of(const ModelSpec& model, const DeviceProfile& device, LayerRange held);

    /// Throws std::invalid_argument (one line: model, layers, device, both sizes) when the
    /// weights plus the KV cache of one full-context sequence do not fit the device.
    void CheckFitsOneSequence(const ModelSpec& model,
                              const DeviceProfile& device,
                              LayerRange held) const;

    /// KV blocks of `blockSize` tokens in memoryBytes x utilisation beside the weights; throws
    /// std::invalid_argument when the weights alone leave no block.
    uint32_t Blocks(double utilisation, uint32_t blockSize, const std::string& what) const;
};

} // namespace ns3

#endif // EDGE_LLM_KV_CACHE_MEMORY_H
