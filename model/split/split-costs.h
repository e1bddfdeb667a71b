/*
 * SplitCosts: what each unit of a model costs on either side of a split, and what each
 * boundary costs to cross, for one request.
 */
#ifndef EDGE_LLM_SPLIT_COSTS_H
#define EDGE_LLM_SPLIT_COSTS_H

#include "inference-cost-model.h"

#include <string>
#include <vector>

namespace ns3
{

/// One unit of a model: the embedding, a transformer block or the head.
struct SplitUnit
{
    std::string name;        //!< "embedding", "block 0", ..., "head"
    double clientSeconds{0}; //!< compute on the client over the whole request
    double serverSeconds{0}; //!< compute on the server over the whole request
    double serverWork{0};    //!< what the server spends on it (its compute seconds)
    double clientMemory{0};  //!< bytes it holds on the client (weights + its KV cache)
};

/// The link between client and server, as a real system would estimate it.
struct SplitLink
{
    double upBitsPerSecond{0};   //!< client to server
    double downBitsPerSecond{0}; //!< server to client
    double rttSeconds{0};        //!< round-trip time; each crossing pays half
};

/**
 * \ingroup edge-llm
 * \brief The planner's input for one request of P prompt and G output tokens: units in model
 * order (embedding, blocks, head) with their totals over the request (prefill and every
 * decode step), and the L+1 boundaries (boundary i before unit i, boundary L after the last)
 * with the seconds to cross each upwards and downwards over the request.
 *
 * The user is on the client at both ends. Boundary 0 carries token ids into the embedding,
 * boundary L the sampled token ids out of the head (back to the user, who feeds the next step
 * to the embedding), every other boundary hidden states (tokens x hidden x 2 bytes): the whole
 * prompt at prefill, one token per decode step. A placement's latency is the sum of its units'
 * seconds on their sides and of the boundaries where the side changes; its server work the sum
 * of its server units' work.
 */
struct SplitCosts
{
    std::vector<SplitUnit> units;
    std::vector<double> boundaryUp;   //!< L+1 seconds (client to server)
    std::vector<double> boundaryDown; //!< L+1 seconds (server to client)
    double clientMemoryLimit{0};      //!< bytes the client may use

    /// Bytes crossing boundary `boundary` (before unit `boundary`; units + 1 after the head)
    /// in one step of `tokens` tokens: token ids (4 bytes) into the embedding, one sampled
    /// token id out of the head, hidden states (tokens x hidden x 2 bytes) anywhere else.
    static uint32_t BoundaryBytes(const ModelSpec& model, uint32_t boundary, uint32_t tokens);
    /// The blocks (and head) that units [firstUnit, lastUnit] run (embedding 0, blocks 1..L,
    /// head L+1); Blocks() == 0 and no head when they are the embedding alone.
    static LayerRange UnitLayers(const ModelSpec& model, uint32_t firstUnit, uint32_t lastUnit);

    /// From the two sides' cost models (same model) and the link; throws
    /// std::invalid_argument naming the bad value.
    static SplitCosts Compute(const InferenceCostModel& client,
                              const InferenceCostModel& server,
                              const SplitLink& link,
                              uint32_t promptTokens,
                              uint32_t outputTokens);
};

/// A placement of every unit, and what it costs.
struct SplitPlacement
{
    std::vector<bool> onServer; //!< one per unit
    double latency{0};          //!< seconds over the request
    double serverWork{0};       //!< server seconds over the request
    double clientMemory{0};     //!< bytes on the client
    bool feasible{false};       //!< latency <= SLA and client memory within the limit

    /// Latency, server work and client memory of `onServer` under `costs`; feasibility
    /// against `sla`.
    static SplitPlacement Evaluate(const SplitCosts& costs,
                                   const std::vector<bool>& onServer,
                                   double sla);
    /// "C" or "S" per unit, e.g. "CCCSSSSC".
    std::string Compact() const;
};

} // namespace ns3

#endif // EDGE_LLM_SPLIT_COSTS_H
