#include "round-robin-routing-policy.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(RoundRobinRoutingPolicy);

TypeId
RoundRobinRoutingPolicy::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RoundRobinRoutingPolicy")
                            .SetParent<RoutingPolicy>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<RoundRobinRoutingPolicy>();
    return tid;
}

uint32_t
RoundRobinRoutingPolicy::Choose(const RouteQuery& query)
{
    return static_cast<uint32_t>(m_next++ % query.experts.size());
}

std::string
RoundRobinRoutingPolicy::GetName() const
{
    return "round-robin";
}

} // namespace ns3
