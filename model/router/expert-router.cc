#include "expert-router.h"

#include "load-report-header.h"

#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ExpertRouter");
NS_OBJECT_ENSURE_REGISTERED(ExpertRouter);

TypeId
ExpertRouter::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::ExpertRouter")
            .SetParent<Application>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<ExpertRouter>()
            .AddAttribute("Port",
                          "TCP port the gateway listens on",
                          UintegerValue(8000),
                          MakeUintegerAccessor(&ExpertRouter::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("Policy",
                          "How an expert is chosen for a classified prompt",
                          StringValue("ns3::ByClassRoutingPolicy"),
                          MakePointerAccessor(&ExpertRouter::m_policy),
                          MakePointerChecker<RoutingPolicy>())
            .AddAttribute("Classifier",
                          "The prompt classifier on the gateway's device",
                          StringValue("ns3::PromptClassifier"),
                          MakePointerAccessor(&ExpertRouter::m_classifier),
                          MakePointerChecker<PromptClassifier>())
            .AddAttribute("MaxConcurrent",
                          "Requests the gateway holds at once (classifying or at an expert); "
                          "more are refused with gateway-full (0: no limit)",
                          UintegerValue(0),
                          MakeUintegerAccessor(&ExpertRouter::m_maxConcurrent),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("Timeout",
                          "A forwarded request the expert has not finished this long after it "
                          "was forwarded fails with expert-timeout",
                          TimeValue(Seconds(300)),
                          MakeTimeAccessor(&ExpertRouter::m_timeout),
                          MakeTimeChecker(MilliSeconds(1)))
            .AddAttribute("ReportPort",
                          "UDP port the experts' load reports arrive on (0: no reports; the "
                          "reported loads stay 0)",
                          UintegerValue(8001),
                          MakeUintegerAccessor(&ExpertRouter::m_reportPort),
                          MakeUintegerChecker<uint16_t>())
            .AddTraceSource("Received",
                            "A REQUEST reached the gateway",
                            MakeTraceSourceAccessor(&ExpertRouter::m_receivedTrace),
                            "ns3::LlmServer::HeaderTracedCallback")
            .AddTraceSource("Refused",
                            "A REQUEST was refused, with the reason",
                            MakeTraceSourceAccessor(&ExpertRouter::m_refusedTrace),
                            "ns3::ExpertRouter::RefusedTracedCallback")
            .AddTraceSource("Routed",
                            "A request was classified and forwarded to an expert",
                            MakeTraceSourceAccessor(&ExpertRouter::m_routedTrace),
                            "ns3::ExpertRouter::RoutingTracedCallback")
            .AddTraceSource("Ended",
                            "A request in the gateway ended, with its outcome",
                            MakeTraceSourceAccessor(&ExpertRouter::m_endedTrace),
                            "ns3::ExpertRouter::RoutingTracedCallback")
            .AddTraceSource("LoadReported",
                            "A load report from an expert arrived: its index and load",
                            MakeTraceSourceAccessor(&ExpertRouter::m_loadTrace),
                            "ns3::ExpertRouter::LoadTracedCallback");
    return tid;
}

ExpertRouter::ExpertRouter() = default;

ExpertRouter::~ExpertRouter() = default;

void
ExpertRouter::DoDispose()
{
    // A run may end before the stop time: the sockets hold the listener and the channels until
    // they let go (closing at dispose time would send into devices already disposed).
    m_pending.clear();
    for (Expert& expert : m_experts)
    {
        if (expert.channel)
        {
            expert.channel->Abandon();
        }
    }
    m_clients.clear();
    if (m_listener)
    {
        m_listener->Abandon();
        m_listener = nullptr;
    }
    if (m_reports)
    {
        m_reports->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        m_reports = nullptr;
    }
    m_experts.clear();
    m_policy = nullptr;
    m_classifier = nullptr;
    Application::DoDispose();
}

uint32_t
ExpertRouter::AddExpert(Ptr<Node> node, const InetSocketAddress& address)
{
    m_experts.push_back({node, address});
    return m_experts.size() - 1;
}

uint32_t
ExpertRouter::GetNExperts() const
{
    return m_experts.size();
}

uint32_t
ExpertRouter::ExpertOfClass(uint32_t promptClass) const
{
    return promptClass % m_experts.size();
}

Ptr<RoutingPolicy>
ExpertRouter::GetPolicy() const
{
    return m_policy;
}

Ptr<PromptClassifier>
ExpertRouter::GetClassifier() const
{
    return m_classifier;
}

uint64_t
ExpertRouter::GetReceived() const
{
    return m_received;
}

uint32_t
ExpertRouter::GetReported(uint32_t index) const
{
    return m_experts.at(index).reported;
}

uint64_t
ExpertRouter::GetRefused() const
{
    return m_refused;
}

uint64_t
ExpertRouter::GetRouted() const
{
    return m_routed;
}

uint64_t
ExpertRouter::GetOpen() const
{
    return m_pending.size();
}

uint32_t
ExpertRouter::GetOutstanding(uint32_t index) const
{
    return m_experts.at(index).outstanding;
}

int64_t
ExpertRouter::AssignStreams(int64_t stream)
{
    const int64_t used = m_classifier->AssignStreams(stream);
    return used + m_policy->AssignStreams(stream + used);
}

void
ExpertRouter::StartApplication()
{
    NS_ABORT_MSG_IF(m_experts.empty(), "ExpertRouter has no experts (AddExpert)");
    m_listener = Create<LlmListener>(
        GetNode(),
        LlmConnection::MessageCallback([this](Ptr<LlmConnection> connection,
                                              const LlmHeader& header,
                                              Ptr<Packet>) { HandleMessage(connection, header); }),
        LlmConnection::EndCallback([this](Ptr<LlmConnection> connection, const std::string&) {
            HandleClientEnd(connection);
        }));
    NS_ABORT_MSG_IF(!m_listener->Listen(m_port), "ExpertRouter cannot bind port " << m_port);
    m_classifierFree = Simulator::Now();
    for (Expert& expert : m_experts)
    {
        expert.channel = Create<ExpertChannel>(GetNode(), expert.address, m_timeout);
        expert.channel->SetCallbacks(MakeCallback(&ExpertRouter::HandleExpertFirstToken, this),
                                     MakeCallback(&ExpertRouter::HandleExpertEnd, this));
    }
    if (m_reportPort > 0)
    {
        m_reports = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
        NS_ABORT_MSG_IF(m_reports->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_reportPort)) !=
                            0,
                        "ExpertRouter cannot bind report port " << m_reportPort);
        m_reports->SetRecvCallback(MakeCallback(&ExpertRouter::HandleReport, this));
    }
}

void
ExpertRouter::StopApplication()
{
    if (m_reports)
    {
        m_reports->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        m_reports->Close();
        m_reports = nullptr;
    }
    while (!m_pending.empty())
    {
        Finish(m_pending.begin()->first, "unfinished");
    }
    for (Expert& expert : m_experts)
    {
        if (expert.channel)
        {
            expert.channel->Close();
            expert.channel = nullptr;
        }
    }
    m_clients.clear();
    if (m_listener)
    {
        m_listener->Stop(); // closes every user connection
        m_listener = nullptr;
    }
}

void
ExpertRouter::HandleReport(Ptr<Socket> socket)
{
    Address from;
    while (Ptr<Packet> packet = socket->RecvFrom(from))
    {
        LoadReportHeader report;
        packet->RemoveHeader(report);
        const std::string error = report.Validate();
        if (!error.empty() || !InetSocketAddress::IsMatchingType(from))
        {
            NS_LOG_WARN("gateway drops a load report: " << error);
            continue;
        }
        const Ipv4Address source = InetSocketAddress::ConvertFrom(from).GetIpv4();
        for (uint32_t i = 0; i < m_experts.size(); ++i)
        {
            if (m_experts[i].address.GetIpv4() == source)
            {
                m_experts[i].reported = report.m_waiting + report.m_running;
                m_loadTrace(i, m_experts[i].reported);
            }
        }
    }
}

void
ExpertRouter::Refuse(Ptr<LlmConnection> client, const LlmHeader& request, uint8_t reason)
{
    if (!client->IsOpen())
    {
        return;
    }
    LlmHeader error = request;
    error.m_type = LlmHeader::ERROR;
    error.m_reason = reason;
    error.m_payloadBytes = 0;
    client->Send(error);
}

void
ExpertRouter::HandleMessage(Ptr<LlmConnection> client, const LlmHeader& header)
{
    if (header.m_type != LlmHeader::REQUEST)
    {
        NS_LOG_WARN("gateway ignores a " << LlmHeader::TypeName(header.m_type) << " message");
        return;
    }
    ++m_received;
    m_receivedTrace(header);
    if (m_maxConcurrent > 0 && m_pending.size() >= m_maxConcurrent)
    {
        ++m_refused;
        m_refusedTrace(header, LlmHeader::ReasonName(LlmHeader::GATEWAY_FULL));
        Refuse(client, header, LlmHeader::GATEWAY_FULL);
        return;
    }
    const uint64_t key = m_nextKey++;
    Pending& pending = m_pending[key];
    pending.request = header;
    pending.client = client;
    m_clients[client].push_back(key);
    RoutingRecord& record = pending.record;
    record.requestId = header.m_requestId;
    record.origin = header.m_origin;
    record.promptClass = header.m_promptClass;
    record.received = Simulator::Now();
    // One prompt at a time on the gateway's device, in arrival order.
    const Time duration = m_classifier->Cost(header.m_promptTokens);
    record.classifyStart = Max(Simulator::Now(), m_classifierFree);
    record.classifierSeconds = duration.GetSeconds();
    m_classifierFree = record.classifyStart + duration;
    pending.classified =
        Simulator::Schedule(m_classifierFree - Simulator::Now(), &ExpertRouter::Forward, this, key);
}

void
ExpertRouter::Forward(uint64_t key)
{
    auto it = m_pending.find(key);
    if (it == m_pending.end())
    {
        return;
    }
    Pending& pending = it->second;
    RoutingRecord& record = pending.record;
    record.classifiedAs = m_classifier->Classify(record.promptClass);
    RouteQuery query;
    query.classifiedAs = record.classifiedAs;
    query.classExpert = ExpertOfClass(record.classifiedAs);
    for (const Expert& expert : m_experts)
    {
        query.experts.push_back({expert.outstanding, expert.reported});
    }
    const uint32_t chosen = m_policy->Choose(query);
    NS_ABORT_MSG_IF(chosen >= m_experts.size(),
                    "routing policy " << m_policy->GetName() << " chose expert " << chosen << " of "
                                      << m_experts.size());
    Expert& expert = m_experts[chosen];
    ++expert.outstanding;
    ++m_routed;
    record.expert = chosen;
    record.expertNode = expert.node->GetId();
    record.misrouted = chosen != ExpertOfClass(record.promptClass);
    record.forwarded = Simulator::Now();
    pending.forwarded = true;
    m_routedTrace(record);
    expert.channel->Send(key, pending.request);
}

void
ExpertRouter::HandleExpertFirstToken(uint64_t key, const LlmHeader& answer)
{
    auto it = m_pending.find(key);
    if (it != m_pending.end() && it->second.client->IsOpen())
    {
        it->second.client->Send(answer);
    }
}

void
ExpertRouter::HandleExpertEnd(uint64_t key, const std::string& why, const LlmHeader& answer)
{
    auto it = m_pending.find(key);
    if (it == m_pending.end())
    {
        return;
    }
    const Pending& pending = it->second;
    if (why.empty())
    {
        if (pending.client->IsOpen())
        {
            pending.client->Send(answer); // the expert's FINAL_CHUNK, as it came
        }
        Finish(key, "completed");
        return;
    }
    uint8_t reason = LlmHeader::EXPERT_UNREACHABLE;
    if (answer.m_type == LlmHeader::ERROR && why == LlmHeader::ReasonName(answer.m_reason))
    {
        reason = answer.m_reason; // the expert's own refusal, passed on
    }
    else if (why == "timeout")
    {
        reason = LlmHeader::EXPERT_TIMEOUT;
    }
    Refuse(pending.client, pending.request, reason);
    Finish(key, LlmHeader::ReasonName(reason));
}

void
ExpertRouter::HandleClientEnd(Ptr<LlmConnection> client)
{
    auto it = m_clients.find(client);
    if (it == m_clients.end())
    {
        return;
    }
    const std::vector<uint64_t> keys = it->second;
    m_clients.erase(it);
    // The user went away: its requests need no expert any more.
    for (uint64_t key : keys)
    {
        Finish(key, "client-gone");
    }
}

void
ExpertRouter::Finish(uint64_t key, const std::string& outcome)
{
    auto it = m_pending.find(key);
    if (it == m_pending.end())
    {
        return; // each request ends once
    }
    Pending pending = it->second;
    m_pending.erase(it);
    Simulator::Cancel(pending.classified);
    if (pending.forwarded)
    {
        Expert& expert = m_experts[pending.record.expert];
        if (expert.channel)
        {
            expert.channel->Cancel(key); // no-op when the expert's answer ended it
        }
        --expert.outstanding;
    }
    auto client = m_clients.find(pending.client);
    if (client != m_clients.end())
    {
        auto& keys = client->second;
        keys.erase(std::remove(keys.begin(), keys.end(), key), keys.end());
    }
    pending.record.outcome = outcome;
    NS_LOG_INFO("request " << pending.record.requestId << " at the gateway: " << outcome);
    m_endedTrace(pending.record);
}

} // namespace ns3
