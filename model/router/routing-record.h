/*
 * RoutingRecord: what the expert router did with one request.
 */
#ifndef EDGE_LLM_ROUTING_RECORD_H
#define EDGE_LLM_ROUTING_RECORD_H

#include "ns3/nstime.h"

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief One request through the gateway: its class, the class the classifier gave it, the
 * expert chosen, and when it arrived, was classified and forwarded. outcome is empty until the
 * forwarded request ends, then "completed" or why it failed (the expert's reason, or
 * expert-timeout, expert-unreachable, client-gone).
 */
struct RoutingRecord
{
    uint64_t requestId{0};
    uint32_t origin{0};       //!< the user's node
    uint32_t promptClass{0};  //!< the class the prompt is of
    uint32_t classifiedAs{0}; //!< the class the classifier gave it
    uint32_t expert{0};       //!< the expert's index at the gateway
    uint32_t expertNode{0};   //!< the expert's node id
    /// Sent to an expert other than its class's (misclassified, or moved by the policy).
    bool misrouted{false};
    Time received;               //!< the whole request reached the gateway
    Time classifyStart;          //!< the classifier began it (after the prompts before it)
    Time forwarded;              //!< classified, routed and handed to TCP towards the expert
    double classifierSeconds{0}; //!< the encoder's time for it alone
    std::string outcome;

    /// What the gateway added before forwarding: the classifier's queue and its run.
    double GatewaySeconds() const
    {
        return (forwarded - received).GetSeconds();
    }
};

} // namespace ns3

#endif // EDGE_LLM_ROUTING_RECORD_H
