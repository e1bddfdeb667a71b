/*
 * LlmRequestSender: one request sent to a peer over TCP, seen through to its single end.
 */
#ifndef EDGE_LLM_LLM_REQUEST_SENDER_H
#define EDGE_LLM_LLM_REQUEST_SENDER_H

#include "llm-connection.h"
#include "llm-header.h"

#include "ns3/address.h"
#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/simple-ref-count.h"

#include <string>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Sends one REQUEST (header and payload bytes) to a peer over its own TCP connection
 * and follows the streamed answer: a FIRST_CHUNK fires the first-token callback, a
 * FINAL_CHUNK completes the request, an ERROR fails it with the server's reason. The end
 * callback fires exactly once, with IsCompleted() or a failure reason: unreachable, timeout
 * (no FINAL_CHUNK within the timeout of Start()), connection-closed, connection-error,
 * malformed-response (a malformed stream, or an answer for another request id, layer or
 * output length), or a server reason (queue-full, ...). After Cancel() no callback fires.
 *
 * Byte counts are those handed to and delivered by TCP, taken when the request ends. The
 * connection is closed when the request ends, either way, but for Abandon().
 */
class LlmRequestSender : public SimpleRefCount<LlmRequestSender>
{
  public:
    typedef Callback<void, Ptr<LlmRequestSender>, const LlmHeader&> FirstTokenCallback;
    typedef Callback<void, Ptr<LlmRequestSender>> EndCallback;

    /// `peer` is an InetSocketAddress; `request` is sent as is (its type must be REQUEST).
    LlmRequestSender(Ptr<Node> node, const Address& peer, const LlmHeader& request, Time timeout);
    ~LlmRequestSender();

    void SetFirstTokenCallback(FirstTokenCallback callback);
    void SetEndCallback(EndCallback callback);

    /// Starts the timeout and connects; every outcome is reported through the callbacks.
    void Start();
    /// The caller gives up: closes the connection; no callback fires afterwards.
    void Cancel();
    /**
     * The run ends (the owner is being disposed): ends the request without a word, lets go of
     * the timeout, the socket and the connection (see LlmConnection::Abandon) without closing
     * them, and of the owner's callbacks; none fires afterwards.
     */
    void Abandon();

    bool IsEnded() const;     //!< ended (either way) or cancelled
    bool IsCompleted() const; //!< ended with a FINAL_CHUNK
    /// Why it failed; empty while open, when completed, or when cancelled.
    const std::string& GetReason() const;
    const LlmHeader& GetRequest() const;
    const Address& GetPeer() const;
    /// The last answer received (FIRST_CHUNK, FINAL_CHUNK or ERROR); type REQUEST if none.
    const LlmHeader& GetAnswer() const;
    uint64_t GetBytesSent() const;     //!< handed to TCP (up to the end)
    uint64_t GetBytesReceived() const; //!< delivered by TCP (up to the end)

    /**
     * How `answer` bears on `request`: empty for a FIRST_CHUNK or FINAL_CHUNK that matches it
     * (request id, layer, output tokens), the server's reason for a matching ERROR, and
     * malformed-response for anything else.
     */
    static std::string Judge(const LlmHeader& request, const LlmHeader& answer);

  private:
    void HandleConnected();
    void HandleMessage(const LlmHeader& header);
    void HandleConnectionEnd(const std::string& why);
    /// Records the byte counts, closes everything, then reports (unless cancelled).
    void End(const std::string& reason, bool report);
    void TakeByteCounts();

    Ptr<Node> m_node;
    Address m_peer;
    LlmHeader m_request;
    Time m_timeout;
    FirstTokenCallback m_onFirstToken;
    EndCallback m_onEnd;

    Ptr<Socket> m_socket;
    Ptr<LlmConnection> m_connection;
    EventId m_timeoutEvent;
    bool m_started{false};
    bool m_ended{false};
    bool m_completed{false};
    std::string m_reason;
    LlmHeader m_answer;
    uint64_t m_bytesSent{0};
    uint64_t m_bytesReceived{0};
};

} // namespace ns3

#endif // EDGE_LLM_LLM_REQUEST_SENDER_H
