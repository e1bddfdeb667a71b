#include "llm-message-framer.h"

#include "ns3/buffer.h"

#include <algorithm>
#include <cstring>

namespace ns3
{

void
LlmMessageFramer::Push(Ptr<const Packet> bytes)
{
    if (!m_error.empty())
    {
        return;
    }
    const uint32_t size = bytes->GetSize();
    m_buffered += size;
    uint32_t offset = 0;
    bool copied = false;
    // After a malformed header nothing more is read: the stream is unusable.
    while (offset < size && m_malformed.empty())
    {
        if (m_headFill < m_headSize)
        {
            if (!copied)
            {
                // Packet copies only from its start; a segment is at most one MSS.
                m_segment.resize(size);
                bytes->CopyData(m_segment.data(), size);
                copied = true;
            }
            const uint32_t take = std::min(m_headSize - m_headFill, size - offset);
            std::memcpy(m_headBytes.data() + m_headFill, m_segment.data() + offset, take);
            m_headFill += take;
            offset += take;
            if (m_headFill == LlmHeader::SERIALIZED_SIZE)
            {
                // The type byte says whether an extension follows the fixed part.
                m_headSize = LlmHeader::SerializedSizeOf(m_headBytes[3]);
            }
            if (m_headFill < m_headSize)
            {
                continue;
            }
            DecodeHeader();
            if (!m_malformed.empty())
            {
                return;
            }
        }
        const uint32_t take = std::min(m_current.m_payloadBytes - m_payloadFill, size - offset);
        m_payloadFill += take;
        offset += take;
        if (m_payloadFill == m_current.m_payloadBytes)
        {
            m_complete.push_back(m_current);
            m_headFill = 0;
            m_headSize = LlmHeader::SERIALIZED_SIZE;
            m_payloadFill = 0;
        }
    }
}

void
LlmMessageFramer::DecodeHeader()
{
    Buffer buffer;
    buffer.AddAtStart(m_headSize);
    buffer.Begin().Write(m_headBytes.data(), m_headSize);
    m_current.Deserialize(buffer.Begin());
    m_malformed = m_current.Validate();
}

bool
LlmMessageFramer::Pop(LlmHeader& header, Ptr<Packet>& payload)
{
    if (!m_error.empty())
    {
        return false;
    }
    if (m_complete.empty())
    {
        m_error = m_malformed;
        return false;
    }
    header = m_complete.front();
    m_complete.pop_front();
    m_buffered -= header.GetSerializedSize() + header.m_payloadBytes;
    payload = Create<Packet>(header.m_payloadBytes);
    return true;
}

bool
LlmMessageFramer::HasError() const
{
    return !m_error.empty();
}

const std::string&
LlmMessageFramer::GetError() const
{
    return m_error;
}

uint64_t
LlmMessageFramer::GetBufferedBytes() const
{
    return m_buffered;
}

Ptr<Packet>
LlmMessageFramer::Frame(const LlmHeader& header)
{
    Ptr<Packet> packet = Create<Packet>(header.m_payloadBytes);
    packet->AddHeader(header);
    return packet;
}

} // namespace ns3
