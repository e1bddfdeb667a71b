/*
 * MoaHelper: installs distributed Mixture-of-Agents (an MoaAgent and its gossip PeerSampler)
 * on nodes.
 */
#ifndef EDGE_LLM_MOA_HELPER_H
#define EDGE_LLM_MOA_HELPER_H

#include "ns3/application-container.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <string>

namespace ns3
{

/// What MoaHelper::Install put on the nodes.
struct MoaApps
{
    ApplicationContainer agents;   //!< one MoaAgent per node, in node order
    ApplicationContainer samplers; //!< one PeerSampler per node (none with Network=ideal)
};

/**
 * \ingroup edge-llm
 * \brief Installs an MoaAgent on every node and, unless the agents' Network is ideal, a
 * PeerSampler that bootstraps its gossip from Contacts other nodes (the next ones on a ring
 * of the given nodes: a connected start from which gossip builds the views). The nodes need
 * an LlmEngine (LlmEngineHelper) and, for the wireless network, an IPv4 address on
 * interface 1. Wiring only.
 */
class MoaHelper
{
  public:
    MoaHelper();
    void SetAgentAttribute(const std::string& name, const AttributeValue& value);
    void SetSamplerAttribute(const std::string& name, const AttributeValue& value);
    /// An attribute of every agent's LlmWorkload (PromptTokens, OutputTokens, Interarrival);
    /// each agent gets a workload object of its own.
    void SetWorkloadAttribute(const std::string& name, const AttributeValue& value);
    /// Bootstrap contacts per node (default 1); throws std::invalid_argument if 0.
    void SetContacts(uint32_t contacts);
    MoaApps Install(const NodeContainer& nodes) const;
    /// Fixes the streams of every agent's and sampler's random variables; returns how many.
    static int64_t AssignStreams(const MoaApps& apps, int64_t stream);

  private:
    ObjectFactory m_agent;
    ObjectFactory m_sampler;
    ObjectFactory m_workload;
    bool m_hasWorkload{false}; //!< SetWorkloadAttribute was called
    uint32_t m_contacts{1};
};

} // namespace ns3

#endif // EDGE_LLM_MOA_HELPER_H
