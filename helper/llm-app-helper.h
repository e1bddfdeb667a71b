/*
 * LlmServerHelper, LlmClientHelper and SplitClientHelper: install the edge-llm applications
 * on nodes.
 */
#ifndef EDGE_LLM_LLM_APP_HELPER_H
#define EDGE_LLM_LLM_APP_HELPER_H

#include "ns3/address.h"
#include "ns3/application-container.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Installs LlmServer applications (the node needs an LlmEngine: see LlmEngineHelper).
 */
class LlmServerHelper
{
  public:
    explicit LlmServerHelper(uint16_t port = 8000);
    void SetAttribute(const std::string& name, const AttributeValue& value);
    ApplicationContainer Install(const NodeContainer& nodes) const;

  private:
    ObjectFactory m_factory;
};

/**
 * \ingroup edge-llm
 * \brief Installs LlmClient applications that send to one server.
 */
class LlmClientHelper
{
  public:
    LlmClientHelper(const Address& server, uint16_t port = 8000);
    virtual ~LlmClientHelper() = default;
    void SetAttribute(const std::string& name, const AttributeValue& value);
    /// An attribute of every client's LlmWorkload (PromptTokens, OutputTokens, Interarrival,
    /// ThinkTime); each client gets a workload object of its own.
    void SetWorkloadAttribute(const std::string& name, const AttributeValue& value);
    ApplicationContainer Install(const NodeContainer& nodes) const;
    /// Fixes the users' random streams (any LlmUserApplication) from `stream` on; returns how
    /// many were used.
    static int64_t AssignStreams(const ApplicationContainer& clients, int64_t stream);

  protected:
    /// Users of type `typeId` (an LlmUserApplication with RemoteAddress, RemotePort and
    /// Workload attributes).
    LlmClientHelper(TypeId typeId, const Address& server, uint16_t port);

  private:
    ObjectFactory m_factory;
    ObjectFactory m_workload;
    bool m_hasWorkload{false}; //!< SetWorkloadAttribute was called
};

/**
 * \ingroup edge-llm
 * \brief Installs SplitClient applications that split their requests with one SplitServer
 * (each node needs an LlmEngine: the device's), and SplitServer applications.
 */
class SplitClientHelper : public LlmClientHelper
{
  public:
    SplitClientHelper(const Address& server, uint16_t port = 8200);
    /// SplitServer applications listening on `port`.
    static ApplicationContainer InstallServer(const NodeContainer& nodes, uint16_t port = 8200);
};

} // namespace ns3

#endif // EDGE_LLM_LLM_APP_HELPER_H
