/*
 * FixedSplitPlanner: the first ClientUnits units on the client, the rest on the server.
 */
#ifndef EDGE_LLM_FIXED_SPLIT_PLANNER_H
#define EDGE_LLM_FIXED_SPLIT_PLANNER_H

#include "split-planner.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief A split that does not depend on the request: units [0, ClientUnits) on the client,
 * the others on the server. ClientUnits 0 is server-only (the client sends its prompt's token
 * ids); a value at or above the unit count is client-only.
 */
class FixedSplitPlanner : public SplitPlanner
{
  public:
    static TypeId GetTypeId();
    FixedSplitPlanner();
    SplitPlacement Plan(const SplitCosts& costs, double sla) const override;
    std::string GetName() const override;

  private:
    uint32_t m_clientUnits;
};

} // namespace ns3

#endif // EDGE_LLM_FIXED_SPLIT_PLANNER_H
