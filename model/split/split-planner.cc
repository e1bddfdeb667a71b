#include "split-planner.h"

#include "dp-split-planner.h"
#include "fixed-split-planner.h"
#include "greedy-split-planner.h"

#include "ns3/uinteger.h"

#include <stdexcept>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(SplitPlanner);

TypeId
SplitPlanner::GetTypeId()
{
    static TypeId tid = TypeId("ns3::SplitPlanner").SetParent<Object>().SetGroupName("EdgeLlm");
    return tid;
}

Ptr<SplitPlanner>
SplitPlanner::ByName(const std::string& name)
{
    if (name == "dp")
    {
        return CreateObject<DpSplitPlanner>();
    }
    if (name == "greedy")
    {
        return CreateObject<GreedySplitPlanner>();
    }
    if (name == "server-only" || name == "client-only")
    {
        Ptr<FixedSplitPlanner> fixed = CreateObject<FixedSplitPlanner>();
        fixed->SetAttribute("ClientUnits", UintegerValue(name == "server-only" ? 0 : UINT32_MAX));
        return fixed;
    }
    if (name.rfind("split:", 0) == 0)
    {
        const std::string count = name.substr(6);
        size_t used = 0;
        unsigned long units = 0;
        try
        {
            units = std::stoul(count, &used);
        }
        catch (const std::exception&)
        {
            used = 0;
        }
        if (used == count.size() && !count.empty() && units <= UINT32_MAX)
        {
            Ptr<FixedSplitPlanner> fixed = CreateObject<FixedSplitPlanner>();
            fixed->SetAttribute("ClientUnits", UintegerValue(units));
            return fixed;
        }
    }
    throw std::invalid_argument("unknown planner '" + name +
                                "'; accepted: dp, greedy, server-only, client-only, split:K (the "
                                "first K units on the client)");
}

} // namespace ns3
