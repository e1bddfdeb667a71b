#include "llm-app-helper.h"

#include "llm-client.h"
#include "llm-server.h"
#include "split-client.h"
#include "split-server.h"

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
    : LlmClientHelper(LlmClient::GetTypeId(), server, port)
{
}

LlmClientHelper::LlmClientHelper(TypeId typeId, const Address& server, uint16_t port)
{
    m_factory.SetTypeId(typeId);
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
        Ptr<Application> app = m_factory.Create<Application>();
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
        if (Ptr<LlmUserApplication> client = DynamicCast<LlmUserApplication>(*it))
        {
            used += client->AssignStreams(stream + used);
        }
    }
    return used;
}

SplitClientHelper::SplitClientHelper(const Address& server, uint16_t port)
    : LlmClientHelper(SplitClient::GetTypeId(), server, port)
{
}

ApplicationContainer
SplitClientHelper::InstallServer(const NodeContainer& nodes, uint16_t port)
{
    ApplicationContainer apps;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        Ptr<SplitServer> server = CreateObject<SplitServer>();
        server->SetAttribute("Port", UintegerValue(port));
        (*it)->AddApplication(server);
        apps.Add(server);
    }
    return apps;
}

} // namespace ns3
