/*
 * RoundRobinRoutingPolicy: experts in turn.
 */
#ifndef EDGE_LLM_ROUND_ROBIN_ROUTING_POLICY_H
#define EDGE_LLM_ROUND_ROBIN_ROUTING_POLICY_H

#include "routing-policy.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Sends prompts to experts 0, 1, ..., N-1, 0, ... in turn, whatever their class.
 */
class RoundRobinRoutingPolicy : public RoutingPolicy
{
  public:
    static TypeId GetTypeId();
    uint32_t Choose(const RouteQuery& query) override;
    std::string GetName() const override;

  private:
    uint64_t m_next{0}; //!< prompts routed so far
};

} // namespace ns3

#endif // EDGE_LLM_ROUND_ROBIN_ROUTING_POLICY_H
