/*
 * LlmMessageFramer: cuts a TCP byte stream back into edge-llm messages.
 */
#ifndef EDGE_LLM_LLM_MESSAGE_FRAMER_H
#define EDGE_LLM_LLM_MESSAGE_FRAMER_H

#include "llm-header.h"

#include "ns3/packet.h"
#include "ns3/ptr.h"

#include <string>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Reassembles messages (LlmHeader + payload) from segments of any size.
 *
 * TCP delivers bytes, not messages: a segment may hold part of a header, several messages,
 * or a message's tail and the next one's head. Push() what a socket delivered, then Pop()
 * until it returns false. A malformed header makes the stream unusable (HasError()): the
 * caller closes the connection.
 */
class LlmMessageFramer
{
  public:
    /// Appends received bytes.
    void Push(Ptr<const Packet> bytes);
    /// Takes the next complete message, if any. Returns false when none is complete or on error.
    bool Pop(LlmHeader& header, Ptr<Packet>& payload);

    bool HasError() const;
    const std::string& GetError() const;
    uint32_t GetBufferedBytes() const;

    /// A message ready to send: header followed by a zero-filled payload of its length.
    static Ptr<Packet> Frame(const LlmHeader& header);

  private:
    Ptr<Packet> m_buffer{Create<Packet>()};
    std::string m_error;
};

} // namespace ns3

#endif // EDGE_LLM_LLM_MESSAGE_FRAMER_H
