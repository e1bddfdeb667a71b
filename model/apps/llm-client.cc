#include "llm-client.h"

#include "ns3/address-utils.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/node-list.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmClient");
NS_OBJECT_ENSURE_REGISTERED(LlmClient);

TypeId
LlmClient::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LlmClient")
            .SetParent<LlmUserApplication>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<LlmClient>()
            .AddAttribute("RemoteAddress",
                          "The server's IP address",
                          AddressValue(),
                          MakeAddressAccessor(&LlmClient::m_remote),
                          MakeAddressChecker())
            .AddAttribute("RemotePort",
                          "The server's TCP port",
                          UintegerValue(8000),
                          MakeUintegerAccessor(&LlmClient::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("Mode",
                          "How requests arrive",
                          EnumValue(LlmClient::POISSON),
                          MakeEnumAccessor(&LlmClient::m_mode),
                          MakeEnumChecker(LlmClient::POISSON,
                                          "poisson",
                                          LlmClient::CLOSED_LOOP,
                                          "closed-loop",
                                          LlmClient::TRACE,
                                          "trace"))
            .AddAttribute("Workload",
                          "The user's request distributions: lengths, Poisson interarrival "
                          "(poisson mode), think time (closed-loop mode)",
                          StringValue("ns3::LlmWorkload"),
                          MakePointerAccessor(&LlmClient::m_workload),
                          MakePointerChecker<LlmWorkload>())
            .AddAttribute("Users",
                          "Concurrent users (closed-loop mode)",
                          UintegerValue(1),
                          MakeUintegerAccessor(&LlmClient::m_users),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("FailureBackoff",
                          "Least time a closed-loop user waits after a failed request, so that "
                          "an unreachable server cannot make a user retry forever at one instant",
                          TimeValue(Seconds(1)),
                          MakeTimeAccessor(&LlmClient::m_failureBackoff),
                          MakeTimeChecker(MilliSeconds(1)))
            .AddAttribute("TraceFile",
                          "Azure-format CSV (TIMESTAMP, ContextTokens, GeneratedTokens); "
                          "read when set (trace mode)",
                          StringValue(""),
                          MakeStringAccessor(&LlmClient::SetTraceFile, &LlmClient::GetTraceFile),
                          MakeStringChecker())
            .AddAttribute("TraceStride",
                          "Replay every TraceStride-th row (trace mode)",
                          UintegerValue(1),
                          MakeUintegerAccessor(&LlmClient::m_traceStride),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("TraceOffset",
                          "First row to replay (trace mode)",
                          UintegerValue(0),
                          MakeUintegerAccessor(&LlmClient::m_traceOffset),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("TraceTimeScale",
                          "Multiplies traced arrival times (0.5 = twice the rate)",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&LlmClient::m_traceTimeScale),
                          MakeDoubleChecker<double>(1e-9))
            .AddAttribute("MaxRequests",
                          "Requests to issue at most (0 = no limit)",
                          UintegerValue(0),
                          MakeUintegerAccessor(&LlmClient::m_maxRequests),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("Timeout",
                          "A request not complete this long after it was issued fails (timeout)",
                          TimeValue(Seconds(300)),
                          MakeTimeAccessor(&LlmClient::m_timeout),
                          MakeTimeChecker(MilliSeconds(1)))
            .AddAttribute("BytesPerToken",
                          "Bytes sent per prompt token",
                          UintegerValue(4),
                          MakeUintegerAccessor(&LlmClient::m_bytesPerToken),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("Kind",
                          "Workload kind written to the request log",
                          StringValue("chat"),
                          MakeStringAccessor(&LlmClient::m_kind),
                          MakeStringChecker())
            .AddAttribute("Classes",
                          "Prompt classes to draw each request's class from (expert routing); "
                          "the class names its kind and, but in trace mode, gives its lengths "
                          "(null: none)",
                          PointerValue(),
                          MakePointerAccessor(&LlmClient::m_classes),
                          MakePointerChecker<PromptClassMix>());
    return tid;
}

LlmClient::LlmClient() = default;

LlmClient::~LlmClient() = default;

void
LlmClient::SetTraceFile(const std::string& path)
{
    m_traceFile = path;
    m_trace = path.empty() ? RequestTrace() : RequestTrace::Load(path);
}

std::string
LlmClient::GetTraceFile() const
{
    return m_traceFile;
}

int64_t
LlmClient::AssignStreams(int64_t stream)
{
    const int64_t used = m_workload->AssignStreams(stream);
    return used + (m_classes ? m_classes->AssignStreams(stream + used) : 0);
}

uint64_t
LlmClient::GetIssued() const
{
    return m_arrivals.GetIssued();
}

uint64_t
LlmClient::GetOpen() const
{
    return m_open.size();
}

void
LlmClient::DoDispose()
{
    // A run may end with requests open: their senders' sockets hold them until they let go
    // (cancelling would close the sockets, sending into devices already disposed).
    for (auto& [id, open] : m_open)
    {
        open.sender->Abandon();
    }
    m_open.clear();
    Application::DoDispose();
}

void
LlmClient::StartApplication()
{
    if (m_mode == TRACE && m_trace.GetRequests().empty())
    {
        NS_FATAL_ERROR("LlmClient in trace mode needs a TraceFile");
    }
    m_idBase = RequestIdBase();
    m_arrivals.SetMaxRequests(m_maxRequests);
    if (m_classes)
    {
        // Each request's class first, then its lengths from that class's workload.
        m_arrivals.SetLengths([this]() {
            m_class = static_cast<int>(m_classes->Draw());
            Ptr<LlmWorkload> lengths = m_classes->GetWorkload(m_class);
            const uint32_t prompt = lengths->NextPromptTokens();
            return std::make_pair(prompt, lengths->NextOutputTokens());
        });
    }
    auto issue = [this](uint64_t sequence, uint32_t prompt, uint32_t output, int user) {
        Issue(sequence, prompt, output, user);
    };
    switch (m_mode)
    {
    case POISSON:
        m_arrivals.StartPoisson(m_workload, Time(0), issue);
        break;
    case CLOSED_LOOP:
        m_arrivals.StartClosedLoop(m_workload, m_users, m_failureBackoff, issue);
        break;
    case TRACE:
        m_arrivals.StartTrace(m_trace, m_traceOffset, m_traceStride, m_traceTimeScale, issue);
        break;
    }
}

void
LlmClient::StopIssuing()
{
    m_arrivals.Stop();
}

void
LlmClient::EndAll(const std::string& reason)
{
    StopIssuing();
    while (!m_open.empty())
    {
        End(m_open.begin()->first, "failed", reason);
    }
}

void
LlmClient::StopApplication()
{
    EndAll("unfinished");
}

void
LlmClient::Issue(uint64_t sequence, uint32_t promptTokens, uint32_t outputTokens, int user)
{
    if (m_mode == TRACE && m_classes)
    {
        m_class = static_cast<int>(m_classes->Draw()); // the trace gives the lengths only
    }
    const uint64_t id = m_idBase | (sequence & 0xFFFFFFFF);
    Open& open = m_open[id];
    open.user = user;
    open.record = NewRecord(id,
                            m_class >= 0 ? m_classes->GetName(m_class) : m_kind,
                            promptTokens,
                            outputTokens);
    m_issuedTrace(open.record);

    LlmHeader request;
    request.m_type = LlmHeader::REQUEST;
    request.m_requestId = id;
    request.m_origin = GetNode()->GetId();
    request.m_promptTokens = promptTokens;
    request.m_outputTokens = outputTokens;
    request.m_payloadBytes = promptTokens * m_bytesPerToken;
    request.m_promptClass = m_class >= 0 ? static_cast<uint8_t>(m_class) : 0;
    open.sender =
        Create<LlmRequestSender>(GetNode(),
                                 InetSocketAddress(Ipv4Address::ConvertFrom(m_remote), m_port),
                                 request,
                                 m_timeout);
    open.sender->SetFirstTokenCallback(LlmRequestSender::FirstTokenCallback(
        [this, id](Ptr<LlmRequestSender>, const LlmHeader&) { HandleFirstToken(id); }));
    open.sender->SetEndCallback(LlmRequestSender::EndCallback(
        [this, id](Ptr<LlmRequestSender> sender) { HandleEnd(id, sender); }));
    open.sender->Start();
}

std::optional<uint32_t>
LlmClient::ServerNode()
{
    if (!m_serverLookedUp)
    {
        m_serverLookedUp = true;
        m_serverNode = NodeOwning(m_remote);
    }
    return m_serverNode;
}

void
LlmClient::HandleFirstToken(uint64_t id)
{
    auto it = m_open.find(id);
    if (it == m_open.end())
    {
        return;
    }
    it->second.record.firstToken = Simulator::Now();
    m_firstTokenTrace(it->second.record);
}

void
LlmClient::HandleEnd(uint64_t id, Ptr<LlmRequestSender> sender)
{
    auto it = m_open.find(id);
    if (it == m_open.end())
    {
        return;
    }
    if (sender->IsCompleted())
    {
        if (it->second.record.firstToken.IsZero())
        {
            it->second.record.firstToken = Simulator::Now();
        }
        End(id, "completed", "");
        return;
    }
    End(id, "failed", sender->GetReason());
}

void
LlmClient::End(uint64_t id, const std::string& status, const std::string& reason)
{
    auto it = m_open.find(id);
    if (it == m_open.end())
    {
        return; // already ended: each request ends once
    }
    Open open = it->second;
    m_open.erase(it);
    open.sender->Cancel(); // no-op when the sender ended the request itself
    open.record.completion = Simulator::Now();
    open.record.status = status;
    open.record.reason = reason;
    open.record.bytesSent = open.sender->GetBytesSent();
    open.record.bytesReceived = open.sender->GetBytesReceived();
    if (status != "completed")
    {
        open.record.server = ServerNode(); // the engine names it only if it saw the request
    }
    NS_LOG_INFO("request " << id << " " << status << (reason.empty() ? "" : " (" + reason + ")"));
    if (status == "completed")
    {
        m_completedTrace(open.record);
    }
    else
    {
        m_failedTrace(open.record);
    }
    m_arrivals.Ended(open.user, status == "completed");
}

} // namespace ns3
