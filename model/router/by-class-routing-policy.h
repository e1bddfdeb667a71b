/*
 * ByClassRoutingPolicy: every prompt to the expert of its class.
 */
#ifndef EDGE_LLM_BY_CLASS_ROUTING_POLICY_H
#define EDGE_LLM_BY_CLASS_ROUTING_POLICY_H

#include "routing-policy.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief The Expert Router paper's policy: the prompt goes to the expert of the class the
 * classifier gave it, whatever the loads.
 */
class ByClassRoutingPolicy : public RoutingPolicy
{
  public:
    static TypeId GetTypeId();
    uint32_t Choose(const RouteQuery& query) override;
    std::string GetName() const override;
};

} // namespace ns3

#endif // EDGE_LLM_BY_CLASS_ROUTING_POLICY_H
