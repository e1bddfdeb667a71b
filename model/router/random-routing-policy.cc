#include "random-routing-policy.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(RandomRoutingPolicy);

TypeId
RandomRoutingPolicy::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RandomRoutingPolicy")
                            .SetParent<RoutingPolicy>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<RandomRoutingPolicy>();
    return tid;
}

RandomRoutingPolicy::RandomRoutingPolicy()
    : m_draw(CreateObject<UniformRandomVariable>())
{
}

uint32_t
RandomRoutingPolicy::Choose(const RouteQuery& query)
{
    return m_draw->GetInteger(0, query.experts.size() - 1);
}

std::string
RandomRoutingPolicy::GetName() const
{
    return "random";
}

int64_t
RandomRoutingPolicy::AssignStreams(int64_t stream)
{
    m_draw->SetStream(stream);
    return 1;
}

} // namespace ns3
