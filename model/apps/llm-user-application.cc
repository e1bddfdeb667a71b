#include "llm-user-application.h"

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

} // namespace ns3
