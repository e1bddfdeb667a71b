/*
 * DpSplitPlanner: SplitLLM's dynamic programme over (unit, side, latency used).
 */
#ifndef EDGE_LLM_DP_SPLIT_PLANNER_H
#define EDGE_LLM_DP_SPLIT_PLANNER_H

#include "split-planner.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Minimises server work subject to latency <= SLA and client memory <= its limit, as
 * Mudvari, Jiang and Tassiulas (2024): states (unit, side, latency used in Resolution steps of
 * SLA / Resolution); each unit stays on its side or switches (a switch pays the boundary's
 * transfer). Each state keeps the path of least server work that reaches it with that path's
 * exact latency, so feasibility is judged on exact sums (what it calls feasible is) and
 * rounding costs nothing along a path; it can only miss a placement whose prefix shared a state
 * with a cheaper but slower one (within one step of SLA / Resolution). When the client cannot
 * hold every unit, the client memory is a second dimension (MemoryResolution steps of the
 * limit, judged exactly in the same way).
 * Cost: O(units x Resolution) (x MemoryResolution when memory binds) time and memory.
 */
class DpSplitPlanner : public SplitPlanner
{
  public:
    static TypeId GetTypeId();
    DpSplitPlanner();

    SplitPlacement Plan(const SplitCosts& costs, double sla) const override;
    std::string GetName() const override;

  private:
    uint32_t m_resolution;
    uint32_t m_memoryResolution;
};

} // namespace ns3

#endif // EDGE_LLM_DP_SPLIT_PLANNER_H
