#include "least-outstanding-routing-policy.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(LeastOutstandingRoutingPolicy);

TypeId
LeastOutstandingRoutingPolicy::GetTypeId()
{
    static TypeId tid = TypeId("ns3::LeastOutstandingRoutingPolicy")
                            .SetParent<RoutingPolicy>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<LeastOutstandingRoutingPolicy>();
    return tid;
}

uint32_t
LeastOutstandingRoutingPolicy::LeastOutstanding(const RouteQuery& query)
{
    uint32_t best = query.classExpert < query.experts.size() ? query.classExpert : 0;
    for (uint32_t i = 0; i < query.experts.size(); ++i)
    {
        if (query.experts[i].outstanding < query.experts[best].outstanding)
        {
            best = i;
        }
    }
    return best;
}

uint32_t
LeastOutstandingRoutingPolicy::Choose(const RouteQuery& query)
{
    return LeastOutstanding(query);
}

std::string
LeastOutstandingRoutingPolicy::GetName() const
{
    return "least-outstanding";
}

} // namespace ns3
