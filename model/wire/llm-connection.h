/*
 * LlmConnection: one TCP connection carrying edge-llm messages both ways.
 */
#ifndef EDGE_LLM_LLM_CONNECTION_H
#define EDGE_LLM_LLM_CONNECTION_H

#include "llm-message-framer.h"

#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/simple-ref-count.h"
#include "ns3/socket.h"

#include <deque>
#include <string>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Frames outgoing messages and queues them until the socket has room (TCP's send
 * buffer is finite), and reassembles incoming ones. Reports each message and, once, the end
 * of the connection with its reason ("closed", "error", or "malformed: ...").
 *
 * The socket's callbacks hold this object; Close() releases them, so an owner that drops
 * its Ptr after Close() frees everything. Bytes still queued at Close() keep it until TCP
 * takes them, or until Simulator::Destroy() when the run ends first. An owner disposed
 * before its connections end calls Abandon() instead.
 */
class LlmConnection : public SimpleRefCount<LlmConnection>
{
  public:
    typedef Callback<void, Ptr<LlmConnection>, const LlmHeader&, Ptr<Packet>> MessageCallback;
    typedef Callback<void, Ptr<LlmConnection>, const std::string&> EndCallback;

    LlmConnection(Ptr<Socket> socket, MessageCallback onMessage, EndCallback onEnd);

    /// Queues `header` and its zero-filled payload for sending.
    void Send(const LlmHeader& header);
    /// Closes once everything queued is handed to TCP; no callback fires afterwards.
    void Close();
    /**
     * The run ends (the owner is being disposed): lets go of the socket and of every callback
     * without sending or closing anything, so that neither this object nor the socket is
     * kept alive by the other. Closing at dispose time would hand packets to half-disposed
     * devices and schedule events nobody runs. No callback fires afterwards.
     */
    void Abandon();
    bool IsOpen() const;

    Ptr<Socket> GetSocket() const;
    uint64_t GetBytesSent() const;     //!< handed to TCP so far
    uint64_t GetBytesReceived() const; //!< delivered by TCP so far

  private:
    void HandleRead(Ptr<Socket> socket);
    void HandleSendSpace(Ptr<Socket> socket, uint32_t available);
    void HandleNormalClose(Ptr<Socket> socket);
    void HandleErrorClose(Ptr<Socket> socket);
    void Flush();
    void End(const std::string& reason);
    /// Drops every callback the socket holds on this object and the owner's callbacks.
    void Release();
    /// Simulator::Destroy() with bytes still queued after Close(): releases the socket.
    void ReleaseAtDestroy();

    Ptr<Socket> m_socket;
    MessageCallback m_onMessage;
    EndCallback m_onEnd;
    LlmMessageFramer m_framer;
    /// Framed messages not yet handed to TCP, each kept whole: its payload stays a zero
    /// area that costs no memory (appending messages to one packet would write the payload
    /// out as bytes, which every copy down the stack then copies).
    std::deque<Ptr<Packet>> m_pending;
    uint32_t m_pendingOffset{0}; //!< bytes of the first pending message already sent
    bool m_open{true};
    bool m_closeWhenFlushed{false};
    EventId m_releaseAtDestroy; //!< set while closing with bytes queued
    uint64_t m_bytesSent{0};
    uint64_t m_bytesReceived{0};
};

} // namespace ns3

#endif // EDGE_LLM_LLM_CONNECTION_H
