/*
 * Fuzz target: LlmMessageFramer cutting a TCP byte stream into messages, fed in segments as
 * LlmConnection feeds it (Push a segment, Pop until false, stop on HasError).
 *
 * Input: the first byte picks the segment sizes (1 to 64 bytes, varying), the rest is the
 * stream. Properties: the framer gives the messages, and the error, that reading the whole
 * stream at once gives, however it is cut; every message popped validates and has a payload
 * of its length; its buffered-byte count is what was pushed and not popped.
 */

#include "fuzz-check.h"

#include "ns3/buffer.h"
#include "ns3/llm-message-framer.h"
#include "ns3/packet.h"

#include <algorithm>
#include <vector>

using namespace ns3;

namespace
{

/// The messages of the whole stream read at once, and whether a malformed header follows.
struct Reading
{
    std::vector<LlmHeader> messages;
    bool malformed{false};
};

Reading
ReadWhole(const uint8_t* data, size_t size)
{
    Reading reading;
    size_t offset = 0;
    while (size - offset >= LlmHeader::SERIALIZED_SIZE)
    {
        const uint32_t headSize = LlmHeader::SerializedSizeOf(data[offset + 3]);
        if (size - offset < headSize)
        {
            break;
        }
        Buffer buffer;
        buffer.AddAtStart(headSize);
        buffer.Begin().Write(data + offset, headSize);
        LlmHeader header;
        header.Deserialize(buffer.Begin());
        if (!header.Validate().empty())
        {
            reading.malformed = true;
            break;
        }
        offset += headSize;
        if (size - offset < header.m_payloadBytes)
        {
            break;
        }
        offset += header.m_payloadBytes;
        reading.messages.push_back(header);
    }
    return reading;
}

bool
SameHeader(const LlmHeader& a, const LlmHeader& b)
{
    return a.m_magic == b.m_magic && a.m_version == b.m_version && a.m_type == b.m_type &&
           a.m_reason == b.m_reason && a.m_promptClass == b.m_promptClass &&
           a.m_layer == b.m_layer && a.m_requestId == b.m_requestId && a.m_origin == b.m_origin &&
           a.m_promptTokens == b.m_promptTokens && a.m_outputTokens == b.m_outputTokens &&
           a.m_payloadBytes == b.m_payloadBytes && a.m_step == b.m_step &&
           a.m_firstUnit == b.m_firstUnit && a.m_lastUnit == b.m_lastUnit &&
           a.m_residenceMicros == b.m_residenceMicros;
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
    {
        return 0;
    }
    const uint32_t pattern = data[0];
    const uint8_t* stream = data + 1;
    const size_t length = size - 1;
    const Reading whole = ReadWhole(stream, length);

    LlmMessageFramer framer;
    std::vector<LlmHeader> popped;
    uint64_t pushed = 0;
    uint64_t poppedBytes = 0;
    size_t offset = 0;
    for (uint32_t k = 0; offset < length && !framer.HasError(); ++k)
    {
        // Sizes 1..64 that vary from segment to segment, fixed by the first byte.
        const size_t segment = 1 + ((pattern + 1) * (k + 7) * 2654435761U >> 26) % 64;
        const size_t take = std::min(segment, length - offset);
        framer.Push(Create<Packet>(stream + offset, static_cast<uint32_t>(take)));
        offset += take;
        pushed += take;
        LlmHeader header;
        Ptr<Packet> payload;
        while (framer.Pop(header, payload))
        {
            FuzzCheck(header.Validate().empty(), "the framer popped a malformed header");
            FuzzCheck(payload && payload->GetSize() == header.m_payloadBytes,
                      "a popped payload is not the header's length");
            popped.push_back(header);
            poppedBytes += header.GetSerializedSize() + header.m_payloadBytes;
        }
        if (!framer.HasError())
        {
            FuzzCheck(framer.GetBufferedBytes() == pushed - poppedBytes,
                      "buffered bytes are not those pushed and not popped");
        }
    }
    FuzzCheck(popped.size() == whole.messages.size(),
              "the framer popped other messages than the whole stream holds");
    for (size_t i = 0; i < popped.size(); ++i)
    {
        FuzzCheck(SameHeader(popped[i], whole.messages[i]),
                  "a popped header differs from the whole stream's");
    }
    FuzzCheck(framer.HasError() == whole.malformed,
              "the framer's error differs from the whole stream's");
    FuzzCheck(!framer.HasError() || !framer.GetError().empty(), "an error without a message");
    return 0;
}
