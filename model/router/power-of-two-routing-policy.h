/*
 * PowerOfTwoRoutingPolicy: the less loaded of two experts drawn at random.
 */
#ifndef EDGE_LLM_POWER_OF_TWO_ROUTING_POLICY_H
#define EDGE_LLM_POWER_OF_TWO_ROUTING_POLICY_H

#include "routing-policy.h"

#include "ns3/random-variable-stream.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Power of two choices (Mitzenmacher): draws two distinct experts uniformly and sends
 * the prompt to the one whose last reported load is lower (the first drawn on a tie). Uses
 * the experts' reports, not the gateway's own counts, as a gateway in front of servers it
 * does not own would. With one expert, that expert.
 */
class PowerOfTwoRoutingPolicy : public RoutingPolicy
{
  public:
    static TypeId GetTypeId();
    PowerOfTwoRoutingPolicy();
    uint32_t Choose(const RouteQuery& query) override;
    std::string GetName() const override;
    int64_t AssignStreams(int64_t stream) override;

  private:
    Ptr<UniformRandomVariable> m_draw;
};

} // namespace ns3

#endif // EDGE_LLM_POWER_OF_TWO_ROUTING_POLICY_H
