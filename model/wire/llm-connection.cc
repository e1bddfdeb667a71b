#include "llm-connection.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmConnection");

LlmConnection::LlmConnection(Ptr<Socket> socket, MessageCallback onMessage, EndCallback onEnd)
    : m_socket(socket),
      m_onMessage(onMessage),
      m_onEnd(onEnd)
{
    Ptr<LlmConnection> self(this);
    m_socket->SetRecvCallback(MakeCallback(&LlmConnection::HandleRead, self));
    m_socket->SetSendCallback(MakeCallback(&LlmConnection::HandleSendSpace, self));
    m_socket->SetCloseCallbacks(MakeCallback(&LlmConnection::HandleNormalClose, self),
                                MakeCallback(&LlmConnection::HandleErrorClose, self));
}

void
LlmConnection::Send(const LlmHeader& header)
{
    if (!m_open || m_closeWhenFlushed)
    {
        return;
    }
    m_pending.push_back(LlmMessageFramer::Frame(header));
    Flush();
}

void
LlmConnection::Flush()
{
    while (m_open && !m_pending.empty())
    {
        const uint32_t room = m_socket->GetTxAvailable();
        if (room == 0)
        {
            return; // HandleSendSpace resumes
        }
        const Ptr<Packet> message = m_pending.front(); // kept: a callback may pop it
        const uint32_t left = message->GetSize() - m_pendingOffset;
        const uint32_t size = std::min(room, left);
        const int sent = m_socket->Send(message->CreateFragment(m_pendingOffset, size));
        if (sent <= 0)
        {
            return;
        }
        m_bytesSent += sent;
        m_pendingOffset += sent;
        if (m_pendingOffset == message->GetSize())
        {
            m_pending.pop_front();
            m_pendingOffset = 0;
        }
    }
    if (m_open && m_closeWhenFlushed && m_pending.empty())
    {
        Release(); // first: see End()
        m_socket->Close();
    }
}

void
LlmConnection::Close()
{
    if (!m_open)
    {
        return;
    }
    m_closeWhenFlushed = true;
    m_onMessage = MakeNullCallback<void, Ptr<LlmConnection>, const LlmHeader&, Ptr<Packet>>();
    m_onEnd = MakeNullCallback<void, Ptr<LlmConnection>, const std::string&>();
    Flush();
    if (m_open && m_releaseAtDestroy.PeekEventImpl() == nullptr)
    {
        // Nothing outside the socket holds this object any more: if the run ends before TCP
        // takes the rest, the socket -> callback -> this cycle must still be broken.
        m_releaseAtDestroy = Simulator::ScheduleDestroy(&LlmConnection::ReleaseAtDestroy, this);
    }
}

void
LlmConnection::Abandon()
{
    if (m_socket)
    {
        Release();
        m_socket->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                                     MakeNullCallback<void, Ptr<Socket>>());
        m_socket = nullptr;
    }
    m_pending.clear();
    m_pendingOffset = 0;
}

bool
LlmConnection::IsOpen() const
{
    return m_open && !m_closeWhenFlushed;
}

Ptr<Socket>
LlmConnection::GetSocket() const
{
    return m_socket;
}

uint64_t
LlmConnection::GetBytesSent() const
{
    return m_bytesSent;
}

uint64_t
LlmConnection::GetBytesReceived() const
{
    return m_bytesReceived;
}

void
LlmConnection::HandleRead(Ptr<Socket> socket)
{
    Ptr<LlmConnection> keepAlive(this); // a callback may drop the owner's reference
    Ptr<Packet> packet;
    while (m_open && (packet = socket->Recv()))
    {
        if (packet->GetSize() == 0)
        {
            break;
        }
        m_bytesReceived += packet->GetSize();
        m_framer.Push(packet);
        LlmHeader header;
        Ptr<Packet> payload;
        while (m_open && m_framer.Pop(header, payload))
        {
            if (!m_onMessage.IsNull())
            {
                m_onMessage(this, header, payload);
            }
        }
        if (m_framer.HasError())
        {
            NS_LOG_WARN("malformed stream: " << m_framer.GetError());
            End("malformed: " + m_framer.GetError());
            return;
        }
    }
}

void
LlmConnection::HandleSendSpace(Ptr<Socket>, uint32_t)
{
    Ptr<LlmConnection> keepAlive(this);
    Flush();
}

void
LlmConnection::HandleNormalClose(Ptr<Socket>)
{
    Ptr<LlmConnection> keepAlive(this);
    End("closed");
}

void
LlmConnection::HandleErrorClose(Ptr<Socket>)
{
    Ptr<LlmConnection> keepAlive(this);
    End("error");
}

void
LlmConnection::End(const std::string& reason)
{
    if (!m_open)
    {
        return;
    }
    EndCallback onEnd = m_onEnd;
    // Release first: with unread bytes TCP's Close() resets the connection and reports the
    // error close at once, which re-entered End() without end (a stack overflow).
    Release();
    m_socket->Close();
    if (!onEnd.IsNull())
    {
        onEnd(this, reason);
    }
}

void
LlmConnection::ReleaseAtDestroy()
{
    Ptr<LlmConnection> keepAlive(this); // the socket's callbacks may hold the last reference
    m_releaseAtDestroy = EventId();
    if (m_open)
    {
        Release();
    }
}

void
LlmConnection::Release()
{
    if (m_releaseAtDestroy.PeekEventImpl() != nullptr)
    {
        Simulator::Remove(m_releaseAtDestroy);
        m_releaseAtDestroy = EventId();
    }
    m_open = false;
    // Break the socket -> callback -> this cycle.
    m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    m_socket->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
    m_socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                MakeNullCallback<void, Ptr<Socket>>());
    m_onMessage = MakeNullCallback<void, Ptr<LlmConnection>, const LlmHeader&, Ptr<Packet>>();
    m_onEnd = MakeNullCallback<void, Ptr<LlmConnection>, const std::string&>();
}

} // namespace ns3
