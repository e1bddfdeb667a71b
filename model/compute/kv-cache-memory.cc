#include "kv-cache-memory.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace ns3
{

namespace
{
constexpr double GIB = 1024.0 * 1024.0 * 1024.0;
}

KvCacheMemory
KvCacheMemory::Of(const ModelSpec& model, const DeviceProfile& device, LayerRange held)
{
    KvCacheMemory memory;
    memory.memoryBytes = device.memoryBytes;
    const double blocks = held.Blocks();
    double params = blocks * model.ParamsPerLayer();
    if (held.first == 0)
    {
        params += model.EmbeddingParams();
    }
    if (held.IncludesHead(model.layers))
    {
        params += model.HeadParams();
    }
    memory.weightBytes = params * model.WeightBytesPerParam();
    memory.kvBytesPerToken = model.KvBytesPerToken() * blocks / model.layers;
    return memory;
}

void
KvCacheMemory::CheckFitsOneSequence(const ModelSpec& model,
                                    const DeviceProfile& device,
                                    LayerRange held) const
{
    const double needed = weightBytes + kvBytesPerToken * model.maxContext;
    if (needed > memoryBytes)
    {
        const bool whole = held.first == 0 && held.last == model.layers;
        const std::string layers = whole ? std::string()
                                         : " (layers " + std::to_string(held.first) + "-" +
                                               std::to_string(held.last) + ")";
        char line[512];
        std::snprintf(line,
                      sizeof(line),
                      "model '%s'%s needs %.1f GiB (weights %.1f GiB + KV cache for %u tokens) "
                      "but device '%s' has %.1f GiB",
                      model.name.c_str(),
                      layers.c_str(),
                      needed / GIB,
                      weightBytes / GIB,
                      model.maxContext,
                      device.name.c_str(),
                      memoryBytes / GIB);
        throw std::invalid_argument(line);
    }
}

uint32_t
KvCacheMemory::Blocks(double utilisation, uint32_t blockSize, const std::string& what) const
{
    const double free = memoryBytes * utilisation - weightBytes;
    const double blocks = std::floor(free / (kvBytesPerToken * blockSize));
    if (!(blocks >= 1))
    {
        char line[512];
        std::snprintf(line,
                      sizeof(line),
                      "%s: weights take %.2f GiB of the %.2f GiB that MemoryUtilization=%g "
                      "allows; no KV-cache block of %u tokens fits (raise MemoryUtilization, "
                      "accepted (0, 1], or use a bigger device)",
                      what.c_str(),
                      weightBytes / GIB,
                      memoryBytes * utilisation / GIB,
                      utilisation,
                      blockSize);
        throw std::invalid_argument(line);
    }
    return static_cast<uint32_t>(std::min(blocks, double(std::numeric_limits<uint32_t>::max())));
}

} // namespace ns3
