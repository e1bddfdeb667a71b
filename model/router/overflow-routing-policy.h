/*
 * OverflowRoutingPolicy: by class, unless the class's expert is saturated.
 */
#ifndef EDGE_LLM_OVERFLOW_ROUTING_POLICY_H
#define EDGE_LLM_OVERFLOW_ROUTING_POLICY_H

#include "routing-policy.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief By class, with overflow: the prompt goes to its class's expert unless that expert
 * has SaturationThreshold or more outstanding requests; then to the least-loaded expert
 * (fewest outstanding; ties: the class's expert, then the lowest index). A prompt that
 * overflows is served by an expert of another class, and recorded as misrouted.
 */
class OverflowRoutingPolicy : public RoutingPolicy
{
  public:
    static TypeId GetTypeId();
    OverflowRoutingPolicy();
    uint32_t Choose(const RouteQuery& query) override;
    std::string GetName() const override;

  private:
    uint32_t m_threshold;
};

} // namespace ns3

#endif // EDGE_LLM_OVERFLOW_ROUTING_POLICY_H
