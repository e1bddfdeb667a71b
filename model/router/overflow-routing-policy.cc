#include "overflow-routing-policy.h"

#include "least-outstanding-routing-policy.h"

#include "ns3/uinteger.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(OverflowRoutingPolicy);

TypeId
OverflowRoutingPolicy::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::OverflowRoutingPolicy")
            .SetParent<RoutingPolicy>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<OverflowRoutingPolicy>()
            .AddAttribute("SaturationThreshold",
                          "Outstanding requests at which the class's expert counts as saturated "
                          "and prompts overflow to the least-loaded expert",
                          UintegerValue(64),
                          MakeUintegerAccessor(&OverflowRoutingPolicy::m_threshold),
                          MakeUintegerChecker<uint32_t>(1));
    return tid;
}

OverflowRoutingPolicy::OverflowRoutingPolicy() = default;

uint32_t
OverflowRoutingPolicy::Choose(const RouteQuery& query)
{
    if (query.experts[query.classExpert].outstanding < m_threshold)
    {
        return query.classExpert;
    }
    return LeastOutstandingRoutingPolicy::LeastOutstanding(query);
}

std::string
OverflowRoutingPolicy::GetName() const
{
    return "overflow";
}

} // namespace ns3
