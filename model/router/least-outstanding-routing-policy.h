/*
 * LeastOutstandingRoutingPolicy: the expert with the fewest requests in flight.
 */
#ifndef EDGE_LLM_LEAST_OUTSTANDING_ROUTING_POLICY_H
#define EDGE_LLM_LEAST_OUTSTANDING_ROUTING_POLICY_H

#include "routing-policy.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Sends the prompt to the expert with the fewest requests the gateway forwarded and
 * has not seen end (the gateway's own count, always current). Ties go to the class's expert,
 * then to the lowest index.
 */
class LeastOutstandingRoutingPolicy : public RoutingPolicy
{
  public:
    static TypeId GetTypeId();
    uint32_t Choose(const RouteQuery& query) override;
    std::string GetName() const override;

    /// The expert with the fewest outstanding requests (ties: `query.classExpert`, then the
    /// lowest index); shared with the overflow policy.
    static uint32_t LeastOutstanding(const RouteQuery& query);
};

} // namespace ns3

#endif // EDGE_LLM_LEAST_OUTSTANDING_ROUTING_POLICY_H
