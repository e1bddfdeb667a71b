#include "llm-request-server.h"

#include "llm-engine.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmRequestServer");

LlmRequestServer::LlmRequestServer(Ptr<Node> node, uint32_t bytesPerToken, bool streamFirstChunk)
    : m_node(node),
      m_bytesPerToken(bytesPerToken),
      m_streamFirstChunk(streamFirstChunk)
{
}

LlmRequestServer::~LlmRequestServer() = default;

void
LlmRequestServer::SetJobHook(JobHook hook)
{
    m_hook = hook;
}

void
LlmRequestServer::SetRequestCallback(HeaderCallback callback)
{
    m_onRequest = callback;
}

void
LlmRequestServer::SetResponseCallback(HeaderCallback callback)
{
    m_onResponse = callback;
}

bool
LlmRequestServer::Listen(uint16_t port)
{
    // The listener and the connections hold this object until Stop().
    Ptr<LlmRequestServer> self(this);
    m_listener = Create<LlmListener>(
        m_node,
        LlmConnection::MessageCallback(
            [self](Ptr<LlmConnection> connection, const LlmHeader& header, Ptr<Packet> payload) {
                self->HandleMessage(connection, header, payload);
            }),
        LlmConnection::EndCallback());
    if (!m_listener->Listen(port))
    {
        m_listener = nullptr;
        return false;
    }
    return true;
}

void
LlmRequestServer::Stop()
{
    if (m_listener)
    {
        m_listener->Stop();
        m_listener = nullptr;
    }
}

void
LlmRequestServer::Abandon()
{
    if (m_listener)
    {
        m_listener->Abandon();
        m_listener = nullptr;
    }
}

uint64_t
LlmRequestServer::GetRequestsReceived() const
{
    return m_received;
}

uint64_t
LlmRequestServer::GetRequestsSubmitted() const
{
    return m_submitted;
}

void
LlmRequestServer::HandleMessage(Ptr<LlmConnection> connection,
                                const LlmHeader& header,
                                Ptr<Packet> /* payload */)
{
    if (header.m_type != LlmHeader::REQUEST)
    {
        NS_LOG_WARN("server ignores a " << LlmHeader::TypeName(header.m_type) << " message");
        return;
    }
    Ptr<LlmRequestServer> self(this);
    Serve(header, HeaderCallback([self, connection](const LlmHeader& answer) {
              if (!connection->IsOpen())
              {
                  return; // the sender gave up (timeout) or the connection broke
              }
              if (!self->m_onResponse.IsNull())
              {
                  self->m_onResponse(answer);
              }
              connection->Send(answer);
          }));
}

LlmHeader
LlmRequestServer::Answer(const InferenceJob& job,
                         uint16_t layer,
                         uint8_t type,
                         uint32_t tokens) const
{
    LlmHeader header;
    header.m_type = type;
    header.m_layer = layer;
    header.m_requestId = job.requestId;
    header.m_origin = job.origin;
    header.m_promptTokens = job.promptTokens;
    header.m_outputTokens = job.outputTokens;
    header.m_payloadBytes = tokens * m_bytesPerToken;
    return header;
}

void
LlmRequestServer::Serve(const LlmHeader& request, HeaderCallback reply)
{
    InferenceJob job;
    job.requestId = request.m_requestId;
    job.origin = request.m_origin;
    job.promptTokens = request.m_promptTokens;
    job.outputTokens = request.m_outputTokens;
    if (!m_hook.IsNull() && !m_hook(request, job))
    {
        NS_LOG_WARN("server ignores request " << request.m_requestId << " of layer "
                                              << request.m_layer);
        return;
    }
    ++m_received;
    if (!m_onRequest.IsNull())
    {
        m_onRequest(request);
    }
    const uint16_t layer = request.m_layer;
    Ptr<LlmEngine> engine = m_node->GetObject<LlmEngine>();
    if (!engine)
    {
        LlmHeader refusal = Answer(job, layer, LlmHeader::ERROR, 0);
        refusal.m_reason = LlmHeader::NO_ENGINE;
        reply(refusal);
        return;
    }
    ++m_submitted;
    // The engine calls back when the job reaches each state; the answer's connection may be
    // gone by then (reply checks).
    Ptr<LlmRequestServer> self(this);
    if (m_streamFirstChunk)
    {
        job.onFirstToken =
            Callback<void, const InferenceJob&>([self, layer, reply](const InferenceJob& j) {
                reply(self->Answer(j, layer, LlmHeader::FIRST_CHUNK, 1));
            });
    }
    job.onCompleted =
        Callback<void, const InferenceJob&>([self, layer, reply](const InferenceJob& j) {
            const uint32_t streamed = self->m_streamFirstChunk && j.outputTokens > 0 ? 1 : 0;
            reply(self->Answer(j, layer, LlmHeader::FINAL_CHUNK, j.outputTokens - streamed));
        });
    job.onDropped = Callback<void, const InferenceJob&, const std::string&>(
        [self, layer, reply](const InferenceJob& j, const std::string& reason) {
            LlmHeader error = self->Answer(j, layer, LlmHeader::ERROR, 0);
            error.m_reason = LlmHeader::ReasonFromName(reason);
            reply(error);
        });
    engine->Submit(job);
}

} // namespace ns3
