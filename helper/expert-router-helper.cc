#include "expert-router-helper.h"

#include "expert-load-reporter.h"

#include "ns3/inet-socket-address.h"
#include "ns3/pointer.h"
#include "ns3/uinteger.h"

namespace ns3
{

ExpertRouterHelper::ExpertRouterHelper(uint16_t port)
{
    m_router.SetTypeId(ExpertRouter::GetTypeId());
    m_router.Set("Port", UintegerValue(port));
    m_classifier.SetTypeId(PromptClassifier::GetTypeId());
    m_reporter.SetTypeId(ExpertLoadReporter::GetTypeId());
}

void
ExpertRouterHelper::SetReporterAttribute(const std::string& name, const AttributeValue& value)
{
    m_reporter.Set(name, value);
}

void
ExpertRouterHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_router.Set(name, value);
}

void
ExpertRouterHelper::SetPolicy(const std::string& name)
{
    RoutingPolicy::ByName(name); // refuse a bad name now, not at Install
    m_policy = name;
}

void
ExpertRouterHelper::SetPolicyAttribute(const std::string& name, const AttributeValue& value)
{
    m_policyAttributes.emplace_back(name, value.Copy());
}

void
ExpertRouterHelper::SetClassifierAttribute(const std::string& name, const AttributeValue& value)
{
    m_classifier.Set(name, value);
}

void
ExpertRouterHelper::AddExpert(Ptr<Node> node,
                              Ipv4Address address,
                              uint16_t port,
                              Ipv4Address gateway)
{
    m_experts.push_back({node, address, port, gateway});
}

Ptr<ExpertRouter>
ExpertRouterHelper::Install(Ptr<Node> gateway) const
{
    // Each gateway gets its own policy and classifier (their state and streams are its own).
    Ptr<RoutingPolicy> policy = RoutingPolicy::ByName(m_policy);
    for (const auto& [name, value] : m_policyAttributes)
    {
        policy->SetAttribute(name, *value);
    }
    Ptr<ExpertRouter> router = m_router.Create<ExpertRouter>();
    router->SetAttribute("Policy", PointerValue(policy));
    router->SetAttribute("Classifier", PointerValue(m_classifier.Create<PromptClassifier>()));
    for (const ExpertAt& expert : m_experts)
    {
        router->AddExpert(expert.node, InetSocketAddress(expert.address, expert.port));
    }
    UintegerValue reportPort;
    router->GetAttribute("ReportPort", reportPort);
    for (const ExpertAt& expert : m_experts)
    {
        if (reportPort.Get() == 0)
        {
            break; // the gateway takes no reports
        }
        Ptr<ExpertLoadReporter> reporter = m_reporter.Create<ExpertLoadReporter>();
        reporter->SetAttribute("RemoteAddress", AddressValue(expert.gateway));
        reporter->SetAttribute("RemotePort", reportPort);
        expert.node->AddApplication(reporter);
    }
    gateway->AddApplication(router);
    return router;
}

} // namespace ns3
