#include "llm-app-helper.h"

#include "llm-client.h"
#include "llm-server.h"

#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/uinteger.h"

namespace ns3
{

LlmServerHelper::LlmServerHelper(uint16_t port)
{
    m_factory.SetTypeId(LlmServer::GetTypeId());
    m_factory.Set("Port", UintegerValue(port));
}

void
LlmServerHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

ApplicationContainer
LlmServerHelper::Install(const NodeContainer& nodes) const
{
    ApplicationContainer apps;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        Ptr<Application> app = m_factory.Create<LlmServer>();
        (*it)->AddApplication(app);
        apps.Add(app);
    }
    return apps;
}

LlmClientHelper::LlmClientHelper(const Address& server, uint16_t port)
{
    m_factory.SetTypeId(LlmClient::GetTypeId());
    m_factory.Set("RemoteAddress", AddressValue(server));
    m_factory.Set("RemotePort", UintegerValue(port));
    m_workload.SetTypeId(LlmWorkload::GetTypeId());
}

void
LlmClientHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

void
LlmClientHelper::SetWorkloadAttribute(const std::string& name, const AttributeValue& value)
{
    m_workload.Set(name, value);
    m_hasWorkload = true;
}

ApplicationContainer
LlmClientHelper::Install(const NodeContainer& nodes) const
{
    ApplicationContainer apps;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        Ptr<Application> app = m_factory.Create<LlmClient>();
        if (m_hasWorkload)
        {
            app->SetAttribute("Workload", PointerValue(m_workload.Create<LlmWorkload>()));
        }
        (*it)->AddApplication(app);
        apps.Add(app);
    }
    return apps;
}

int64_t
LlmClientHelper::AssignStreams(const ApplicationContainer& clients, int64_t stream)
{
    int64_t used = 0;
    for (auto it = clients.Begin(); it != clients.End(); ++it)
    {
        if (Ptr<LlmClient> client = DynamicCast<LlmClient>(*it))
        {
            used += client->AssignStreams(stream + used);
        }
    }
    return used;
}

} // namespace ns3
