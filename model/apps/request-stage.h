/*
 * RequestStage: one stage of a request that protocols run in several parts.
 */
#ifndef EDGE_LLM_REQUEST_STAGE_H
#define EDGE_LLM_REQUEST_STAGE_H

#include "ns3/nstime.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief What ran where for one stage of a request: a protocol appends a stage when it
 * starts one (an MoA proposer layer, the aggregation, a split segment, a routed hop) and
 * fills in what it learns. Times it does not know stay NaN.
 */
struct RequestStage
{
    std::string kind;            //!< what ran (the job kind: moa-proposer, moa-aggregator, ...)
    uint32_t index{0};           //!< the protocol's stage number (MoA: the layer, from 1)
    std::vector<uint32_t> nodes; //!< the nodes whose work made the stage, ascending
    uint32_t promptTokens{0};    //!< prompt tokens of the stage
    Time start;                  //!< when the stage began
    bool done{false};            //!< the stage finished
    Time end;                    //!< when it finished (when done)
    double queueWaitSeconds{std::numeric_limits<double>::quiet_NaN()};
    double computeSeconds{std::numeric_limits<double>::quiet_NaN()};
    double networkSeconds{std::numeric_limits<double>::quiet_NaN()};
    uint64_t bytesSent{0};     //!< by the request's user for this stage
    uint64_t bytesReceived{0}; //!< by the request's user for this stage
};

} // namespace ns3

#endif // EDGE_LLM_REQUEST_STAGE_H
