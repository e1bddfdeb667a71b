#include "by-class-routing-policy.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(ByClassRoutingPolicy);

TypeId
ByClassRoutingPolicy::GetTypeId()
{
    static TypeId tid = TypeId("ns3::ByClassRoutingPolicy")
                            .SetParent<RoutingPolicy>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<ByClassRoutingPolicy>();
    return tid;
}

uint32_t
ByClassRoutingPolicy::Choose(const RouteQuery& query)
{
    return query.classExpert;
}

std::string
ByClassRoutingPolicy::GetName() const
{
    return "by-class";
}

} // namespace ns3
