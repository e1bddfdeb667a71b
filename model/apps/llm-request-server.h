/*
 * LlmRequestServer: serves REQUEST messages from a listening TCP socket on the node's engine.
 */
#ifndef EDGE_LLM_LLM_REQUEST_SERVER_H
#define EDGE_LLM_LLM_REQUEST_SERVER_H

#include "inference-job.h"
#include "llm-connection.h"
#include "llm-header.h"
#include "llm-listener.h"

#include "ns3/callback.h"
#include "ns3/node.h"
#include "ns3/simple-ref-count.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Accepts TCP connections, reads REQUEST messages, turns each into an InferenceJob on
 * the node's LlmEngine and answers on the same connection: a FIRST_CHUNK (one token) at the
 * first token when StreamFirstChunk, a FINAL_CHUNK (the other output tokens) at completion,
 * or an ERROR with the engine's drop reason (no-engine when the node has none). Answers echo
 * the request's id, layer, origin and token counts; payloads are bytesPerToken per token.
 * Nothing is written to a connection that has closed (the sender gave up or it broke).
 *
 * The job hook lets the owner adapt each job before it is submitted (its kind, layer range,
 * context) or refuse to serve the request (return false: no answer at all). Serve() runs one
 * request without a socket, for owners that deliver messages themselves.
 *
 * While listening, the listener's and the connections' callbacks hold this object; Stop()
 * and Abandon() release them.
 */
class LlmRequestServer : public SimpleRefCount<LlmRequestServer>
{
  public:
    /// Adapts `job`, made from `request`; false: ignore the request.
    typedef Callback<bool, const LlmHeader&, InferenceJob&> JobHook;
    typedef Callback<void, const LlmHeader&> HeaderCallback;

    LlmRequestServer(Ptr<Node> node, uint32_t bytesPerToken, bool streamFirstChunk);
    ~LlmRequestServer();

    void SetJobHook(JobHook hook);
    /// Called with every REQUEST the hook accepts, before it is served.
    void SetRequestCallback(HeaderCallback callback);
    /// Called with every answer as it is queued on an open connection.
    void SetResponseCallback(HeaderCallback callback);

    /// Listens on TCP `port` (any address); false if the port cannot be bound.
    bool Listen(uint16_t port);
    /// Closes the listener and every connection; jobs still running answer nobody.
    void Stop();
    /// The run ends (the owner is being disposed): lets go of the listener and every
    /// connection without closing them (see LlmListener::Abandon).
    void Abandon();

    /// Serves `request` (a REQUEST) on the node's engine; `reply` gets each answer.
    void Serve(const LlmHeader& request, HeaderCallback reply);

    uint64_t GetRequestsReceived() const;  //!< REQUESTs accepted by the hook
    uint64_t GetRequestsSubmitted() const; //!< of those, handed to an engine

  private:
    void HandleMessage(Ptr<LlmConnection> connection, const LlmHeader& header, Ptr<Packet>);
    /// An answer to `job` of `type`, carrying `tokens` output tokens of payload.
    LlmHeader Answer(const InferenceJob& job, uint16_t layer, uint8_t type, uint32_t tokens) const;

    Ptr<Node> m_node;
    uint32_t m_bytesPerToken;
    bool m_streamFirstChunk;
    JobHook m_hook;
    HeaderCallback m_onRequest;
    HeaderCallback m_onResponse;
    Ptr<LlmListener> m_listener;
    uint64_t m_received{0};
    uint64_t m_submitted{0};
};

} // namespace ns3

#endif // EDGE_LLM_LLM_REQUEST_SERVER_H
