/*
 * LlmListener: a TCP port that accepts edge-llm connections.
 */
#ifndef EDGE_LLM_LLM_LISTENER_H
#define EDGE_LLM_LLM_LISTENER_H

#include "llm-connection.h"

#include "ns3/node.h"
#include "ns3/simple-ref-count.h"

#include <set>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Listens on a TCP port of a node, wraps every accepted socket in an LlmConnection
 * with the owner's message and end callbacks, keeps the open ones, and closes them all at
 * Stop(), or lets go of them all at Abandon(). What every edge-llm server (LlmRequestServer,
 * SplitServer, ExpertRouter) shares.
 */
class LlmListener : public SimpleRefCount<LlmListener>
{
  public:
    /// `onEnd` (may be null) hears each connection's end after the listener forgets it.
    LlmListener(Ptr<Node> node,
                LlmConnection::MessageCallback onMessage,
                LlmConnection::EndCallback onEnd);
    ~LlmListener();

    /// Listens on TCP `port` (any address); false if the port cannot be bound.
    bool Listen(uint16_t port);
    /// Closes the listener and every open connection; no callback fires afterwards.
    void Stop();
    /// The run ends (the owner is being disposed): abandons every open connection (see
    /// LlmConnection::Abandon) and lets go of the listening socket without closing anything.
    void Abandon();
    size_t GetOpenConnections() const;

  private:
    void HandleAccept(Ptr<Socket> socket, const Address& from);
    void HandleEnd(Ptr<LlmConnection> connection, const std::string& reason);

    Ptr<Node> m_node;
    LlmConnection::MessageCallback m_onMessage;
    LlmConnection::EndCallback m_onEnd;
    Ptr<Socket> m_socket;
    std::set<Ptr<LlmConnection>> m_connections;
};

} // namespace ns3

#endif // EDGE_LLM_LLM_LISTENER_H
