#include "llm-message-framer.h"

namespace ns3
{

void
LlmMessageFramer::Push(Ptr<const Packet> bytes)
{
    if (m_error.empty())
    {
        m_buffer->AddAtEnd(bytes);
    }
}

bool
LlmMessageFramer::Pop(LlmHeader& header, Ptr<Packet>& payload)
{
    if (!m_error.empty() || m_buffer->GetSize() < LlmHeader::SERIALIZED_SIZE)
    {
        return false;
    }
    LlmHeader peeked;
    m_buffer->PeekHeader(peeked);
    m_error = peeked.Validate();
    if (!m_error.empty())
    {
        return false;
    }
    const uint32_t total = LlmHeader::SERIALIZED_SIZE + peeked.m_payloadBytes;
    if (m_buffer->GetSize() < total)
    {
        return false;
    }
    m_buffer->RemoveHeader(header);
    payload = m_buffer->CreateFragment(0, header.m_payloadBytes);
    m_buffer->RemoveAtStart(header.m_payloadBytes);
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

uint32_t
LlmMessageFramer::GetBufferedBytes() const
{
    return m_buffer->GetSize();
}

Ptr<Packet>
LlmMessageFramer::Frame(const LlmHeader& header)
{
    Ptr<Packet> packet = Create<Packet>(header.m_payloadBytes);
    packet->AddHeader(header);
    return packet;
}

} // namespace ns3
