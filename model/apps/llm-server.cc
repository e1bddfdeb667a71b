#include "llm-server.h"

#include "ns3/log.h"
#include "ns3/node.h"
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
    return m_server ? m_server->GetRequestsReceived() : 0;
}

void
LlmServer::DoDispose()
{
    // A run may end before the stop time: the sockets hold the server until it lets go of
    // them; closing them now would send into devices already disposed.
    if (m_server)
    {
        m_server->Abandon();
    }
    m_server = nullptr;
    Application::DoDispose();
}

void
LlmServer::StartApplication()
{
    m_server = Create<LlmRequestServer>(GetNode(), m_bytesPerToken, true);
    m_server->SetRequestCallback(
        LlmRequestServer::HeaderCallback([this](const LlmHeader& h) { m_requestTrace(h); }));
    m_server->SetResponseCallback(
        LlmRequestServer::HeaderCallback([this](const LlmHeader& h) { m_responseTrace(h); }));
    if (!m_server->Listen(m_port))
    {
        NS_FATAL_ERROR("LlmServer cannot bind TCP port " << m_port << " on node "
                                                         << GetNode()->GetId());
    }
}

void
LlmServer::StopApplication()
{
    if (m_server)
    {
        m_server->Stop();
    }
}

} // namespace ns3
