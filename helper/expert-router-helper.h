/*
 * ExpertRouterHelper: installs the expert router's gateway on a node.
 */
#ifndef EDGE_LLM_EXPERT_ROUTER_HELPER_H
#define EDGE_LLM_EXPERT_ROUTER_HELPER_H

#include "expert-router.h"

#include "ns3/ipv4-address.h"
#include "ns3/node.h"
#include "ns3/object-factory.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Creates an ExpertRouter from its attributes, with its policy chosen by name
 * (RoutingPolicy::ByName), gives it the experts in class order, and puts an
 * ExpertLoadReporter on each expert's node that reports to the gateway. Wiring only.
 */
class ExpertRouterHelper
{
  public:
    explicit ExpertRouterHelper(uint16_t port = 8000);
    void SetAttribute(const std::string& name, const AttributeValue& value);
    /// A policy by command-line name; throws std::invalid_argument listing the names.
    void SetPolicy(const std::string& name);
    void SetPolicyAttribute(const std::string& name, const AttributeValue& value);
    void SetClassifierAttribute(const std::string& name, const AttributeValue& value);
    void SetReporterAttribute(const std::string& name, const AttributeValue& value);
    /// Expert of the next class: its node, where it listens, and the gateway's address as the
    /// expert reaches it (where its load reports go).
    void AddExpert(Ptr<Node> node, Ipv4Address address, uint16_t port, Ipv4Address gateway);
    Ptr<ExpertRouter> Install(Ptr<Node> gateway) const;

  private:
    struct ExpertAt
    {
        Ptr<Node> node;
        Ipv4Address address;
        uint16_t port;
        Ipv4Address gateway;
    };

    ObjectFactory m_router;
    std::string m_policy{"by-class"};
    std::vector<std::pair<std::string, Ptr<AttributeValue>>> m_policyAttributes;
    ObjectFactory m_classifier;
    ObjectFactory m_reporter;
    std::vector<ExpertAt> m_experts;
};

} // namespace ns3

#endif // EDGE_LLM_EXPERT_ROUTER_HELPER_H
