#include "llm-server.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmServer");
NS_OBJECT_ENSURE_REGISTERED(LlmServer);

TypeId
LlmServer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LlmServer")
            .SetParent<Application>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<LlmServer>()
            .AddAttribute("Port",
                          "TCP port to listen on",
                          UintegerValue(8000),
                          MakeUintegerAccessor(&LlmServer::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("BytesPerToken",
                          "Bytes sent per output token (4 ~ UTF-8 text of one token)",
                          UintegerValue(4),
                          MakeUintegerAccessor(&LlmServer::m_bytesPerToken),
                          MakeUintegerChecker<uint32_t>(1))
            .AddTraceSource("Request",
                            "A well-formed request arrived",
                            MakeTraceSourceAccessor(&LlmServer::m_requestTrace),
                            "ns3::LlmServer::HeaderTracedCallback")
            .AddTraceSource("Response",
                            "A response message was queued for sending",
                            MakeTraceSourceAccessor(&LlmServer::m_responseTrace),
                            "ns3::LlmServer::HeaderTracedCallback");
    return tid;
}

LlmServer::LlmServer() = default;

LlmServer::~LlmServer() = default;

uint64_t
LlmServer::GetRequestsReceived() const
{
    return m_requests;
}

void
LlmServer::DoDispose()
{
    m_listener = nullptr;
    m_connections.clear();
    Application::DoDispose();
}

void
LlmServer::StartApplication()
{
    m_listener = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    if (m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) != 0)
    {
        NS_FATAL_ERROR("LlmServer cannot bind TCP port " << m_port << " on node "
                                                         << GetNode()->GetId());
    }
    m_listener->Listen();
    m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                  MakeCallback(&LlmServer::HandleAccept, this));
}

void
LlmServer::StopApplication()
{
    for (const auto& connection : m_connections)
    {
        connection->Close();
    }
    m_connections.clear();
    if (m_listener)
    {
        m_listener->Close();
        m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      MakeNullCallback<void, Ptr<Socket>, const Address&>());
    }
}

void
LlmServer::HandleAccept(Ptr<Socket> socket, const Address& from)
{
    NS_LOG_FUNCTION(this << socket << from);
    m_connections.insert(Create<LlmConnection>(socket,
                                               MakeCallback(&LlmServer::HandleMessage, this),
                                               MakeCallback(&LlmServer::HandleEnd, this)));
}

void
LlmServer::HandleEnd(Ptr<LlmConnection> connection, const std::string& reason)
{
    NS_LOG_INFO("connection ended: " << reason);
    m_connections.erase(connection);
}

void
LlmServer::HandleMessage(Ptr<LlmConnection> connection,
                         const LlmHeader& header,
                         Ptr<Packet> payload)
{
    if (header.m_type != LlmHeader::REQUEST)
    {
        NS_LOG_WARN("server ignores a " << LlmHeader::TypeName(header.m_type) << " message");
        return;
    }
    ++m_requests;
    m_requestTrace(header);
    InferenceJob job;
    job.requestId = header.m_requestId;
    job.origin = header.m_origin;
    job.promptTokens = header.m_promptTokens;
    job.outputTokens = header.m_outputTokens;
    Ptr<LlmEngine> engine = GetNode()->GetObject<LlmEngine>();
    if (!engine)
    {
        RespondError(connection, job, "no-engine");
        return;
    }
    // The engine calls back when the job reaches each state; the connection may be gone.
    job.onFirstToken =
        Callback<void, const InferenceJob&>([this, connection](const InferenceJob& j) {
            Respond(connection, j, LlmHeader::FIRST_CHUNK);
        });
    job.onCompleted =
        Callback<void, const InferenceJob&>([this, connection](const InferenceJob& j) {
            Respond(connection, j, LlmHeader::FINAL_CHUNK);
        });
    job.onDropped = Callback<void, const InferenceJob&, const std::string&>(
        [this, connection](const InferenceJob& j, const std::string& reason) {
            RespondError(connection, j, reason);
        });
    engine->Submit(job);
}

void
LlmServer::Respond(Ptr<LlmConnection> connection, const InferenceJob& job, uint8_t type)
{
    if (!connection->IsOpen())
    {
        return; // the user gave up (timeout) or the connection broke
    }
    LlmHeader header;
    header.m_type = type;
    header.m_requestId = job.requestId;
    header.m_origin = job.origin;
    header.m_promptTokens = job.promptTokens;
    header.m_outputTokens = job.outputTokens;
    const uint32_t tokens = type == LlmHeader::FIRST_CHUNK ? 1 : job.outputTokens - 1;
    header.m_payloadBytes = tokens * m_bytesPerToken;
    m_responseTrace(header);
    connection->Send(header);
}

void
LlmServer::RespondError(Ptr<LlmConnection> connection,
                        const InferenceJob& job,
                        const std::string& reason)
{
    if (!connection->IsOpen())
    {
        return;
    }
    LlmHeader header;
    header.m_type = LlmHeader::ERROR;
    header.m_reason = LlmHeader::ReasonFromName(reason);
    header.m_requestId = job.requestId;
    header.m_origin = job.origin;
    header.m_promptTokens = job.promptTokens;
    header.m_outputTokens = job.outputTokens;
    m_responseTrace(header);
    connection->Send(header);
}

} // namespace ns3
