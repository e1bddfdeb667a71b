/*
 * SplitPlanner: where each unit of a request runs, client or server.
 */
#ifndef EDGE_LLM_SPLIT_PLANNER_H
#define EDGE_LLM_SPLIT_PLANNER_H

#include "split-costs.h"

#include "ns3/object.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief A placement policy for split inference, chosen by name like a scheduler:
 * ns3::DpSplitPlanner (the SplitLLM paper's dynamic programme), ns3::GreedySplitPlanner and
 * ns3::FixedSplitPlanner (server-only, client-only or a split after a given unit). Planners see
 * only what a real system knows: the costs of one request (SplitCosts) and its SLA.
 */
class SplitPlanner : public Object
{
  public:
    static TypeId GetTypeId();

    /// The placement for one request. When no placement meets the SLA within the client's
    /// memory, the planner's best effort with feasible = false.
    virtual SplitPlacement Plan(const SplitCosts& costs, double sla) const = 0;
    /// Short name: "dp", "greedy", "fixed".
    virtual std::string GetName() const = 0;

    /// A planner by its command-line name: dp, greedy, server-only, client-only, or split:K
    /// (the first K units on the client); throws std::invalid_argument listing them.
    static Ptr<SplitPlanner> ByName(const std::string& name);
};

} // namespace ns3

#endif // EDGE_LLM_SPLIT_PLANNER_H
