#include "llm-engine-helper.h"

#include "ns3/node.h"

#include <stdexcept>

namespace ns3
{

LlmEngineHelper::LlmEngineHelper()
{
    m_costModel.SetTypeId("ns3::ProfiledCostModel");
    m_engine.SetTypeId(LlmEngine::GetTypeId());
}

void
LlmEngineHelper::SetScheduler(const std::string& typeName)
{
    m_scheduler.SetTypeId(typeName);
    m_hasScheduler = true;
}

void
LlmEngineHelper::SetSchedulerAttribute(const std::string& name, const AttributeValue& value)
{
    m_scheduler.Set(name, value);
}

void
LlmEngineHelper::SetCostModel(const std::string& typeName)
{
    m_costModel.SetTypeId(typeName);
}

void
LlmEngineHelper::SetCostModelAttribute(const std::string& name, const AttributeValue& value)
{
    m_costModel.Set(name, value);
}

void
LlmEngineHelper::SetEngineAttribute(const std::string& name, const AttributeValue& value)
{
    m_engine.Set(name, value);
}

Ptr<LlmEngine>
LlmEngineHelper::Install(Ptr<Node> node) const
{
    Ptr<InferenceCostModel> costModel = m_costModel.Create<InferenceCostModel>();
    if (costModel->GetModel().IsEncoder())
    {
        // An encoder (the router's classifier) has no decode: it cannot serve generation.
        throw std::invalid_argument("model '" + costModel->GetModel().name +
                                    "' is an encoder and cannot generate; accepted: decoder "
                                    "presets (gpt2, llama styles)");
    }
    Ptr<LlmEngine> engine = m_engine.Create<LlmEngine>();
    if (m_hasScheduler)
    {
        engine->SetScheduler(m_scheduler.Create<LlmScheduler>());
    }
    engine->SetCostModel(costModel); // checks that the model fits the device and scheduler
    node->AggregateObject(engine);
    return engine;
}

std::vector<Ptr<LlmEngine>>
LlmEngineHelper::Install(const NodeContainer& nodes) const
{
    std::vector<Ptr<LlmEngine>> engines;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        engines.push_back(Install(*it));
    }
    return engines;
}

} // namespace ns3
