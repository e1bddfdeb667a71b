/*
 * LlmServer: serves LLM requests that arrive over TCP on its node's engine.
 */
#ifndef EDGE_LLM_LLM_SERVER_H
#define EDGE_LLM_LLM_SERVER_H

#include "llm-header.h"
#include "llm-request-server.h"

#include "ns3/application.h"
#include "ns3/traced-callback.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Accepts connections on Port; runs each REQUEST on the node's LlmEngine; answers with
 * a FIRST_CHUNK (one token) at the first token, a FINAL_CHUNK (the other G-1 tokens) at
 * completion, or an ERROR with the engine's drop reason. Payloads are BytesPerToken per token.
 *
 * The response is streamed in two messages rather than per token: one event per inference
 * phase keeps large runs cheap while clients still see time to first token. The serving is
 * an LlmRequestServer; this application gives it a port, attributes and trace sources.
 */
class LlmServer : public Application
{
  public:
    static TypeId GetTypeId();
    LlmServer();
    ~LlmServer() override;

    uint64_t GetRequestsReceived() const;

    typedef void (*HeaderTracedCallback)(const LlmHeader& header);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    uint16_t m_port;
    uint32_t m_bytesPerToken;
    Ptr<LlmRequestServer> m_server;

    TracedCallback<const LlmHeader&> m_requestTrace;
    TracedCallback<const LlmHeader&> m_responseTrace;
};

} // namespace ns3

#endif // EDGE_LLM_LLM_SERVER_H
