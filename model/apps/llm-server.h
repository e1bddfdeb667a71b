/*
 * LlmServer: serves LLM requests that arrive over TCP on its node's engine.
 */
#ifndef EDGE_LLM_LLM_SERVER_H
#define EDGE_LLM_LLM_SERVER_H

#include "llm-connection.h"
#include "llm-engine.h"

#include "ns3/application.h"
#include "ns3/traced-callback.h"

#include <set>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Accepts connections on Port; runs each REQUEST on the node's LlmEngine; answers with
 * a FIRST_CHUNK (one token) at the first token, a FINAL_CHUNK (the other G-1 tokens) at
 * completion, or an ERROR with the engine's drop reason. Payloads are BytesPerToken per token.
 *
 * The response is streamed in two messages rather than per token: one event per inference
 * phase keeps large runs cheap while clients still see time to first token.
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
    void HandleAccept(Ptr<Socket> socket, const Address& from);
    void HandleMessage(Ptr<LlmConnection> connection, const LlmHeader& header, Ptr<Packet> payload);
    void HandleEnd(Ptr<LlmConnection> connection, const std::string& reason);
    void Respond(Ptr<LlmConnection> connection, const InferenceJob& job, uint8_t type);
    void RespondError(Ptr<LlmConnection> connection,
                      const InferenceJob& job,
                      const std::string& reason);

    uint16_t m_port;
    uint32_t m_bytesPerToken;
    Ptr<Socket> m_listener;
    std::set<Ptr<LlmConnection>> m_connections;
    uint64_t m_requests{0};

    TracedCallback<const LlmHeader&> m_requestTrace;
    TracedCallback<const LlmHeader&> m_responseTrace;
};

} // namespace ns3

#endif // EDGE_LLM_LLM_SERVER_H
