#include "greedy-split-planner.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(GreedySplitPlanner);

TypeId
GreedySplitPlanner::GetTypeId()
{
    static TypeId tid = TypeId("ns3::GreedySplitPlanner")
                            .SetParent<SplitPlanner>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<GreedySplitPlanner>();
    return tid;
}

std::string
GreedySplitPlanner::GetName() const
{
    return "greedy";
}

SplitPlacement
GreedySplitPlanner::Plan(const SplitCosts& costs, double sla) const
{
    std::vector<bool> onServer(costs.units.size(), true);
    for (size_t u = 0; u < onServer.size(); ++u)
    {
        onServer[u] = false; // try the client, the rest on the server
        if (!SplitPlacement::Evaluate(costs, onServer, sla).feasible)
        {
            onServer[u] = true;
        }
    }
    return SplitPlacement::Evaluate(costs, onServer, sla);
}

} // namespace ns3
