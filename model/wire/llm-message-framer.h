/*
 * LlmMessageFramer: cuts a TCP byte stream back into edge-llm messages.
 */
#ifndef EDGE_LLM_LLM_MESSAGE_FRAMER_H
#define EDGE_LLM_LLM_MESSAGE_FRAMER_H

#include "llm-header.h"

#include "ns3/packet.h"
#include "ns3/ptr.h"

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

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
 *
 * Only headers are read: Push() keeps a header's bytes until all are in (32, or 44 for a
 * split message, known from the type byte), then counts the
 * payload's bytes without keeping them (payloads are zero-filled sizes), so each segment costs
 * time in its own size, never in the message's. Pop() hands out a fresh zero-filled payload
 * of the header's length.
 */
class LlmMessageFramer
{
  public:
    /// Takes received bytes.
    void Push(Ptr<const Packet> bytes);
    /// Takes the next complete message, if any. Returns false when none is complete or on error.
    bool Pop(LlmHeader& header, Ptr<Packet>& payload);

    bool HasError() const;
    const std::string& GetError() const;
    /// Bytes pushed and not yet popped as part of a message.
    uint64_t GetBufferedBytes() const;

    /// A message ready to send: header followed by a zero-filled payload of its length.
    static Ptr<Packet> Frame(const LlmHeader& header);

  private:
    /// Reads the header from its 32 bytes; on a malformed one, remembers why.
    void DecodeHeader();

    std::deque<LlmHeader> m_complete;                                  //!< whole, not yet popped
    std::array<uint8_t, LlmHeader::MAX_SERIALIZED_SIZE> m_headBytes{}; //!< the header so far
    uint32_t m_headFill{0};                          //!< bytes of m_headBytes received
    uint32_t m_headSize{LlmHeader::SERIALIZED_SIZE}; //!< the current header's size, by type
    LlmHeader m_current;       //!< the current message's header, once all of it is in
    uint32_t m_payloadFill{0}; //!< payload bytes of the current message received
    uint64_t m_buffered{0};
    std::vector<uint8_t> m_segment; //!< a segment's bytes, copied when it holds header bytes
    /// A malformed header read by Push(); reported once the messages before it are popped.
    std::string m_malformed;
    std::string m_error;
};

} // namespace ns3

#endif // EDGE_LLM_LLM_MESSAGE_FRAMER_H
