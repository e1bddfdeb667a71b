#include "llm-user-application.h"

#include "ns3/ipv4-address.h"
#include "ns3/ipv4.h"
#include "ns3/node-list.h"
#include "ns3/node.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(LlmUserApplication);

TypeId
LlmUserApplication::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LlmUserApplication")
            .SetParent<Application>()
            .SetGroupName("EdgeLlm")
            .AddTraceSource("RequestIssued",
                            "The user issued a request",
                            MakeTraceSourceAccessor(&LlmUserApplication::m_issuedTrace),
                            "ns3::LlmUserApplication::RecordTracedCallback")
            .AddTraceSource("FirstToken",
                            "The first output token of the answer arrived",
                            MakeTraceSourceAccessor(&LlmUserApplication::m_firstTokenTrace),
                            "ns3::LlmUserApplication::RecordTracedCallback")
            .AddTraceSource("RequestCompleted",
                            "The whole answer arrived",
                            MakeTraceSourceAccessor(&LlmUserApplication::m_completedTrace),
                            "ns3::LlmUserApplication::RecordTracedCallback")
            .AddTraceSource("RequestFailed",
                            "The request ended without an answer; record.reason says why",
                            MakeTraceSourceAccessor(&LlmUserApplication::m_failedTrace),
                            "ns3::LlmUserApplication::RecordTracedCallback");
    return tid;
}

uint64_t
LlmUserApplication::RequestIdBase() const
{
    uint32_t index = 0;
    for (uint32_t i = 0; i < GetNode()->GetNApplications(); ++i)
    {
        if (GetNode()->GetApplication(i) == this)
        {
            index = i;
        }
    }
    const uint32_t node = GetNode()->GetId();
    NS_ABORT_MSG_IF(index > 0xFF || node > 0xFFFFFF,
                    "request ids need node id < 2^24 and < 256 applications per node");
    return (static_cast<uint64_t>(node) << 40) | (static_cast<uint64_t>(index) << 32);
}

RequestRecord
LlmUserApplication::NewRecord(uint64_t id,
                              const std::string& kind,
                              uint32_t promptTokens,
                              uint32_t outputTokens) const
{
    RequestRecord record;
    record.requestId = id;
    record.node = GetNode()->GetId();
    record.kind = kind;
    record.promptTokens = promptTokens;
    record.outputTokens = outputTokens;
    record.arrival = Simulator::Now();
    return record;
}

std::optional<uint32_t>
LlmUserApplication::NodeOwning(const Address& address)
{
    if (!Ipv4Address::IsMatchingType(address))
    {
        return std::nullopt;
    }
    const Ipv4Address ip = Ipv4Address::ConvertFrom(address);
    for (uint32_t n = 0; n < NodeList::GetNNodes(); ++n)
    {
        Ptr<Ipv4> ipv4 = NodeList::GetNode(n)->GetObject<Ipv4>();
        if (ipv4 && ipv4->GetInterfaceForAddress(ip) >= 0)
        {
            return n;
        }
    }
    return std::nullopt;
}

} // namespace ns3
