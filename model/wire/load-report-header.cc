#include "load-report-header.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(LoadReportHeader);

TypeId
LoadReportHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::LoadReportHeader")
                            .SetParent<Header>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<LoadReportHeader>();
    return tid;
}

TypeId
LoadReportHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

void
LoadReportHeader::Print(std::ostream& os) const
{
    os << "load-report node=" << m_node << " waiting=" << m_waiting << " running=" << m_running;
}

uint32_t
LoadReportHeader::GetSerializedSize() const
{
    return SERIALIZED_SIZE;
}

void
LoadReportHeader::Serialize(Buffer::Iterator start) const
{
    Buffer::Iterator i = start;
    i.WriteHtonU16(m_magic);
    i.WriteU8(m_version);
    i.WriteU8(0); // reserved
    i.WriteHtonU32(m_node);
    i.WriteHtonU32(m_waiting);
    i.WriteHtonU32(m_running);
}

uint32_t
LoadReportHeader::Deserialize(Buffer::Iterator start)
{
    Buffer::Iterator i = start;
    m_truncated = i.GetRemainingSize() < SERIALIZED_SIZE;
    if (m_truncated)
    {
        return 0;
    }
    m_magic = i.ReadNtohU16();
    m_version = i.ReadU8();
    i.ReadU8();
    m_node = i.ReadNtohU32();
    m_waiting = i.ReadNtohU32();
    m_running = i.ReadNtohU32();
    return i.GetDistanceFrom(start);
}

std::string
LoadReportHeader::Validate() const
{
    if (m_truncated)
    {
        return "load report shorter than " + std::to_string(SERIALIZED_SIZE) + " bytes";
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
    return "";
}

} // namespace ns3
