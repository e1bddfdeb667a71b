#include "gossip-header.h"

#include <sstream>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(GossipHeader);

GossipHeader::GossipHeader() = default;

TypeId
GossipHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::GossipHeader")
                            .SetParent<Header>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<GossipHeader>();
    return tid;
}

TypeId
GossipHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

void
GossipHeader::Print(std::ostream& os) const
{
    os << "type=" << TypeName(m_type) << " sender=" << m_sender << " seq=" << m_sequence
       << " entries=" << m_entries.size();
    for (const Entry& e : m_entries)
    {
        os << " [" << e.node << " " << e.address << " age=" << e.age << " queue=" << e.queueLength
           << "]";
    }
}

uint32_t
GossipHeader::GetSerializedSize() const
{
    return FIXED_SIZE + ENTRY_SIZE * static_cast<uint32_t>(m_entries.size());
}

void
GossipHeader::Serialize(Buffer::Iterator start) const
{
    Buffer::Iterator i = start;
    i.WriteHtonU16(m_magic);
    i.WriteU8(m_version);
    i.WriteU8(m_type);
    i.WriteHtonU32(m_sender);
    i.WriteHtonU32(m_sequence);
    i.WriteHtonU16(static_cast<uint16_t>(m_entries.size()));
    for (const Entry& e : m_entries)
    {
        i.WriteHtonU32(e.node);
        i.WriteHtonU32(e.address.Get());
        i.WriteHtonU16(e.age);
        i.WriteHtonU16(e.queueLength);
    }
}

uint32_t
GossipHeader::Deserialize(Buffer::Iterator start)
{
    Buffer::Iterator i = start;
    m_entries.clear();
    m_fromWire = true;
    m_wireCount = 0;
    m_truncated = i.GetRemainingSize() < FIXED_SIZE;
    if (m_truncated)
    {
        return 0;
    }
    m_magic = i.ReadNtohU16();
    m_version = i.ReadU8();
    m_type = i.ReadU8();
    m_sender = i.ReadNtohU32();
    m_sequence = i.ReadNtohU32();
    m_wireCount = i.ReadNtohU16();
    if (m_magic != MAGIC || m_version != VERSION || m_wireCount > MAX_ENTRIES)
    {
        return i.GetDistanceFrom(start); // not a format whose entries we can read
    }
    while (m_entries.size() < m_wireCount && i.GetRemainingSize() >= ENTRY_SIZE)
    {
        Entry e;
        e.node = i.ReadNtohU32();
        e.address = Ipv4Address(i.ReadNtohU32());
        e.age = i.ReadNtohU16();
        e.queueLength = i.ReadNtohU16();
        m_entries.push_back(e);
    }
    return i.GetDistanceFrom(start);
}

std::string
GossipHeader::Validate() const
{
    if (m_truncated)
    {
        return "truncated: fewer than " + std::to_string(FIXED_SIZE) + " bytes";
    }
    if (m_magic != MAGIC)
    {
        return "bad magic " + std::to_string(m_magic) + " (expected " + std::to_string(MAGIC) + ")";
    }
    if (m_version != VERSION)
    {
        return "unsupported version " + std::to_string(m_version) + " (expected " +
               std::to_string(VERSION) + ")";
    }
    if (m_type < SHUFFLE_REQUEST || m_type > SHUFFLE_REPLY)
    {
        return "unknown message type " + std::to_string(m_type) + " (accepted 1-2)";
    }
    const uint32_t count = m_fromWire ? m_wireCount : m_entries.size();
    if (count > MAX_ENTRIES)
    {
        return "entry count " + std::to_string(count) + " exceeds " + std::to_string(MAX_ENTRIES);
    }
    if (m_entries.size() < count)
    {
        return "truncated: " + std::to_string(count) + " entries announced, " +
               std::to_string(m_entries.size()) + " present";
    }
    for (size_t k = 0; k < m_entries.size(); ++k)
    {
        const Ipv4Address a = m_entries[k].address;
        if (a.IsAny() || a.IsBroadcast() || a.IsMulticast() || (a.Get() >> 24) == 127)
        {
            std::ostringstream os;
            os << "entry " << k << " (node " << m_entries[k].node << "): address " << a
               << " is not a unicast address";
            return os.str();
        }
    }
    return "";
}

std::string
GossipHeader::TypeName(uint8_t type)
{
    switch (type)
    {
    case SHUFFLE_REQUEST:
        return "shuffle-request";
    case SHUFFLE_REPLY:
        return "shuffle-reply";
    default:
        return "unknown(" + std::to_string(type) + ")";
    }
}

} // namespace ns3
