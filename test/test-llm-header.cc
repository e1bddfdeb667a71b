/*
 * LlmHeader: the wire format of every edge-llm message.
 */

#include "ns3/llm-header.h"
#include "ns3/packet.h"

#include <gtest/gtest.h>
#include <vector>

using namespace ns3;

namespace
{

/// A header with every field set to a value distinct from its default and its neighbours.
LlmHeader
FullHeader()
{
    LlmHeader h;
    h.m_type = LlmHeader::ERROR;
    h.m_reason = LlmHeader::CONTEXT_TOO_LONG;
    h.m_layer = 0xBEEF;
    h.m_requestId = 0x0123456789ABCDEFULL;
    h.m_origin = 0xCAFEF00D;
    h.m_promptTokens = 123456;
    h.m_outputTokens = 654321;
    h.m_payloadBytes = LlmHeader::MAX_PAYLOAD;
    return h;
}

LlmHeader
RoundTrip(const LlmHeader& in)
{
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(in);
    LlmHeader out;
    EXPECT_EQ(packet->RemoveHeader(out), in.GetSerializedSize());
    EXPECT_EQ(packet->GetSize(), 0u);
    return out;
}

/// Serialises `h` and returns its bytes.
std::vector<uint8_t>
Bytes(const LlmHeader& h)
{
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(h);
    std::vector<uint8_t> bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    return bytes;
}

} // namespace

TEST(LlmHeader, SerializedSizeIs32)
{
    LlmHeader h;
    EXPECT_EQ(LlmHeader::SERIALIZED_SIZE, 32u);
    EXPECT_EQ(h.GetSerializedSize(), 32u);
    Ptr<Packet> packet = Create<Packet>(100);
    packet->AddHeader(FullHeader());
    EXPECT_EQ(packet->GetSize(), 132u);
}

TEST(LlmHeader, DefaultsAreAValidRequest)
{
    LlmHeader h;
    EXPECT_EQ(h.m_magic, LlmHeader::MAGIC);
    EXPECT_EQ(h.m_version, LlmHeader::VERSION);
    EXPECT_EQ(h.m_type, LlmHeader::REQUEST);
    EXPECT_EQ(h.m_reason, LlmHeader::NONE);
    EXPECT_EQ(h.Validate(), "");
}

TEST(LlmHeader, RoundTripPreservesEveryField)
{
    const LlmHeader in = FullHeader();
    ASSERT_EQ(in.Validate(), "");
    const LlmHeader out = RoundTrip(in);
    EXPECT_EQ(out.m_magic, in.m_magic);
    EXPECT_EQ(out.m_version, in.m_version);
    EXPECT_EQ(out.m_type, in.m_type);
    EXPECT_EQ(out.m_reason, in.m_reason);
    EXPECT_EQ(out.m_layer, in.m_layer);
    EXPECT_EQ(out.m_requestId, in.m_requestId);
    EXPECT_EQ(out.m_origin, in.m_origin);
    EXPECT_EQ(out.m_promptTokens, in.m_promptTokens);
    EXPECT_EQ(out.m_outputTokens, in.m_outputTokens);
    EXPECT_EQ(out.m_payloadBytes, in.m_payloadBytes);
    EXPECT_EQ(out.Validate(), "");
}

TEST(LlmHeader, RoundTripOfEveryTypeAndReason)
{
    for (uint8_t type = LlmHeader::REQUEST; type <= LlmHeader::LAST_TYPE; ++type)
    {
        for (uint8_t reason = LlmHeader::NONE; reason <= LlmHeader::LAST_REASON; ++reason)
        {
            LlmHeader in;
            in.m_type = type;
            in.m_reason = reason;
            in.m_requestId = type * 100 + reason;
            const LlmHeader out = RoundTrip(in);
            EXPECT_EQ(out.m_type, type);
            EXPECT_EQ(out.m_reason, reason);
            EXPECT_EQ(out.m_requestId, in.m_requestId);
            EXPECT_EQ(out.Validate(), "") << "type " << int(type) << " reason " << int(reason);
        }
    }
}

TEST(LlmHeader, SplitStepsCarryTheirExtensionInNetworkOrder)
{
    LlmHeader in;
    in.m_type = LlmHeader::SPLIT_HIDDEN;
    in.m_requestId = 42;
    in.m_step = 0x01020304;
    in.m_firstUnit = 0x0506;
    in.m_lastUnit = 0x0708;
    in.m_residenceMicros = 0x090A0B0C;
    const std::vector<uint8_t> b = Bytes(in);
    ASSERT_EQ(b.size(), 44u);
    EXPECT_EQ(in.GetSerializedSize(), 44u);
    const std::vector<uint8_t> extension(b.begin() + 32, b.end());
    EXPECT_EQ(extension, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
    const LlmHeader out = RoundTrip(in);
    EXPECT_EQ(out.m_step, in.m_step);
    EXPECT_EQ(out.m_firstUnit, in.m_firstUnit);
    EXPECT_EQ(out.m_lastUnit, in.m_lastUnit);
    EXPECT_EQ(out.m_residenceMicros, in.m_residenceMicros);
    EXPECT_EQ(out.Validate(), "");
    // Units must be a range.
    in.m_firstUnit = 9;
    in.m_lastUnit = 3;
    EXPECT_NE(in.Validate().find("units 9-3"), std::string::npos) << in.Validate();
}

TEST(LlmHeader, FieldsAreInNetworkOrder)
{
    const std::vector<uint8_t> b = Bytes(FullHeader());
    ASSERT_EQ(b.size(), 32u);
    EXPECT_EQ(b[0], 0xED); // magic, big-endian
    EXPECT_EQ(b[1], 0x11);
    EXPECT_EQ(b[2], LlmHeader::VERSION);
    EXPECT_EQ(b[3], LlmHeader::ERROR);
    EXPECT_EQ(b[4], LlmHeader::CONTEXT_TOO_LONG);
    EXPECT_EQ(b[5], 0); // reserved
    EXPECT_EQ(b[6], 0xBE);
    EXPECT_EQ(b[7], 0xEF);
    EXPECT_EQ(b[8], 0x01); // request id, most significant byte first
    EXPECT_EQ(b[15], 0xEF);
    EXPECT_EQ(b[16], 0xCA); // origin
    EXPECT_EQ(b[19], 0x0D);
}

TEST(LlmHeader, ValidateRejectsBadMagic)
{
    LlmHeader h;
    h.m_magic = 0x1234;
    EXPECT_NE(h.Validate().find("magic"), std::string::npos) << h.Validate();
    // Also after a trip through the wire: the receiver sees what was sent.
    EXPECT_NE(RoundTrip(h).Validate(), "");
}

TEST(LlmHeader, ValidateRejectsBadVersion)
{
    LlmHeader h;
    h.m_version = LlmHeader::VERSION + 1;
    EXPECT_NE(h.Validate().find("version"), std::string::npos) << h.Validate();
    h.m_version = 0;
    EXPECT_NE(h.Validate(), "");
}

TEST(LlmHeader, ValidateRejectsBadType)
{
    LlmHeader h;
    h.m_type = 0;
    EXPECT_NE(h.Validate().find("type"), std::string::npos) << h.Validate();
    h.m_type = LlmHeader::LAST_TYPE + 1;
    EXPECT_NE(h.Validate().find("type"), std::string::npos) << h.Validate();
    h.m_type = 255;
    EXPECT_NE(RoundTrip(h).Validate(), "");
}

TEST(LlmHeader, ValidateRejectsBadReason)
{
    LlmHeader h;
    h.m_type = LlmHeader::ERROR;
    h.m_reason = LlmHeader::LAST_REASON + 1;
    EXPECT_NE(h.Validate().find("reason"), std::string::npos) << h.Validate();
    h.m_reason = 255;
    EXPECT_NE(RoundTrip(h).Validate(), "");
}

TEST(LlmHeader, ValidateRejectsPayloadAboveMaximum)
{
    LlmHeader h;
    h.m_payloadBytes = LlmHeader::MAX_PAYLOAD;
    EXPECT_EQ(h.Validate(), "");
    h.m_payloadBytes = LlmHeader::MAX_PAYLOAD + 1;
    EXPECT_NE(h.Validate().find("payload"), std::string::npos) << h.Validate();
    h.m_payloadBytes = 0xFFFFFFFF;
    EXPECT_NE(RoundTrip(h).Validate(), "");
}

// Found by fuzzing (fuzz/fuzz-llm-header.cc): a header read from fewer than its 32 (or 44)
// bytes read past the buffer, which Debian's ns-3 does not check.
TEST(LlmHeader, ShortBytesAreRejectedNotOverread)
{
    LlmHeader split;
    split.m_type = LlmHeader::SPLIT_HIDDEN;
    for (const LlmHeader& in : {LlmHeader(), split})
    {
        const std::vector<uint8_t> full = Bytes(in);
        for (size_t size = 0; size < full.size(); ++size)
        {
            Ptr<Packet> packet = Create<Packet>(full.data(), size);
            LlmHeader out;
            EXPECT_EQ(packet->RemoveHeader(out), 0u) << size << " bytes";
            EXPECT_EQ(packet->GetSize(), size);
            EXPECT_NE(out.Validate().find("truncated"), std::string::npos)
                << size << " bytes: '" << out.Validate() << "'";
        }
        // A header read in full after a truncated one is whole again.
        Ptr<Packet> packet = Create<Packet>(full.data(), full.size());
        LlmHeader out;
        out.m_truncated = true;
        EXPECT_EQ(packet->RemoveHeader(out), full.size());
        EXPECT_EQ(out.Validate(), "");
    }
}

TEST(LlmHeader, ReasonNamesRoundTrip)
{
    for (uint8_t r = LlmHeader::NONE; r <= LlmHeader::SERVER_ERROR; ++r)
    {
        EXPECT_EQ(LlmHeader::ReasonFromName(LlmHeader::ReasonName(r)), r);
    }
    // The engine's drop reasons map onto the wire ones.
    EXPECT_EQ(LlmHeader::ReasonFromName("queue-full"), LlmHeader::QUEUE_FULL);
    EXPECT_EQ(LlmHeader::ReasonFromName("context-too-long"), LlmHeader::CONTEXT_TOO_LONG);
    EXPECT_EQ(LlmHeader::ReasonFromName("empty-job"), LlmHeader::EMPTY_JOB);
    EXPECT_EQ(LlmHeader::ReasonFromName("something-else"), LlmHeader::SERVER_ERROR);
    EXPECT_EQ(LlmHeader::TypeName(LlmHeader::FIRST_CHUNK), "first-chunk");
    EXPECT_NE(LlmHeader::TypeName(99).find("99"), std::string::npos);
}
