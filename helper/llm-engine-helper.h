/*
 * LlmEngineHelper: gives nodes an LlmEngine with its own cost model.
 */
#ifndef EDGE_LLM_LLM_ENGINE_HELPER_H
#define EDGE_LLM_LLM_ENGINE_HELPER_H

#include "llm-engine.h"

#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Creates a cost model and a scheduler (from their TypeId names and attributes) and an
 * LlmEngine per node, and aggregates the engine to the node. Wiring only.
 */
class LlmEngineHelper
{
  public:
    /// Defaults: ns3::ProfiledCostModel with its default attributes.
    LlmEngineHelper();

    /// E.g. "ns3::ProfiledCostModel", "ns3::RooflineCostModel", "ns3::LiveCostModel".
    void SetCostModel(const std::string& typeName);
    void SetCostModelAttribute(const std::string& name, const AttributeValue& value);
    void SetEngineAttribute(const std::string& name, const AttributeValue& value);
    /// E.g. "ns3::FcfsScheduler", "ns3::ContinuousBatchingScheduler"; each engine gets its own
    /// scheduler object. Without it engines keep their Scheduler attribute (default fcfs).
    void SetScheduler(const std::string& typeName);
    void SetSchedulerAttribute(const std::string& name, const AttributeValue& value);

    /// Throws std::invalid_argument (model does not fit, unknown preset) or
    /// std::runtime_error (profile file) with a one-line message.
    Ptr<LlmEngine> Install(Ptr<Node> node) const;
    std::vector<Ptr<LlmEngine>> Install(const NodeContainer& nodes) const;

  private:
    ObjectFactory m_costModel;
    ObjectFactory m_engine;
    ObjectFactory m_scheduler;
    bool m_hasScheduler{false};
};

} // namespace ns3

#endif // EDGE_LLM_LLM_ENGINE_HELPER_H
