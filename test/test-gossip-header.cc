/*
 * GossipHeader: the wire format of the gossip peer-sampling protocol, and that bytes from the
 * network can never make it read past the datagram.
 */

#include "ns3/gossip-header.h"
#include "ns3/packet.h"

#include <gtest/gtest.h>
#include <sstream>
#include <vector>

using namespace ns3;

namespace
{

GossipHeader::Entry
Entry(uint32_t node, const char* address, uint16_t age, uint16_t queue)
{
    GossipHeader::Entry e;
    e.node = node;
    e.address = Ipv4Address(address);
    e.age = age;
    e.queueLength = queue;
    return e;
}

/// A reply with every field set to a value distinct from its default and its neighbours.
GossipHeader
FullHeader()
{
    GossipHeader h;
    h.m_type = GossipHeader::SHUFFLE_REPLY;
    h.m_sender = 0xCAFEF00D;
    h.m_sequence = 0x01234567;
    h.m_entries = {Entry(7, "10.0.0.8", 0, 3), Entry(0xFFFFFFFE, "192.168.1.20", 65535, 65535)};
    return h;
}

Ptr<Packet>
ToPacket(const GossipHeader& h)
{
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(h);
    return packet;
}

std::vector<uint8_t>
Bytes(const GossipHeader& h)
{
    Ptr<Packet> packet = ToPacket(h);
    std::vector<uint8_t> bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    return bytes;
}

/// What a receiver makes of `bytes`: the header read and how many bytes it read.
GossipHeader
Read(const std::vector<uint8_t>& bytes, uint32_t* read = nullptr)
{
    Ptr<Packet> packet = Create<Packet>(bytes.data(), bytes.size());
    GossipHeader h;
    const uint32_t n = packet->PeekHeader(h);
    EXPECT_LE(n, bytes.size());
    if (read)
    {
        *read = n;
    }
    return h;
}

} // namespace

TEST(GossipHeader, SizeIsFixedPartPlusEntries)
{
    GossipHeader h;
    EXPECT_EQ(h.GetSerializedSize(), 14u);
    h = FullHeader();
    EXPECT_EQ(h.GetSerializedSize(), 14u + 2 * 12u);
    EXPECT_EQ(ToPacket(h)->GetSize(), 38u);
}

TEST(GossipHeader, DefaultsAreAValidEmptyRequest)
{
    GossipHeader h;
    EXPECT_EQ(h.m_magic, GossipHeader::MAGIC);
    EXPECT_EQ(h.m_version, GossipHeader::VERSION);
    EXPECT_EQ(h.m_type, GossipHeader::SHUFFLE_REQUEST);
    EXPECT_TRUE(h.m_entries.empty());
    EXPECT_EQ(h.Validate(), "");
}

TEST(GossipHeader, RoundTripPreservesEveryField)
{
    const GossipHeader in = FullHeader();
    ASSERT_EQ(in.Validate(), "");
    Ptr<Packet> packet = ToPacket(in);
    GossipHeader out;
    EXPECT_EQ(packet->RemoveHeader(out), in.GetSerializedSize());
    EXPECT_EQ(packet->GetSize(), 0u);
    EXPECT_EQ(out.Validate(), "");
    EXPECT_EQ(out.m_magic, in.m_magic);
    EXPECT_EQ(out.m_version, in.m_version);
    EXPECT_EQ(out.m_type, in.m_type);
    EXPECT_EQ(out.m_sender, in.m_sender);
    EXPECT_EQ(out.m_sequence, in.m_sequence);
    ASSERT_EQ(out.m_entries.size(), in.m_entries.size());
    for (size_t i = 0; i < in.m_entries.size(); ++i)
    {
        EXPECT_EQ(out.m_entries[i].node, in.m_entries[i].node);
        EXPECT_EQ(out.m_entries[i].address, in.m_entries[i].address);
        EXPECT_EQ(out.m_entries[i].age, in.m_entries[i].age);
        EXPECT_EQ(out.m_entries[i].queueLength, in.m_entries[i].queueLength);
    }
}

TEST(GossipHeader, RoundTripOfMaxEntries)
{
    GossipHeader in;
    for (uint32_t i = 0; i < GossipHeader::MAX_ENTRIES; ++i)
    {
        in.m_entries.push_back(Entry(i, "10.0.0.1", static_cast<uint16_t>(i), 0));
        in.m_entries.back().address = Ipv4Address(0x0A000001 + i);
    }
    EXPECT_EQ(in.Validate(), "");
    const GossipHeader out = Read(Bytes(in));
    EXPECT_EQ(out.Validate(), "");
    ASSERT_EQ(out.m_entries.size(), GossipHeader::MAX_ENTRIES);
    EXPECT_EQ(out.m_entries.back().node, GossipHeader::MAX_ENTRIES - 1u);
    EXPECT_EQ(out.m_entries.back().address, Ipv4Address(0x0A000001 + 63));
}

TEST(GossipHeader, FieldsAreInNetworkOrder)
{
    const std::vector<uint8_t> b = Bytes(FullHeader());
    ASSERT_EQ(b.size(), 38u);
    EXPECT_EQ(b[0], 0xED); // magic, big-endian
    EXPECT_EQ(b[1], 0x12);
    EXPECT_EQ(b[2], GossipHeader::VERSION);
    EXPECT_EQ(b[3], GossipHeader::SHUFFLE_REPLY);
    EXPECT_EQ(b[4], 0xCA); // sender
    EXPECT_EQ(b[7], 0x0D);
    EXPECT_EQ(b[8], 0x01); // sequence
    EXPECT_EQ(b[11], 0x67);
    EXPECT_EQ(b[12], 0x00); // entry count
    EXPECT_EQ(b[13], 0x02);
    EXPECT_EQ(b[17], 7);  // first entry: node 7
    EXPECT_EQ(b[18], 10); // 10.0.0.8
    EXPECT_EQ(b[21], 8);
    EXPECT_EQ(b[23], 0); // age 0
    EXPECT_EQ(b[25], 3); // queue length 3
}

TEST(GossipHeader, ValidateRejectsBadMagicVersionAndType)
{
    GossipHeader h;
    h.m_magic = 0xED11; // an LlmHeader
    EXPECT_NE(h.Validate().find("magic"), std::string::npos) << h.Validate();
    EXPECT_NE(Read(Bytes(h)).Validate().find("magic"), std::string::npos);

    h = GossipHeader();
    h.m_version = GossipHeader::VERSION + 1;
    EXPECT_NE(h.Validate().find("version"), std::string::npos) << h.Validate();
    EXPECT_NE(Read(Bytes(h)).Validate().find("version"), std::string::npos);

    for (uint8_t type : {0, 3, 255})
    {
        h = GossipHeader();
        h.m_type = type;
        EXPECT_NE(h.Validate().find("type"), std::string::npos) << h.Validate();
        EXPECT_NE(Read(Bytes(h)).Validate().find("type"), std::string::npos);
    }
}

TEST(GossipHeader, ValidateRejectsTooManyEntries)
{
    GossipHeader h;
    h.m_entries.assign(GossipHeader::MAX_ENTRIES + 1, Entry(1, "10.0.0.2", 0, 0));
    EXPECT_NE(h.Validate().find("entry count 65"), std::string::npos) << h.Validate();

    // On the wire: a count of 65535 with no entries behind it is refused without reading on.
    std::vector<uint8_t> b = Bytes(GossipHeader());
    b[12] = 0xFF;
    b[13] = 0xFF;
    uint32_t read = 0;
    const GossipHeader out = Read(b, &read);
    EXPECT_NE(out.Validate().find("entry count 65535"), std::string::npos) << out.Validate();
    EXPECT_EQ(read, GossipHeader::FIXED_SIZE);
}

TEST(GossipHeader, ShortOrTruncatedBytesAreRejectedNotOverread)
{
    const std::vector<uint8_t> full = Bytes(FullHeader());
    for (size_t size = 0; size < full.size(); ++size)
    {
        const std::vector<uint8_t> cut(full.begin(), full.begin() + size);
        uint32_t read = 0;
        const GossipHeader h = Read(cut, &read);
        EXPECT_NE(h.Validate().find("truncated"), std::string::npos)
            << size << " bytes: '" << h.Validate() << "'";
        EXPECT_LE(read, size);
    }
    // An entry count of 2 with one entry's bytes.
    const std::vector<uint8_t> oneEntry(full.begin(), full.begin() + 14 + 12);
    EXPECT_NE(Read(oneEntry).Validate().find("2 entries announced, 1 present"), std::string::npos)
        << Read(oneEntry).Validate();
}

TEST(GossipHeader, ValidateRejectsAddressesThatAreNotUnicast)
{
    for (const char* address : {"0.0.0.0", "255.255.255.255", "224.0.0.1", "127.0.0.1"})
    {
        GossipHeader h = FullHeader();
        h.m_entries[1].address = Ipv4Address(address);
        EXPECT_NE(h.Validate().find("entry 1"), std::string::npos)
            << address << ": '" << h.Validate() << "'";
        EXPECT_NE(Read(Bytes(h)).Validate(), "") << address;
    }
}

TEST(GossipHeader, TypeNames)
{
    EXPECT_EQ(GossipHeader::TypeName(GossipHeader::SHUFFLE_REQUEST), "shuffle-request");
    EXPECT_EQ(GossipHeader::TypeName(GossipHeader::SHUFFLE_REPLY), "shuffle-reply");
    EXPECT_NE(GossipHeader::TypeName(99).find("99"), std::string::npos);
    std::ostringstream os;
    FullHeader().Print(os);
    EXPECT_NE(os.str().find("shuffle-reply"), std::string::npos) << os.str();
    EXPECT_NE(os.str().find("10.0.0.8"), std::string::npos) << os.str();
}
