#include "expert-channel.h"

#include "llm-request-sender.h"

#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ExpertChannel");

ExpertChannel::ExpertChannel(Ptr<Node> node, const Address& peer, Time timeout)
    : m_node(node),
      m_peer(peer),
      m_timeout(timeout)
{
}

ExpertChannel::~ExpertChannel() = default;

void
ExpertChannel::SetCallbacks(FirstTokenCallback onFirstToken, EndCallback onEnd)
{
    m_onFirstToken = onFirstToken;
    m_onEnd = onEnd;
}

uint64_t
ExpertChannel::GetOpen() const
{
    return m_open.size();
}

uint64_t
ExpertChannel::GetConnections() const
{
    return m_connections;
}

void
ExpertChannel::Send(uint64_t key, const LlmHeader& request)
{
    NS_ABORT_MSG_IF(request.m_type != LlmHeader::REQUEST, "ExpertChannel sends REQUESTs only");
    NS_ABORT_MSG_IF(m_open.count(request.m_requestId),
                    "request " << request.m_requestId << " is already open on this channel");
    Open& open = m_open[request.m_requestId];
    open.key = key;
    open.request = request;
    m_ids[key] = request.m_requestId;
    // The channel outlives the event: the owner closes it only after its requests ended.
    const uint64_t id = request.m_requestId;
    open.timeout =
        Simulator::Schedule(m_timeout, [this, id]() { End(id, "timeout", LlmHeader()); });
    if (m_connection)
    {
        open.sent = true;
        m_connection->Send(request);
    }
    else if (!m_socket)
    {
        Connect();
    }
}

void
ExpertChannel::Cancel(uint64_t key)
{
    auto id = m_ids.find(key);
    if (id == m_ids.end())
    {
        return;
    }
    auto it = m_open.find(id->second);
    Simulator::Cancel(it->second.timeout);
    m_open.erase(it);
    m_ids.erase(id);
}

void
ExpertChannel::Close()
{
    for (auto& [id, open] : m_open)
    {
        Simulator::Cancel(open.timeout);
    }
    m_open.clear();
    m_ids.clear();
    DropSocket();
}

void
ExpertChannel::Abandon()
{
    for (auto& [id, open] : m_open)
    {
        Simulator::Cancel(open.timeout);
    }
    m_open.clear();
    m_ids.clear();
    if (m_connection)
    {
        m_connection->Abandon();
        m_connection = nullptr;
    }
    else if (m_socket)
    {
        m_socket->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                                     MakeNullCallback<void, Ptr<Socket>>());
    }
    m_socket = nullptr;
    m_onFirstToken = FirstTokenCallback();
    m_onEnd = EndCallback();
}

void
ExpertChannel::Connect()
{
    ++m_connections;
    m_socket = Socket::CreateSocket(m_node, TcpSocketFactory::GetTypeId());
    Ptr<ExpertChannel> self(this);
    m_socket->SetConnectCallback(
        Callback<void, Ptr<Socket>>([self](Ptr<Socket>) { self->HandleConnected(); }),
        Callback<void, Ptr<Socket>>(
            [self](Ptr<Socket>) { self->HandleConnectionEnd("unreachable"); }));
    if (m_socket->Bind() != 0 || m_socket->Connect(m_peer) != 0)
    {
        // No route or no interface: say so at once, but not from inside Send().
        Simulator::ScheduleNow([self]() { self->HandleConnectionEnd("unreachable"); });
    }
}

void
ExpertChannel::HandleConnected()
{
    Ptr<ExpertChannel> self(this);
    m_connection = Create<LlmConnection>(
        m_socket,
        LlmConnection::MessageCallback([self](Ptr<LlmConnection>,
                                              const LlmHeader& header,
                                              Ptr<Packet>) { self->HandleMessage(header); }),
        LlmConnection::EndCallback([self](Ptr<LlmConnection>, const std::string& why) {
            self->HandleConnectionEnd(why.rfind("malformed", 0) == 0 ? "malformed-response"
                                                                     : "connection-" + why);
        }));
    for (auto& [id, open] : m_open)
    {
        if (!open.sent)
        {
            open.sent = true;
            m_connection->Send(open.request);
        }
    }
}

void
ExpertChannel::HandleMessage(const LlmHeader& answer)
{
    auto it = m_open.find(answer.m_requestId);
    if (it == m_open.end())
    {
        return; // a cancelled or timed-out request's answer
    }
    const std::string verdict = LlmRequestSender::Judge(it->second.request, answer);
    if (verdict.empty() && answer.m_type == LlmHeader::FIRST_CHUNK)
    {
        if (!m_onFirstToken.IsNull())
        {
            m_onFirstToken(it->second.key, answer);
        }
        return;
    }
    End(answer.m_requestId, verdict, answer);
}

void
ExpertChannel::HandleConnectionEnd(const std::string& reason)
{
    Ptr<ExpertChannel> keepAlive(this); // an end callback may drop the owner's reference
    DropSocket();
    std::vector<uint64_t> ids;
    for (const auto& [id, open] : m_open)
    {
        ids.push_back(id);
    }
    for (uint64_t id : ids)
    {
        End(id, reason, LlmHeader());
    }
}

void
ExpertChannel::End(uint64_t requestId, const std::string& reason, const LlmHeader& answer)
{
    auto it = m_open.find(requestId);
    if (it == m_open.end())
    {
        return; // each request ends once
    }
    const uint64_t key = it->second.key;
    Simulator::Cancel(it->second.timeout);
    m_open.erase(it);
    m_ids.erase(key);
    NS_LOG_INFO("request " << requestId
                           << " at the expert: " << (reason.empty() ? "completed" : reason));
    if (!m_onEnd.IsNull())
    {
        m_onEnd(key, reason, answer);
    }
}

void
ExpertChannel::DropSocket()
{
    if (m_connection)
    {
        m_connection->Close();
        m_connection = nullptr;
    }
    else if (m_socket)
    {
        m_socket->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                                     MakeNullCallback<void, Ptr<Socket>>());
        m_socket->Close();
    }
    m_socket = nullptr;
}

} // namespace ns3
