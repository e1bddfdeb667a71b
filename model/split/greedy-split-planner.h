/*
 * GreedySplitPlanner: layer by layer, keep a unit on the client while the SLA still holds.
 */
#ifndef EDGE_LLM_GREEDY_SPLIT_PLANNER_H
#define EDGE_LLM_GREEDY_SPLIT_PLANNER_H

#include "split-planner.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Our reading of the SplitLLM paper's greedy baseline (the paper does not spell it
 * out): from the first unit to the last, put the unit on the client if the placement so far,
 * with every later unit on the server, meets the SLA within the client's memory; otherwise on
 * the server. Never better than the dynamic programme under the same SLA.
 */
class GreedySplitPlanner : public SplitPlanner
{
  public:
    static TypeId GetTypeId();
    SplitPlacement Plan(const SplitCosts& costs, double sla) const override;
    std::string GetName() const override;
};

} // namespace ns3

#endif // EDGE_LLM_GREEDY_SPLIT_PLANNER_H
