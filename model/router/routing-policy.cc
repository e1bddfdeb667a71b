#include "routing-policy.h"

#include "by-class-routing-policy.h"
#include "least-outstanding-routing-policy.h"
#include "overflow-routing-policy.h"
#include "power-of-two-routing-policy.h"
#include "random-routing-policy.h"
#include "round-robin-routing-policy.h"

#include <stdexcept>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(RoutingPolicy);

TypeId
RoutingPolicy::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RoutingPolicy").SetParent<Object>().SetGroupName("EdgeLlm");
    return tid;
}

int64_t
RoutingPolicy::AssignStreams(int64_t /* stream */)
{
    return 0;
}

std::string
RoutingPolicy::NameList()
{
    return "by-class, least-outstanding, power-of-two, round-robin, random, overflow";
}

Ptr<RoutingPolicy>
RoutingPolicy::ByName(const std::string& name)
{
    if (name == "by-class")
    {
        return CreateObject<ByClassRoutingPolicy>();
    }
    if (name == "least-outstanding")
    {
        return CreateObject<LeastOutstandingRoutingPolicy>();
    }
    if (name == "power-of-two")
    {
        return CreateObject<PowerOfTwoRoutingPolicy>();
    }
    if (name == "round-robin")
    {
        return CreateObject<RoundRobinRoutingPolicy>();
    }
    if (name == "random")
    {
        return CreateObject<RandomRoutingPolicy>();
    }
    if (name == "overflow")
    {
        return CreateObject<OverflowRoutingPolicy>();
    }
    throw std::invalid_argument("unknown routing policy '" + name + "'; accepted: " + NameList());
}

} // namespace ns3
