#include "llm-listener.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/tcp-socket-factory.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmListener");

LlmListener::LlmListener(Ptr<Node> node,
                         LlmConnection::MessageCallback onMessage,
                         LlmConnection::EndCallback onEnd)
    : m_node(node),
      m_onMessage(onMessage),
      m_onEnd(onEnd)
{
}

LlmListener::~LlmListener() = default;

bool
LlmListener::Listen(uint16_t port)
{
    m_socket = Socket::CreateSocket(m_node, TcpSocketFactory::GetTypeId());
    if (m_socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), port)) != 0)
    {
        m_socket = nullptr;
        return false;
    }
    m_socket->Listen();
    // The socket's callback holds this object until Stop().
    Ptr<LlmListener> self(this);
    m_socket->SetAcceptCallback(
        MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
        Callback<void, Ptr<Socket>, const Address&>(
            [self](Ptr<Socket> socket, const Address& from) { self->HandleAccept(socket, from); }));
    return true;
}

void
LlmListener::Stop()
{
    for (const auto& connection : m_connections)
    {
        connection->Close();
    }
    m_connections.clear();
    if (m_socket)
    {
        m_socket->Close();
        m_socket->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                    MakeNullCallback<void, Ptr<Socket>, const Address&>());
        m_socket = nullptr;
    }
}

void
LlmListener::Abandon()
{
    for (const auto& connection : m_connections)
    {
        connection->Abandon();
    }
    m_connections.clear();
    if (m_socket)
    {
        m_socket->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                    MakeNullCallback<void, Ptr<Socket>, const Address&>());
        m_socket = nullptr;
    }
    m_onMessage = LlmConnection::MessageCallback();
    m_onEnd = LlmConnection::EndCallback();
}

size_t
LlmListener::GetOpenConnections() const
{
    return m_connections.size();
}

void
LlmListener::HandleAccept(Ptr<Socket> socket, const Address& from)
{
    NS_LOG_FUNCTION(this << socket << from);
    Ptr<LlmListener> self(this);
    m_connections.insert(Create<LlmConnection>(
        socket,
        m_onMessage,
        LlmConnection::EndCallback([self](Ptr<LlmConnection> connection, const std::string& why) {
            self->HandleEnd(connection, why);
        })));
}

void
LlmListener::HandleEnd(Ptr<LlmConnection> connection, const std::string& reason)
{
    NS_LOG_INFO("connection ended: " << reason);
    m_connections.erase(connection);
    if (!m_onEnd.IsNull())
    {
        m_onEnd(connection, reason);
    }
}

} // namespace ns3
