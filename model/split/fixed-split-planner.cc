#include "fixed-split-planner.h"

#include "ns3/uinteger.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FixedSplitPlanner);

TypeId
FixedSplitPlanner::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::FixedSplitPlanner")
            .SetParent<SplitPlanner>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<FixedSplitPlanner>()
            .AddAttribute("ClientUnits",
                          "Units (embedding, blocks, head, in order) run on the client; the rest "
                          "on the server (0: server-only)",
                          UintegerValue(0),
                          MakeUintegerAccessor(&FixedSplitPlanner::m_clientUnits),
                          MakeUintegerChecker<uint32_t>());
    return tid;
}

FixedSplitPlanner::FixedSplitPlanner() = default;

std::string
FixedSplitPlanner::GetName() const
{
    return "fixed";
}

SplitPlacement
FixedSplitPlanner::Plan(const SplitCosts& costs, double sla) const
{
    std::vector<bool> onServer(costs.units.size(), true);
    for (size_t u = 0; u < onServer.size() && u < m_clientUnits; ++u)
    {
        onServer[u] = false;
    }
    return SplitPlacement::Evaluate(costs, onServer, sla);
}

} // namespace ns3
