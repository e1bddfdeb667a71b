#include "power-of-two-routing-policy.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(PowerOfTwoRoutingPolicy);

TypeId
PowerOfTwoRoutingPolicy::GetTypeId()
{
    static TypeId tid = TypeId("ns3::PowerOfTwoRoutingPolicy")
                            .SetParent<RoutingPolicy>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<PowerOfTwoRoutingPolicy>();
    return tid;
}

PowerOfTwoRoutingPolicy::PowerOfTwoRoutingPolicy()
    : m_draw(CreateObject<UniformRandomVariable>())
{
}

uint32_t
PowerOfTwoRoutingPolicy::Choose(const RouteQuery& query)
{
    const uint32_t n = query.experts.size();
    if (n < 2)
    {
        return 0;
    }
    const uint32_t first = m_draw->GetInteger(0, n - 1);
    // The second is drawn from the other n - 1 experts, so the two are distinct.
    uint32_t second = m_draw->GetInteger(0, n - 2);
    second += second >= first ? 1 : 0;
    return query.experts[second].reported < query.experts[first].reported ? second : first;
}

std::string
PowerOfTwoRoutingPolicy::GetName() const
{
    return "power-of-two";
}

int64_t
PowerOfTwoRoutingPolicy::AssignStreams(int64_t stream)
{
    m_draw->SetStream(stream);
    return 1;
}

} // namespace ns3
