/*
 * RequestRecord: what a user saw of one request.
 */
#ifndef EDGE_LLM_REQUEST_RECORD_H
#define EDGE_LLM_REQUEST_RECORD_H

#include "request-stage.h"

#include "ns3/nstime.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief One request from its user's side. status is "pending" until it ends, then
 * "completed" or "failed" with a reason: from the server queue-full, context-too-long,
 * empty-job, no-engine, server-error, bad-split-step; from the network unreachable, timeout,
 * connection-closed, connection-error, malformed-response; from the device client-memory
 * (split inference); or unfinished (the run ended).
 */
struct RequestRecord
{
    uint64_t requestId{0};
    uint32_t node{0}; //!< the user's node
    /// Node id of where the request ended as far as its user knows (the server it was sent
    /// to, the MoA origin that aggregates); empty when no node owns the address it was sent to.
    std::optional<uint32_t> server;
    std::string kind{"chat"}; //!< workload kind
    uint32_t promptTokens{0};
    uint32_t outputTokens{0};
    Time arrival;    //!< when the user issued it
    Time firstToken; //!< when the first output token arrived (0 if never)
    Time completion; //!< when it ended, either way
    std::string status{"pending"};
    std::string reason; //!< why it failed; empty when completed
    uint64_t bytesSent{0};
    uint64_t bytesReceived{0};

    /// The stages of a request that a protocol runs in parts, in the order they started
    /// (MoA: each proposer layer, then the aggregation); empty for single-job requests.
    std::vector<RequestStage> stages;
    uint32_t retries{0}; //!< requests to peers re-sent elsewhere after a timeout or failure

    // Distributed Mixture-of-Agents parameters (0 for other requests, and for M = 0).
    uint32_t moaLayers{0}; //!< M: proposer layers
    uint32_t moaPeers{0};  //!< k: peers asked per layer
    // Split inference (empty placement for other requests).
    std::string placement;          //!< "C" or "S" per unit: embedding, blocks, head
    uint32_t switches{0};           //!< side changes per step, counting the return to the user
    double predictedSeconds{0};     //!< the planner's latency for the whole request
    double plannedServerWork{0};    //!< the placement's server seconds (cost model, alone)
    double clientComputeSeconds{0}; //!< the device's own compute for it
    double slaSeconds{0};           //!< its latency bound (0: none)
};

} // namespace ns3

#endif // EDGE_LLM_REQUEST_RECORD_H
