#include "llm-request-sender.h"

#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmRequestSender");

LlmRequestSender::LlmRequestSender(Ptr<Node> node,
                                   const Address& peer,
                                   const LlmHeader& request,
                                   Time timeout)
    : m_node(node),
      m_peer(peer),
      m_request(request),
      m_timeout(timeout)
{
    NS_ABORT_MSG_IF(request.m_type != LlmHeader::REQUEST,
                    "LlmRequestSender sends REQUEST messages, not "
                        << LlmHeader::TypeName(request.m_type));
}

LlmRequestSender::~LlmRequestSender() = default;

void
LlmRequestSender::SetFirstTokenCallback(FirstTokenCallback callback)
{
    m_onFirstToken = callback;
}

void
LlmRequestSender::SetEndCallback(EndCallback callback)
{
    m_onEnd = callback;
}

void
LlmRequestSender::Start()
{
    NS_ABORT_MSG_IF(m_started, "LlmRequestSender::Start called twice");
    m_started = true;
    // The event and the socket's callbacks hold this object until it ends (End releases them).
    Ptr<LlmRequestSender> self(this);
    m_timeoutEvent = Simulator::Schedule(m_timeout, [self]() { self->End("timeout", true); });
    m_socket = Socket::CreateSocket(m_node, TcpSocketFactory::GetTypeId());
    m_socket->SetConnectCallback(
        Callback<void, Ptr<Socket>>([self](Ptr<Socket>) { self->HandleConnected(); }),
        Callback<void, Ptr<Socket>>([self](Ptr<Socket>) { self->End("unreachable", true); }));
    if (m_socket->Bind() != 0 || m_socket->Connect(m_peer) != 0)
    {
        // No route or no interface: say so now rather than at the timeout, but not from
        // inside Start() (the caller may not be ready for the callback yet).
        Simulator::ScheduleNow([self]() { self->End("unreachable", true); });
    }
}

void
LlmRequestSender::Cancel()
{
    End("", false);
}

void
LlmRequestSender::Abandon()
{
    if (m_ended)
    {
        return;
    }
    Simulator::Cancel(m_timeoutEvent);
    m_timeoutEvent = EventId(); // the event holds this object
    TakeByteCounts();
    m_ended = true;
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

bool
LlmRequestSender::IsEnded() const
{
    return m_ended;
}

bool
LlmRequestSender::IsCompleted() const
{
    return m_completed;
}

const std::string&
LlmRequestSender::GetReason() const
{
    return m_reason;
}

const LlmHeader&
LlmRequestSender::GetRequest() const
{
    return m_request;
}

const Address&
LlmRequestSender::GetPeer() const
{
    return m_peer;
}

const LlmHeader&
LlmRequestSender::GetAnswer() const
{
    return m_answer;
}

uint64_t
LlmRequestSender::GetBytesSent() const
{
    return m_ended ? m_bytesSent : (m_connection ? m_connection->GetBytesSent() : 0);
}

uint64_t
LlmRequestSender::GetBytesReceived() const
{
    return m_ended ? m_bytesReceived : (m_connection ? m_connection->GetBytesReceived() : 0);
}

std::string
LlmRequestSender::Judge(const LlmHeader& request, const LlmHeader& answer)
{
    const bool matches =
        answer.m_requestId == request.m_requestId && answer.m_layer == request.m_layer;
    if (!matches)
    {
        return "malformed-response";
    }
    switch (answer.m_type)
    {
    case LlmHeader::FIRST_CHUNK:
    case LlmHeader::FINAL_CHUNK:
        return answer.m_outputTokens == request.m_outputTokens ? "" : "malformed-response";
    case LlmHeader::ERROR:
        return LlmHeader::ReasonName(answer.m_reason);
    default:
        return "malformed-response";
    }
}

void
LlmRequestSender::HandleConnected()
{
    if (m_ended)
    {
        return;
    }
    Ptr<LlmRequestSender> self(this);
    m_connection = Create<LlmConnection>(
        m_socket,
        LlmConnection::MessageCallback([self](Ptr<LlmConnection>,
                                              const LlmHeader& header,
                                              Ptr<Packet>) { self->HandleMessage(header); }),
        LlmConnection::EndCallback([self](Ptr<LlmConnection>, const std::string& why) {
            self->HandleConnectionEnd(why);
        }));
    m_connection->Send(m_request);
}

void
LlmRequestSender::HandleMessage(const LlmHeader& header)
{
    if (m_ended)
    {
        return;
    }
    Ptr<LlmRequestSender> keepAlive(this); // the owner may drop its reference in a callback
    m_answer = header;
    const std::string verdict = Judge(m_request, header);
    if (!verdict.empty())
    {
        End(verdict, true);
        return;
    }
    if (header.m_type == LlmHeader::FIRST_CHUNK)
    {
        if (!m_onFirstToken.IsNull())
        {
            m_onFirstToken(this, header);
        }
        return;
    }
    m_completed = true;
    End("", true);
}

void
LlmRequestSender::HandleConnectionEnd(const std::string& why)
{
    End(why.rfind("malformed", 0) == 0 ? "malformed-response" : "connection-" + why, true);
}

void
LlmRequestSender::End(const std::string& reason, bool report)
{
    if (m_ended)
    {
        return; // each request ends once
    }
    Ptr<LlmRequestSender> keepAlive(this);
    Simulator::Cancel(m_timeoutEvent);
    m_timeoutEvent = EventId(); // the event holds this object: keeping its id was a cycle
    TakeByteCounts();
    m_ended = true;
    m_reason = reason;
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
    EndCallback onEnd = m_onEnd;
    m_onFirstToken = FirstTokenCallback();
    m_onEnd = EndCallback();
    NS_LOG_INFO("request " << m_request.m_requestId << " layer " << m_request.m_layer << ": "
                           << (m_completed ? "completed" : (report ? reason : "cancelled")));
    if (report && !onEnd.IsNull())
    {
        onEnd(this);
    }
}

void
LlmRequestSender::TakeByteCounts()
{
    if (m_connection)
    {
        m_bytesSent = m_connection->GetBytesSent();
        m_bytesReceived = m_connection->GetBytesReceived();
    }
}

} // namespace ns3
