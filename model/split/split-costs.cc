#include "split-costs.h"

#include "kv-cache-memory.h"
#include "number-text.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ns3
{

namespace
{
constexpr uint32_t TOKEN_ID_BYTES = 4; //!< a sampled or prompt token id on the wire

/// Seconds to send `messages` messages of `bytes` bytes each, plus one of `firstBytes`.
double
Crossing(double firstBytes, double bytes, double messages, double bitsPerSecond, double rtt)
{
    const double first = firstBytes * 8 / bitsPerSecond + rtt / 2;
    return first + messages * (bytes * 8 / bitsPerSecond + rtt / 2);
}
} // namespace

SplitCosts
SplitCosts::Compute(const InferenceCostModel& client,
                    const InferenceCostModel& server,
                    const SplitLink& link,
                    uint32_t promptTokens,
                    uint32_t outputTokens)
{
    const ModelSpec& model = client.GetModel();
    if (model.name != server.GetModel().name)
    {
        throw std::invalid_argument("client model '" + model.name + "' and server model '" +
                                    server.GetModel().name + "' differ: a split runs one model");
    }
    if (model.layers < 2)
    {
        throw std::invalid_argument("model '" + model.name + "' has " +
                                    std::to_string(model.layers) + " block: a split needs >= 2");
    }
    if (!(link.upBitsPerSecond > 0) || !(link.downBitsPerSecond > 0) || !(link.rttSeconds >= 0))
    {
        throw std::invalid_argument("link rates must be > 0 bit/s and the RTT >= 0 (got up " +
                                    NumberText(link.upBitsPerSecond) + ", down " +
                                    NumberText(link.downBitsPerSecond) + ", rtt " +
                                    NumberText(link.rttSeconds) + ")");
    }
    if (promptTokens == 0 || outputTokens == 0 ||
        static_cast<uint64_t>(promptTokens) + outputTokens > model.maxContext)
    {
        throw std::invalid_argument("a request of " + std::to_string(promptTokens) + " + " +
                                    std::to_string(outputTokens) + " tokens: accepted >= 1 each, " +
                                    std::to_string(model.maxContext) + " in all");
    }
    const uint32_t L = model.layers;
    const uint32_t P = promptTokens;
    const uint32_t G = outputTokens;
    // A request: prefill, then G - 1 decode steps from the prompt.
    auto request = [P, G](const InferenceCostModel& m, LayerRange range) {
        return m.PrefillSeconds(P, range) + m.DecodeSeconds(G - 1, P, range);
    };
    const LayerRange firstBlock{0, 1};
    const LayerRange lastBlock{L - 1, L};
    const double clientBlock = request(client, firstBlock);
    const double serverBlock = request(server, firstBlock);
    // The cost models charge the final norm, LM head and embedding reads with the last block.
    const double clientHead = request(client, lastBlock) - clientBlock;
    const double serverHead = request(server, lastBlock) - serverBlock;

    const DeviceProfile& device = client.GetDevice();
    const KvCacheMemory block = KvCacheMemory::Of(model, device, LayerRange{1, 2});
    const double bytesPerParam = model.WeightBytesPerParam();
    const double blockMemory = block.weightBytes + block.kvBytesPerToken * (P + G);

    SplitCosts costs;
    costs.clientMemoryLimit = device.memoryBytes;
    costs.units.push_back({"embedding", 0, 0, 0, model.EmbeddingParams() * bytesPerParam});
    for (uint32_t i = 0; i < L; ++i)
    {
        costs.units.push_back(
            {"block " + std::to_string(i), clientBlock, serverBlock, serverBlock, blockMemory});
    }
    costs.units.push_back(
        {"head", clientHead, serverHead, serverHead, model.HeadParams() * bytesPerParam});

    const uint32_t boundaries = costs.units.size() + 1;
    for (uint32_t i = 0; i < boundaries; ++i)
    {
        // The prefill carries the whole prompt, each decode step one token.
        const double prefill = BoundaryBytes(model, i, P);
        const double step = BoundaryBytes(model, i, 1);
        costs.boundaryUp.push_back(
            Crossing(prefill, step, G - 1, link.upBitsPerSecond, link.rttSeconds));
        costs.boundaryDown.push_back(
            Crossing(prefill, step, G - 1, link.downBitsPerSecond, link.rttSeconds));
    }
    return costs;
}

uint32_t
SplitCosts::BoundaryBytes(const ModelSpec& model, uint32_t boundary, uint32_t tokens)
{
    if (boundary == 0)
    {
        return tokens * TOKEN_ID_BYTES;
    }
    if (boundary >= model.layers + 2)
    {
        return TOKEN_ID_BYTES; // the sampled token
    }
    return static_cast<uint32_t>(tokens * model.HiddenStateBytesPerToken());
}

LayerRange
SplitCosts::UnitLayers(const ModelSpec& model, uint32_t firstUnit, uint32_t lastUnit)
{
    const uint32_t L = model.layers;
    LayerRange range;
    range.first = std::min(std::max(firstUnit, 1u) - 1, L);
    range.last = std::min(lastUnit, L);
    range.head = lastUnit >= L + 1;
    if (range.last < range.first)
    {
        range.last = range.first;
    }
    if (range.Blocks() == 0 && range.head)
    {
        range.first = range.last = L; // the head alone
    }
    return range;
}

SplitPlacement
SplitPlacement::Evaluate(const SplitCosts& costs, const std::vector<bool>& onServer, double sla)
{
    SplitPlacement p;
    p.onServer = onServer;
    bool previous = false; // the user is on the client
    for (size_t u = 0; u <= costs.units.size(); ++u)
    {
        const bool side = u < costs.units.size() ? onServer.at(u) : false;
        if (side != previous)
        {
            p.latency += side ? costs.boundaryUp[u] : costs.boundaryDown[u];
        }
        if (u < costs.units.size())
        {
            const SplitUnit& unit = costs.units[u];
            p.latency += side ? unit.serverSeconds : unit.clientSeconds;
            p.serverWork += side ? unit.serverWork : 0;
            p.clientMemory += side ? 0 : unit.clientMemory;
        }
        previous = side;
    }
    p.feasible = p.latency <= sla && p.clientMemory <= costs.clientMemoryLimit;
    return p;
}

std::string
SplitPlacement::Compact() const
{
    std::string text;
    for (bool server : onServer)
    {
        text += server ? 'S' : 'C';
    }
    return text;
}

} // namespace ns3
