/*
 * LlmMessageFramer: messages cut back out of a TCP byte stream, however it was segmented.
 */

#include "ns3/llm-message-framer.h"
#include "ns3/packet.h"

#include <gtest/gtest.h>
#include <vector>

using namespace ns3;

namespace
{

LlmHeader
Message(uint64_t id, uint32_t payload)
{
    LlmHeader h;
    h.m_type = LlmHeader::FIRST_CHUNK;
    h.m_requestId = id;
    h.m_origin = static_cast<uint32_t>(id * 7);
    h.m_promptTokens = static_cast<uint32_t>(id + 10);
    h.m_outputTokens = static_cast<uint32_t>(id + 20);
    h.m_payloadBytes = payload;
    return h;
}

/// A split step (44-byte header) with every extension field set.
LlmHeader
SplitMessage(uint64_t id, uint32_t payload)
{
    LlmHeader h = Message(id, payload);
    h.m_type = LlmHeader::SPLIT_HIDDEN;
    h.m_step = static_cast<uint32_t>(id + 3);
    h.m_firstUnit = static_cast<uint16_t>(id);
    h.m_lastUnit = static_cast<uint16_t>(id + 5);
    h.m_residenceMicros = static_cast<uint32_t>(id * 1000);
    return h;
}

/// The framed bytes of `messages`, back to back, as one packet.
Ptr<Packet>
Stream(const std::vector<LlmHeader>& messages)
{
    Ptr<Packet> stream = Create<Packet>();
    for (const auto& m : messages)
    {
        stream->AddAtEnd(LlmMessageFramer::Frame(m));
    }
    return stream;
}

struct Popped
{
    LlmHeader header;
    uint32_t payloadSize;
};

/// Pops every complete message.
void
Drain(LlmMessageFramer& framer, std::vector<Popped>& out)
{
    LlmHeader header;
    Ptr<Packet> payload;
    while (framer.Pop(header, payload))
    {
        ASSERT_TRUE(payload);
        out.push_back({header, payload->GetSize()});
    }
}

void
ExpectSame(const std::vector<LlmHeader>& sent, const std::vector<Popped>& got)
{
    ASSERT_EQ(got.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i)
    {
        EXPECT_EQ(got[i].header.m_requestId, sent[i].m_requestId) << "message " << i;
        EXPECT_EQ(got[i].header.m_origin, sent[i].m_origin);
        EXPECT_EQ(got[i].header.m_promptTokens, sent[i].m_promptTokens);
        EXPECT_EQ(got[i].header.m_outputTokens, sent[i].m_outputTokens);
        EXPECT_EQ(got[i].header.m_payloadBytes, sent[i].m_payloadBytes);
        EXPECT_EQ(got[i].header.m_type, sent[i].m_type);
        EXPECT_EQ(got[i].header.m_step, sent[i].m_step);
        EXPECT_EQ(got[i].header.m_firstUnit, sent[i].m_firstUnit);
        EXPECT_EQ(got[i].header.m_lastUnit, sent[i].m_lastUnit);
        EXPECT_EQ(got[i].header.m_residenceMicros, sent[i].m_residenceMicros);
        EXPECT_EQ(got[i].payloadSize, sent[i].m_payloadBytes) << "message " << i;
    }
}

// Payloads of 0, 1, less than a header, more than a header, and large; split steps (longer
// headers) among them.
const std::vector<LlmHeader> g_messages = {Message(1, 0),
                                           SplitMessage(2, 1),
                                           Message(3, 31),
                                           SplitMessage(4, 0),
                                           Message(4, 33),
                                           Message(5, 0),
                                           SplitMessage(6, 45),
                                           Message(6, 1000)};

} // namespace

TEST(LlmMessageFramer, FrameIsHeaderPlusPayload)
{
    Ptr<Packet> framed = LlmMessageFramer::Frame(Message(9, 77));
    EXPECT_EQ(framed->GetSize(), LlmHeader::SERIALIZED_SIZE + 77);
    LlmHeader h;
    framed->RemoveHeader(h);
    EXPECT_EQ(h.m_requestId, 9u);
    EXPECT_EQ(framed->GetSize(), 77u);
    // A split step carries 12 more header bytes.
    Ptr<Packet> split = LlmMessageFramer::Frame(SplitMessage(9, 77));
    EXPECT_EQ(split->GetSize(), LlmHeader::MAX_SERIALIZED_SIZE + 77);
    EXPECT_EQ(split->RemoveHeader(h), 44u);
    EXPECT_EQ(h.m_step, 12u);
    EXPECT_EQ(h.m_lastUnit, 14u);
}

TEST(LlmMessageFramer, OneByteSegments)
{
    Ptr<Packet> stream = Stream(g_messages);
    LlmMessageFramer framer;
    std::vector<Popped> got;
    for (uint32_t i = 0; i < stream->GetSize(); ++i)
    {
        framer.Push(stream->CreateFragment(i, 1));
        Drain(framer, got);
        EXPECT_FALSE(framer.HasError()) << "after byte " << i;
    }
    ExpectSame(g_messages, got);
    EXPECT_EQ(framer.GetBufferedBytes(), 0u);
}

TEST(LlmMessageFramer, SplitAtEveryBoundary)
{
    // Two segments, cut at each byte: covers a split header, a split payload and a message's
    // tail arriving with the next one's head.
    Ptr<Packet> stream = Stream(g_messages);
    const uint32_t size = stream->GetSize();
    for (uint32_t cut = 0; cut <= size; ++cut)
    {
        LlmMessageFramer framer;
        std::vector<Popped> got;
        framer.Push(stream->CreateFragment(0, cut));
        Drain(framer, got);
        framer.Push(stream->CreateFragment(cut, size - cut));
        Drain(framer, got);
        ExpectSame(g_messages, got);
        EXPECT_EQ(framer.GetBufferedBytes(), 0u) << "cut at " << cut;
        if (HasFailure())
        {
            FAIL() << "first failure with the cut at byte " << cut;
        }
    }
}

TEST(LlmMessageFramer, SeveralMessagesInOneSegment)
{
    LlmMessageFramer framer;
    framer.Push(Stream(g_messages));
    std::vector<Popped> got;
    Drain(framer, got);
    ExpectSame(g_messages, got);
}

TEST(LlmMessageFramer, SegmentsOfEverySizeOverALongStream)
{
    // A stream as TCP would cut it: long messages over many segments, many short ones in one
    // segment, split steps among them; segment sizes from 1 byte to more than an MSS. Each
    // message must come out once, whole, as soon as its last byte is in.
    std::vector<LlmHeader> sent;
    for (uint64_t id = 1; id <= 60; ++id)
    {
        const uint32_t payload =
            id % 5 == 0 ? 50000 + 7 * static_cast<uint32_t>(id) : static_cast<uint32_t>(id % 7);
        sent.push_back(id % 3 == 0 ? SplitMessage(id, payload) : Message(id, payload));
    }
    Ptr<Packet> stream = Stream(sent);
    const uint32_t size = stream->GetSize();
    for (const uint32_t segment : {1u, 3u, 31u, 45u, 536u, 1448u, 9000u})
    {
        SCOPED_TRACE("segments of " + std::to_string(segment) + " bytes");
        LlmMessageFramer framer;
        std::vector<Popped> got;
        uint64_t ended = 0; // bytes of the messages complete so far
        size_t next = 0;    // the next message to complete
        for (uint32_t at = 0; at < size; at += segment)
        {
            framer.Push(stream->CreateFragment(at, std::min(segment, size - at)));
            Drain(framer, got);
            const uint64_t in = std::min<uint64_t>(at + segment, size);
            while (next < sent.size() &&
                   ended + sent[next].GetSerializedSize() + sent[next].m_payloadBytes <= in)
            {
                ended += sent[next].GetSerializedSize() + sent[next].m_payloadBytes;
                ++next;
            }
            ASSERT_EQ(got.size(), next) << "after " << in << " bytes";
            EXPECT_EQ(framer.GetBufferedBytes(), in - ended);
        }
        ExpectSame(sent, got);
        EXPECT_FALSE(framer.HasError());
    }
}

TEST(LlmMessageFramer, TailPlusHeadTogether)
{
    const std::vector<LlmHeader> messages = {Message(1, 100), Message(2, 50)};
    Ptr<Packet> stream = Stream(messages);
    LlmMessageFramer framer;
    std::vector<Popped> got;
    // The first header and half its payload...
    framer.Push(stream->CreateFragment(0, 32 + 50));
    Drain(framer, got);
    EXPECT_TRUE(got.empty());
    EXPECT_EQ(framer.GetBufferedBytes(), 82u);
    // ...then its last 50 bytes together with the next message's first 10.
    framer.Push(stream->CreateFragment(82, 60));
    Drain(framer, got);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(framer.GetBufferedBytes(), 10u);
    framer.Push(stream->CreateFragment(142, stream->GetSize() - 142));
    Drain(framer, got);
    ExpectSame(messages, got);
}

TEST(LlmMessageFramer, IncompleteMessageWaits)
{
    LlmMessageFramer framer;
    Ptr<Packet> stream = Stream({Message(1, 10)});
    framer.Push(stream->CreateFragment(0, 31));
    LlmHeader h;
    Ptr<Packet> payload;
    EXPECT_FALSE(framer.Pop(h, payload));
    framer.Push(stream->CreateFragment(31, 10)); // header complete, payload 1 byte short
    EXPECT_FALSE(framer.Pop(h, payload));
    EXPECT_FALSE(framer.HasError());
    framer.Push(stream->CreateFragment(41, 1));
    EXPECT_TRUE(framer.Pop(h, payload));
    EXPECT_EQ(payload->GetSize(), 10u);
}

TEST(LlmMessageFramer, MalformedHeaderIsFatal)
{
    LlmHeader bad = Message(2, 4);
    bad.m_magic = 0xBAD0;
    LlmMessageFramer framer;
    // A good message, then a bad one, then another good one.
    framer.Push(Stream({Message(1, 4), bad, Message(3, 4)}));
    LlmHeader h;
    Ptr<Packet> payload;
    ASSERT_TRUE(framer.Pop(h, payload));
    EXPECT_EQ(h.m_requestId, 1u);
    EXPECT_FALSE(framer.Pop(h, payload));
    EXPECT_TRUE(framer.HasError());
    EXPECT_NE(framer.GetError().find("magic"), std::string::npos) << framer.GetError();
    // The stream is unusable: nothing more comes out, whatever arrives.
    EXPECT_FALSE(framer.Pop(h, payload));
    framer.Push(Stream({Message(4, 0)}));
    EXPECT_FALSE(framer.Pop(h, payload));
    EXPECT_TRUE(framer.HasError());
}

TEST(LlmMessageFramer, OversizedPayloadIsMalformed)
{
    // A length beyond the maximum must be refused at the header, not waited for.
    LlmHeader huge = Message(1, 0);
    huge.m_payloadBytes = LlmHeader::MAX_PAYLOAD + 1;
    Ptr<Packet> header = Create<Packet>();
    header->AddHeader(huge);
    LlmMessageFramer framer;
    framer.Push(header);
    LlmHeader h;
    Ptr<Packet> payload;
    EXPECT_FALSE(framer.Pop(h, payload));
    EXPECT_TRUE(framer.HasError());
    EXPECT_NE(framer.GetError().find("payload"), std::string::npos) << framer.GetError();
}

TEST(LlmMessageFramer, BadTypeIsMalformed)
{
    LlmHeader bad = Message(1, 0);
    bad.m_type = 0;
    LlmMessageFramer framer;
    framer.Push(Stream({bad}));
    LlmHeader h;
    Ptr<Packet> payload;
    EXPECT_FALSE(framer.Pop(h, payload));
    EXPECT_TRUE(framer.HasError());
}
