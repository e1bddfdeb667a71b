/*
 * RandomRoutingPolicy: an expert drawn uniformly.
 */
#ifndef EDGE_LLM_RANDOM_ROUTING_POLICY_H
#define EDGE_LLM_RANDOM_ROUTING_POLICY_H

#include "routing-policy.h"

#include "ns3/random-variable-stream.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Sends each prompt to an expert drawn uniformly, whatever its class and the loads.
 */
class RandomRoutingPolicy : public RoutingPolicy
{
  public:
    static TypeId GetTypeId();
    RandomRoutingPolicy();
    uint32_t Choose(const RouteQuery& query) override;
    std::string GetName() const override;
    int64_t AssignStreams(int64_t stream) override;

  private:
    Ptr<UniformRandomVariable> m_draw;
};

} // namespace ns3

#endif // EDGE_LLM_RANDOM_ROUTING_POLICY_H
