#include "split-client.h"

#include "dp-split-planner.h"
#include "llm-engine.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SplitClient");
NS_OBJECT_ENSURE_REGISTERED(SplitClient);

TypeId
SplitClient::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SplitClient")
            .SetParent<LlmUserApplication>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<SplitClient>()
            .AddAttribute("RemoteAddress",
                          "The split server's IP address",
                          AddressValue(),
                          MakeAddressAccessor(&SplitClient::m_remote),
                          MakeAddressChecker())
            .AddAttribute("RemotePort",
                          "The split server's TCP port",
                          UintegerValue(8200),
                          MakeUintegerAccessor(&SplitClient::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("Mode",
                          "How requests arrive",
                          EnumValue(SplitClient::POISSON),
                          MakeEnumAccessor(&SplitClient::m_mode),
                          MakeEnumChecker(SplitClient::POISSON,
                                          "poisson",
                                          SplitClient::CLOSED_LOOP,
                                          "closed-loop"))
            .AddAttribute("Workload",
                          "The user's request distributions: lengths, Poisson interarrival "
                          "(poisson mode), think time (closed-loop mode)",
                          StringValue("ns3::LlmWorkload"),
                          MakePointerAccessor(&SplitClient::m_workload),
                          MakePointerChecker<LlmWorkload>())
            .AddAttribute("Users",
                          "Concurrent users (closed-loop mode)",
                          UintegerValue(1),
                          MakeUintegerAccessor(&SplitClient::m_users),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("FailureBackoff",
                          "Least time a closed-loop user waits after a failed request",
                          TimeValue(Seconds(1)),
                          MakeTimeAccessor(&SplitClient::m_failureBackoff),
                          MakeTimeChecker(MilliSeconds(1)))
            .AddAttribute("Planner",
                          "Where each unit of a request runs (ns3::DpSplitPlanner, "
                          "ns3::GreedySplitPlanner, ns3::FixedSplitPlanner)",
                          StringValue("ns3::DpSplitPlanner"),
                          MakePointerAccessor(&SplitClient::m_planner),
                          MakePointerChecker<SplitPlanner>())
            .AddAttribute("ServerCostModel",
                          "What the server's units cost (its hardware is known to clients); "
                          "the same model as the client's engine",
                          PointerValue(),
                          MakePointerAccessor(&SplitClient::m_serverCost),
                          MakePointerChecker<InferenceCostModel>())
            .AddAttribute("Sla",
                          "Latency bound of a whole request (prefill and every decode step)",
                          TimeValue(Seconds(10)),
                          MakeTimeAccessor(&SplitClient::m_sla),
                          MakeTimeChecker(MicroSeconds(1)))
            .AddAttribute("SlaHeadroom",
                          "Share of the SLA the plan keeps free for what it does not model "
                          "(TCP/IP and message headers, congestion control, other traffic): "
                          "placements are planned against Sla x (1 - SlaHeadroom)",
                          DoubleValue(0.05),
                          MakeDoubleAccessor(&SplitClient::m_headroom),
                          MakeDoubleChecker<double>(0, 0.9))
            .AddAttribute("InitialLinkRate",
                          "The link rate the planner assumes until transfers are measured",
                          DataRateValue(DataRate("20Mbps")),
                          MakeDataRateAccessor(&SplitClient::m_initialRate),
                          MakeDataRateChecker())
            .AddAttribute("InitialRtt",
                          "The round-trip time the planner assumes until one is measured",
                          TimeValue(MilliSeconds(10)),
                          MakeTimeAccessor(&SplitClient::m_initialRtt),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("MeasurementWeight",
                          "Weight of each new measurement in the link and server-load "
                          "estimates (exponential moving average; 1 = the last one only)",
                          DoubleValue(0.25),
                          MakeDoubleAccessor(&SplitClient::m_smoothing),
                          MakeDoubleChecker<double>(1e-3, 1))
            .AddAttribute("MaxRequests",
                          "Requests to issue at most (0 = no limit)",
                          UintegerValue(0),
                          MakeUintegerAccessor(&SplitClient::m_maxRequests),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("Timeout",
                          "A request not complete this long after it was issued fails (timeout)",
                          TimeValue(Seconds(300)),
                          MakeTimeAccessor(&SplitClient::m_timeout),
                          MakeTimeChecker(MilliSeconds(1)))
            .AddAttribute("Kind",
                          "Workload kind written to the request log",
                          StringValue("split"),
                          MakeStringAccessor(&SplitClient::m_kind),
                          MakeStringChecker())
            .AddTraceSource("Planned",
                            "A request was planned: its costs as the client estimated them, "
                            "the latency bound planned against and the placement chosen",
                            MakeTraceSourceAccessor(&SplitClient::m_plannedTrace),
                            "ns3::SplitClient::PlannedTracedCallback");
    return tid;
}

SplitClient::SplitClient() = default;

SplitClient::~SplitClient() = default;

int64_t
SplitClient::AssignStreams(int64_t stream)
{
    return m_workload->AssignStreams(stream);
}

uint64_t
SplitClient::GetIssued() const
{
    return m_arrivals.GetIssued();
}

uint64_t
SplitClient::GetOpen() const
{
    return m_open.size();
}

double
SplitClient::GetEstimatedRttSeconds() const
{
    return m_rttSeconds;
}

double
SplitClient::GetEstimatedBitsPerSecond() const
{
    return m_bitsPerSecond;
}

double
SplitClient::GetServerSlowdown() const
{
    return m_serverSlowdown;
}

double
SplitClient::GetDeviceSlowdown() const
{
    return m_deviceSlowdown;
}

void
SplitClient::DoDispose()
{
    // A run may end with requests open: their sockets hold the connections until they let go
    // (closing would send into devices already disposed).
    for (auto& [id, open] : m_open)
    {
        Simulator::Cancel(open.timeout);
        if (open.connection)
        {
            open.connection->Abandon();
        }
    }
    m_open.clear();
    m_planner = nullptr;
    m_serverCost = nullptr;
    LlmUserApplication::DoDispose();
}

void
SplitClient::StartApplication()
{
    Ptr<LlmEngine> engine = GetNode()->GetObject<LlmEngine>();
    NS_ABORT_MSG_IF(!engine || !engine->GetCostModel(),
                    "SplitClient on node " << GetNode()->GetId()
                                           << " needs an LlmEngine with a cost model");
    NS_ABORT_MSG_IF(!m_serverCost, "SplitClient needs a ServerCostModel");
    NS_ABORT_MSG_IF(!m_planner, "SplitClient needs a Planner");
    const std::string& mine = engine->GetCostModel()->GetModel().name;
    const std::string& theirs = m_serverCost->GetModel().name;
    NS_ABORT_MSG_IF(mine != theirs,
                    "SplitClient: the device runs model '" << mine << "' and the server '" << theirs
                                                           << "': a split runs one model");
    m_idBase = RequestIdBase();
    m_serverNode = NodeOwning(m_remote);
    m_rttSeconds = m_initialRtt.GetSeconds();
    m_bitsPerSecond = m_initialRate.GetBitRate();
    m_arrivals.SetMaxRequests(m_maxRequests);
    auto issue = [this](uint64_t sequence, uint32_t prompt, uint32_t output, int user) {
        Issue(sequence, prompt, output, user);
    };
    if (m_mode == POISSON)
    {
        m_arrivals.StartPoisson(m_workload, Time(0), issue);
    }
    else
    {
        m_arrivals.StartClosedLoop(m_workload, m_users, m_failureBackoff, issue);
    }
}

void
SplitClient::StopIssuing()
{
    m_arrivals.Stop();
}

void
SplitClient::EndAll(const std::string& reason)
{
    StopIssuing();
    while (!m_open.empty())
    {
        End(m_open.begin()->first, "failed", reason);
    }
}

void
SplitClient::StopApplication()
{
    EndAll("unfinished");
}

void
SplitClient::Issue(uint64_t sequence, uint32_t promptTokens, uint32_t outputTokens, int user)
{
    const uint64_t id = m_idBase | (sequence & 0xFFFFFFFF);
    Open& open = m_open[id];
    open.user = user;
    open.record = NewRecord(id, m_kind, promptTokens, outputTokens);
    open.record.server = m_serverNode;
    open.record.slaSeconds = m_sla.GetSeconds();
    m_issuedTrace(open.record);
    open.timeout = Simulator::Schedule(m_timeout, [this, id]() { End(id, "failed", "timeout"); });
    if (!Plan(id, open))
    {
        return;
    }
    const bool usesServer = std::any_of(open.segments.begin(),
                                        open.segments.end(),
                                        [](const Segment& s) { return s.onServer; });
    if (usesServer)
    {
        Connect(id);
    }
    else
    {
        RunSegment(id);
    }
}

bool
SplitClient::Plan(uint64_t id, Open& open)
{
    Ptr<InferenceCostModel> mine = GetNode()->GetObject<LlmEngine>()->GetCostModel();
    const SplitLink link{m_bitsPerSecond, m_bitsPerSecond, m_rttSeconds};
    SplitCosts costs;
    try
    {
        costs = SplitCosts::Compute(*mine,
                                    *m_serverCost,
                                    link,
                                    open.record.promptTokens,
                                    open.record.outputTokens);
    }
    catch (const std::invalid_argument& e)
    {
        NS_LOG_WARN("request " << id << " cannot be planned: " << e.what());
        End(id, "failed", "context-too-long");
        return false;
    }
    // Both sides' seconds as measured lately (queueing, batching); the server's work is its
    // own. The device also knows how many of its requests are running now: their steps take
    // turns with this one's on its engine.
    const double running = static_cast<double>(m_open.size() - 1);
    const double deviceFactor = std::max(m_deviceSlowdown, 1.0 + running);
    for (SplitUnit& unit : costs.units)
    {
        unit.serverSeconds *= m_serverSlowdown;
        unit.clientSeconds *= deviceFactor;
    }
    const double sla = m_sla.GetSeconds() * (1 - m_headroom);
    const SplitPlacement placement = m_planner->Plan(costs, sla);
    m_plannedTrace(id, costs, sla, placement);
    RequestRecord& record = open.record;
    record.placement = placement.Compact();
    record.predictedSeconds = placement.latency;
    record.plannedServerWork = placement.serverWork;
    if (placement.clientMemory > costs.clientMemoryLimit)
    {
        NS_LOG_WARN("request " << id << ": placement " << record.placement << " needs "
                               << placement.clientMemory << " bytes on the device, which has "
                               << costs.clientMemoryLimit);
        End(id, "failed", "client-memory");
        return false;
    }
    bool previous = false; // the user is on the client at both ends
    for (uint32_t u = 0; u < placement.onServer.size(); ++u)
    {
        const bool side = placement.onServer[u];
        if (open.segments.empty() || side != previous)
        {
            open.segments.push_back(Segment{u, u, side});
        }
        open.segments.back().lastUnit = u;
        record.switches += side != previous ? 1 : 0;
        previous = side;
    }
    record.switches += previous ? 1 : 0;
    return true;
}

void
SplitClient::Connect(uint64_t id)
{
    Ptr<Socket> socket = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    Ptr<SplitClient> self(this);
    socket->SetConnectCallback(
        Callback<void, Ptr<Socket>>([self, id](Ptr<Socket> connected) {
            auto it = self->m_open.find(id);
            if (it == self->m_open.end())
            {
                connected->Close(); // ended while connecting
                return;
            }
            it->second.connection = Create<LlmConnection>(
                connected,
                LlmConnection::MessageCallback(
                    [self, id](Ptr<LlmConnection>, const LlmHeader& header, Ptr<Packet>) {
                        self->HandleAnswer(id, header);
                    }),
                LlmConnection::EndCallback([self, id](Ptr<LlmConnection>, const std::string& why) {
                    self->End(id,
                              "failed",
                              why.rfind("malformed", 0) == 0 ? "malformed-response"
                                                             : "connection-" + why);
                }));
            self->RunSegment(id);
        }),
        Callback<void, Ptr<Socket>>(
            [self, id](Ptr<Socket>) { self->End(id, "failed", "unreachable"); }));
    const Address peer = InetSocketAddress(Ipv4Address::ConvertFrom(m_remote), m_port);
    if (socket->Bind() != 0 || socket->Connect(peer) != 0)
    {
        Simulator::ScheduleNow([self, id]() { self->End(id, "failed", "unreachable"); });
    }
}

InferenceJob
SplitClient::StepJob(const Open& open, const Segment& segment) const
{
    const ModelSpec& model = m_serverCost->GetModel();
    InferenceJob job;
    job.requestId = open.record.requestId;
    job.origin = GetNode()->GetId();
    job.kind = "split-client";
    job.layers = SplitCosts::UnitLayers(model, segment.firstUnit, segment.lastUnit);
    if (open.step == 0)
    {
        job.promptTokens = open.record.promptTokens;
    }
    else
    {
        job.contextTokens = open.record.promptTokens + open.step - 1;
        job.outputTokens = 1;
    }
    return job;
}

void
SplitClient::RunSegment(uint64_t id)
{
    auto it = m_open.find(id);
    if (it == m_open.end())
    {
        return;
    }
    const Segment segment = it->second.segments[it->second.segment];
    if (segment.onServer)
    {
        SendToServer(id, segment);
    }
    else
    {
        RunOnClient(id, segment);
    }
}

void
SplitClient::RunOnClient(uint64_t id, const Segment& segment)
{
    Open& open = m_open.at(id);
    InferenceJob job = StepJob(open, segment);
    if (job.layers.Blocks() == 0 && !job.layers.head)
    {
        SegmentDone(id); // the embedding alone: a lookup, no compute charged
        return;
    }
    Ptr<InferenceCostModel> cost = GetNode()->GetObject<LlmEngine>()->GetCostModel();
    const double alone = open.step == 0 ? cost->PrefillSeconds(job.promptTokens, job.layers)
                                        : cost->DecodeSeconds(1, job.contextTokens, job.layers);
    Ptr<SplitClient> self(this);
    const Time submitted = Simulator::Now();
    job.onCompleted =
        Callback<void, const InferenceJob&>([self, id, alone, submitted](const InferenceJob& done) {
            auto it = self->m_open.find(id);
            if (it == self->m_open.end())
            {
                return;
            }
            it->second.record.clientComputeSeconds += (done.completed - done.started).GetSeconds();
            if (alone > 0)
            {
                // The device's own queue: other requests' steps run before this one.
                const double slowdown =
                    std::max((Simulator::Now() - submitted).GetSeconds() / alone, 1.0);
                const double w = self->m_smoothing;
                self->m_deviceSlowdown = (1 - w) * self->m_deviceSlowdown + w * slowdown;
            }
            self->SegmentDone(id);
        });
    job.onDropped = Callback<void, const InferenceJob&, const std::string&>(
        [self, id](const InferenceJob&, const std::string& reason) {
            self->End(id, "failed", reason);
        });
    GetNode()->GetObject<LlmEngine>()->Submit(job);
}

void
SplitClient::SendToServer(uint64_t id, const Segment& segment)
{
    Open& open = m_open.at(id);
    LlmHeader step;
    step.m_type = LlmHeader::SPLIT_HIDDEN;
    step.m_requestId = id;
    step.m_origin = GetNode()->GetId();
    step.m_promptTokens = open.record.promptTokens;
    step.m_outputTokens = open.record.outputTokens;
    step.m_step = open.step;
    step.m_firstUnit = segment.firstUnit;
    step.m_lastUnit = segment.lastUnit;
    step.m_payloadBytes = SplitCosts::BoundaryBytes(m_serverCost->GetModel(),
                                                    segment.firstUnit,
                                                    open.step == 0 ? open.record.promptTokens : 1);
    open.sentAt = Simulator::Now();
    open.bytesAtSend = open.connection->GetBytesSent() + open.connection->GetBytesReceived();
    open.connection->Send(step);
}

void
SplitClient::HandleAnswer(uint64_t id, const LlmHeader& answer)
{
    auto it = m_open.find(id);
    if (it == m_open.end())
    {
        return;
    }
    Open& open = it->second;
    const Segment& segment = open.segments[open.segment];
    const bool matches = answer.m_requestId == id && segment.onServer;
    if (matches && answer.m_type == LlmHeader::ERROR)
    {
        End(id, "failed", LlmHeader::ReasonName(answer.m_reason));
        return;
    }
    if (!matches || answer.m_type != LlmHeader::SPLIT_HIDDEN || answer.m_step != open.step ||
        answer.m_firstUnit != segment.firstUnit || answer.m_lastUnit != segment.lastUnit)
    {
        End(id, "failed", "malformed-response");
        return;
    }
    Measure(open, segment, answer);
    SegmentDone(id);
}

void
SplitClient::Measure(const Open& open, const Segment& segment, const LlmHeader& answer)
{
    const double residence = answer.m_residenceMicros * 1e-6;
    const double network = std::max((Simulator::Now() - open.sentAt).GetSeconds() - residence, 0.0);
    const double bits = 8.0 * (open.connection->GetBytesSent() +
                               open.connection->GetBytesReceived() - open.bytesAtSend);
    const double w = m_smoothing;
    // Each round trip updates whichever of the two dominates its transfer time.
    const double serialisation = bits / m_bitsPerSecond;
    if (serialisation < m_rttSeconds)
    {
        m_rttSeconds = (1 - w) * m_rttSeconds + w * std::max(network - serialisation, 0.0);
    }
    else
    {
        const double rate = bits / std::max(network - m_rttSeconds, 1e-6);
        m_bitsPerSecond = (1 - w) * m_bitsPerSecond + w * rate;
    }
    // The server's residence against what its units cost alone.
    InferenceJob job = StepJob(open, segment);
    if (job.layers.Blocks() == 0 && !job.layers.head)
    {
        return;
    }
    const double alone = open.step == 0
                             ? m_serverCost->PrefillSeconds(job.promptTokens, job.layers)
                             : m_serverCost->DecodeSeconds(1, job.contextTokens, job.layers);
    if (alone > 0)
    {
        const double slowdown = std::max(residence / alone, 1.0);
        m_serverSlowdown = (1 - w) * m_serverSlowdown + w * slowdown;
    }
}

void
SplitClient::SegmentDone(uint64_t id)
{
    auto it = m_open.find(id);
    if (it == m_open.end())
    {
        return;
    }
    Open& open = it->second;
    if (++open.segment < open.segments.size())
    {
        RunSegment(id);
        return;
    }
    // A token came out of the head and is back with the user.
    if (open.step == 0)
    {
        open.record.firstToken = Simulator::Now();
        m_firstTokenTrace(open.record);
    }
    if (++open.step == open.record.outputTokens)
    {
        End(id, "completed", "");
        return;
    }
    open.segment = 0;
    RunSegment(id);
}

void
SplitClient::End(uint64_t id, const std::string& status, const std::string& reason)
{
    auto it = m_open.find(id);
    if (it == m_open.end())
    {
        return; // already ended: each request ends once
    }
    Open open = it->second;
    m_open.erase(it);
    Simulator::Cancel(open.timeout);
    RequestRecord& record = open.record;
    record.completion = Simulator::Now();
    record.status = status;
    record.reason = reason;
    if (open.connection)
    {
        record.bytesSent = open.connection->GetBytesSent();
        record.bytesReceived = open.connection->GetBytesReceived();
        open.connection->Close();
    }
    NS_LOG_INFO("request " << id << " " << status << (reason.empty() ? "" : " (" + reason + ")"));
    if (status == "completed")
    {
        m_completedTrace(record);
    }
    else
    {
        m_failedTrace(record);
    }
    m_arrivals.Ended(open.user, status == "completed");
}

} // namespace ns3
