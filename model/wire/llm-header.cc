#include "llm-header.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(LlmHeader);

LlmHeader::LlmHeader() = default;

TypeId
LlmHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::LlmHeader")
                            .SetParent<Header>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<LlmHeader>();
    return tid;
}

TypeId
LlmHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

void
LlmHeader::Print(std::ostream& os) const
{
    os << "type=" << TypeName(m_type) << " id=" << m_requestId << " origin=" << m_origin
       << " layer=" << m_layer << " prompt=" << m_promptTokens << " output=" << m_outputTokens
       << " payload=" << m_payloadBytes;
    if (m_reason != NONE)
    {
        os << " reason=" << ReasonName(m_reason);
    }
    if (m_promptClass != 0)
    {
        os << " class=" << static_cast<uint32_t>(m_promptClass);
    }
    if (m_type == SPLIT_HIDDEN)
    {
        os << " step=" << m_step << " units=" << m_firstUnit << "-" << m_lastUnit
           << " residence=" << m_residenceMicros << "us";
    }
}

uint32_t
LlmHeader::SerializedSizeOf(uint8_t type)
{
    return type == SPLIT_HIDDEN ? MAX_SERIALIZED_SIZE : SERIALIZED_SIZE;
}

uint32_t
LlmHeader::GetSerializedSize() const
{
    return SerializedSizeOf(m_type);
}

void
LlmHeader::Serialize(Buffer::Iterator start) const
{
    Buffer::Iterator i = start;
    i.WriteHtonU16(m_magic);
    i.WriteU8(m_version);
    i.WriteU8(m_type);
    i.WriteU8(m_reason);
    i.WriteU8(m_promptClass);
    i.WriteHtonU16(m_layer);
    i.WriteHtonU64(m_requestId);
    i.WriteHtonU32(m_origin);
    i.WriteHtonU32(m_promptTokens);
    i.WriteHtonU32(m_outputTokens);
    i.WriteHtonU32(m_payloadBytes);
    if (m_type == SPLIT_HIDDEN)
    {
        i.WriteHtonU32(m_step);
        i.WriteHtonU16(m_firstUnit);
        i.WriteHtonU16(m_lastUnit);
        i.WriteHtonU32(m_residenceMicros);
    }
}

uint32_t
LlmHeader::Deserialize(Buffer::Iterator start)
{
    Buffer::Iterator i = start;
    // Debian's ns-3 does not check reads past a buffer's end: count the bytes first.
    const uint32_t available = i.GetRemainingSize();
    m_truncated = available < SERIALIZED_SIZE;
    if (m_truncated)
    {
        return 0;
    }
    m_magic = i.ReadNtohU16();
    m_version = i.ReadU8();
    m_type = i.ReadU8();
    m_reason = i.ReadU8();
    m_promptClass = i.ReadU8();
    m_layer = i.ReadNtohU16();
    m_requestId = i.ReadNtohU64();
    m_origin = i.ReadNtohU32();
    m_promptTokens = i.ReadNtohU32();
    m_outputTokens = i.ReadNtohU32();
    m_payloadBytes = i.ReadNtohU32();
    m_step = 0; // fields of a header read before are not carried over
    m_firstUnit = 0;
    m_lastUnit = 0;
    m_residenceMicros = 0;
    if (m_type == SPLIT_HIDDEN)
    {
        m_truncated = available < MAX_SERIALIZED_SIZE;
        if (m_truncated)
        {
            return 0;
        }
        m_step = i.ReadNtohU32();
        m_firstUnit = i.ReadNtohU16();
        m_lastUnit = i.ReadNtohU16();
        m_residenceMicros = i.ReadNtohU32();
    }
    return i.GetDistanceFrom(start);
}

std::string
LlmHeader::Validate() const
{
    if (m_truncated)
    {
        return "truncated: fewer bytes than a header (" + std::to_string(SERIALIZED_SIZE) + ", " +
               std::to_string(MAX_SERIALIZED_SIZE) + " for split-hidden)";
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
    if (m_type < REQUEST || m_type > LAST_TYPE)
    {
        return "unknown message type " + std::to_string(m_type) + " (accepted 1-" +
               std::to_string(LAST_TYPE) + ")";
    }
    if (m_type == SPLIT_HIDDEN && m_firstUnit > m_lastUnit)
    {
        return "split units " + std::to_string(m_firstUnit) + "-" + std::to_string(m_lastUnit) +
               " are not a range (accepted: first <= last)";
    }
    if (m_reason > LAST_REASON)
    {
        return "unknown reason " + std::to_string(m_reason) + " (accepted 0-" +
               std::to_string(LAST_REASON) + ")";
    }
    if (m_payloadBytes > MAX_PAYLOAD)
    {
        return "payload length " + std::to_string(m_payloadBytes) + " exceeds " +
               std::to_string(MAX_PAYLOAD);
    }
    return "";
}

std::string
LlmHeader::TypeName(uint8_t type)
{
    switch (type)
    {
    case REQUEST:
        return "request";
    case FIRST_CHUNK:
        return "first-chunk";
    case FINAL_CHUNK:
        return "final-chunk";
    case ERROR:
        return "error";
    case SPLIT_HIDDEN:
        return "split-hidden";
    default:
        return "unknown(" + std::to_string(type) + ")";
    }
}

std::string
LlmHeader::ReasonName(uint8_t reason)
{
    switch (reason)
    {
    case NONE:
        return "none";
    case QUEUE_FULL:
        return "queue-full";
    case CONTEXT_TOO_LONG:
        return "context-too-long";
    case EMPTY_JOB:
        return "empty-job";
    case NO_ENGINE:
        return "no-engine";
    case SERVER_ERROR:
        return "server-error";
    case KV_CACHE_TOO_SMALL:
        return "kv-cache-too-small";
    case OVER_TOKEN_BUDGET:
        return "over-token-budget";
    case BAD_SPLIT_STEP:
        return "bad-split-step";
    case GATEWAY_FULL:
        return "gateway-full";
    case EXPERT_TIMEOUT:
        return "expert-timeout";
    case EXPERT_UNREACHABLE:
        return "expert-unreachable";
    case ENERGY_DEPLETED:
        return "energy-depleted";
    default:
        return "unknown(" + std::to_string(reason) + ")";
    }
}

LlmHeader::Reason
LlmHeader::ReasonFromName(const std::string& name)
{
    for (uint8_t r = NONE; r <= LAST_REASON; ++r)
    {
        if (ReasonName(r) == name)
        {
            return static_cast<Reason>(r);
        }
    }
    return SERVER_ERROR;
}

} // namespace ns3
