#include "moa-agent.h"

#include "llm-engine.h"

#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/node-list.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MoaAgent");
NS_OBJECT_ENSURE_REGISTERED(MoaAgent);

TypeId
MoaAgent::GetTypeId()
{
    // Token-length defaults: the Azure conversation trace fits that LlmClient uses.
    static TypeId tid =
        TypeId("ns3::MoaAgent")
            .SetParent<LlmUserApplication>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<MoaAgent>()
            .AddAttribute("Port",
                          "TCP port on which the agent serves its peers' proposer requests",
                          UintegerValue(8100),
                          MakeUintegerAccessor(&MoaAgent::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("Layers",
                          "M: proposer layers per user prompt (0 = plain local inference)",
                          UintegerValue(2),
                          MakeUintegerAccessor(&MoaAgent::m_layers),
                          MakeUintegerChecker<uint32_t>(0, 64))
            .AddAttribute("Peers",
                          "k: peers asked in every proposer layer",
                          UintegerValue(2),
                          MakeUintegerAccessor(&MoaAgent::m_peers),
                          MakeUintegerChecker<uint32_t>(1, 1024))
            .AddAttribute("AggregatorPromptTokens",
                          "Tokens of the aggregator system prompt added to every aggregated "
                          "prompt (the MoA paper's prompt is about 120 tokens)",
                          UintegerValue(120),
                          MakeUintegerAccessor(&MoaAgent::m_aggregatorTokens),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("Workload",
                          "The user's prompts: their rate (Interarrival, 1/lambda on average), "
                          "prompt lengths, and the length of every response (OutputTokens)",
                          StringValue("ns3::LlmWorkload"),
                          MakePointerAccessor(&MoaAgent::m_workload),
                          MakePointerChecker<LlmWorkload>())
            .AddAttribute("PeerPolicy",
                          "How proposer peers are drawn from the view",
                          EnumValue(MoaAgent::UNIFORM),
                          MakeEnumAccessor(&MoaAgent::m_policy),
                          MakeEnumChecker(MoaAgent::UNIFORM,
                                          "uniform",
                                          MoaAgent::QUEUE_AWARE,
                                          "queue-aware",
                                          MoaAgent::PROXIMITY,
                                          "proximity"))
            .AddAttribute("Network",
                          "wireless: messages through the node's stack, membership by gossip; "
                          "ideal: instant, loss-free delivery to every agent",
                          EnumValue(MoaAgent::WIRELESS),
                          MakeEnumAccessor(&MoaAgent::m_network),
                          MakeEnumChecker(MoaAgent::WIRELESS, "wireless", MoaAgent::IDEAL, "ideal"))
            .AddAttribute("PeerTimeout",
                          "A peer that has not answered this long after being asked has failed",
                          TimeValue(Seconds(120)),
                          MakeTimeAccessor(&MoaAgent::m_peerTimeout),
                          MakeTimeChecker(MilliSeconds(1)))
            .AddAttribute("RetryPolicy",
                          "replace: ask another peer when one fails; none: fail the request",
                          EnumValue(MoaAgent::REPLACE),
                          MakeEnumAccessor(&MoaAgent::m_retryPolicy),
                          MakeEnumChecker(MoaAgent::REPLACE, "replace", MoaAgent::NONE, "none"))
            .AddAttribute("MaxRetries",
                          "Failed peers replaced per request at most; one more failure fails it",
                          UintegerValue(3),
                          MakeUintegerAccessor(&MoaAgent::m_maxRetries),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("MaxRequests",
                          "User prompts to issue at most (0 = no limit)",
                          UintegerValue(0),
                          MakeUintegerAccessor(&MoaAgent::m_maxRequests),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("BytesPerToken",
                          "Bytes on the wire per prompt or response token",
                          UintegerValue(4),
                          MakeUintegerAccessor(&MoaAgent::m_bytesPerToken),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("WarmUp",
                          "Time from the application's start to the start of the user's "
                          "arrival process (lets gossip fill the views and routing converge)",
                          TimeValue(Seconds(30)),
                          MakeTimeAccessor(&MoaAgent::m_warmUp),
                          MakeTimeChecker(Seconds(0)))
            .AddTraceSource("PeerSelected",
                            "A peer was asked to infer a proposer layer (request id, layer "
                            "from 1, peer node id)",
                            MakeTraceSourceAccessor(&MoaAgent::m_peerSelectedTrace),
                            "ns3::MoaAgent::PeerSelectedTracedCallback")
            .AddTraceSource("PeerFailed",
                            "A peer call ended without a response (request id, layer from 1, "
                            "peer node id, reason)",
                            MakeTraceSourceAccessor(&MoaAgent::m_peerFailedTrace),
                            "ns3::MoaAgent::PeerFailedTracedCallback")
            .AddTraceSource("LayerDone",
                            "A layer of an own prompt finished (record so far, layer from 1; "
                            "Layers + 1 is the final aggregation)",
                            MakeTraceSourceAccessor(&MoaAgent::m_layerDoneTrace),
                            "ns3::MoaAgent::LayerDoneTracedCallback");
    return tid;
}

MoaAgent::MoaAgent()
    : m_choice(CreateObject<UniformRandomVariable>())
{
}

MoaAgent::~MoaAgent() = default;

uint32_t
MoaAgent::GetLayers() const
{
    return m_layers;
}

uint32_t
MoaAgent::GetPeers() const
{
    return m_peers;
}

uint64_t
MoaAgent::GetIssued() const
{
    return m_arrivals.GetIssued();
}

uint64_t
MoaAgent::GetOpen() const
{
    return m_open.size();
}

uint64_t
MoaAgent::GetPeerRequestsServed() const
{
    return m_server ? m_server->GetRequestsSubmitted() : 0;
}

int64_t
MoaAgent::AssignStreams(int64_t stream)
{
    const int64_t used = m_workload->AssignStreams(stream);
    m_choice->SetStream(stream + used);
    return used + 1;
}

void
MoaAgent::DoDispose()
{
    // A run may end with calls open or before the stop time: the sockets hold the senders and
    // the server until they let go (closing would send into devices already disposed).
    for (auto& [id, request] : m_open)
    {
        for (auto& [token, call] : request.calls)
        {
            if (call.sender)
            {
                call.sender->Abandon();
            }
        }
    }
    m_open.clear();
    if (m_server)
    {
        m_server->Abandon();
    }
    m_server = nullptr;
    m_engine = nullptr;
    m_sampler = nullptr;
    LlmUserApplication::DoDispose();
}

void
MoaAgent::StartApplication()
{
    const uint32_t node = GetNode()->GetId();
    m_engine = GetNode()->GetObject<LlmEngine>();
    NS_ABORT_MSG_IF(!m_engine,
                    "MoaAgent on node " << node << " needs an LlmEngine on its node "
                                        << "(install one with LlmEngineHelper)");
    // Peers' proposer requests: one FINAL_CHUNK per answer, jobs named for the log.
    m_server = Create<LlmRequestServer>(GetNode(), m_bytesPerToken, false);
    m_server->SetJobHook(LlmRequestServer::JobHook([](const LlmHeader& request, InferenceJob& job) {
        job.kind = "moa-proposer";
        return request.m_layer != 0; // a plain request is not MoA's to serve
    }));
    if (m_network == WIRELESS)
    {
        for (uint32_t i = 0; i < GetNode()->GetNApplications() && !m_sampler; ++i)
        {
            m_sampler = DynamicCast<PeerSampler>(GetNode()->GetApplication(i));
        }
        NS_ABORT_MSG_IF(!m_sampler,
                        "MoaAgent on node " << node << " with Network=wireless needs a "
                                            << "PeerSampler on its node (MoaHelper installs one)");
        Ptr<LlmEngine> engine = m_engine;
        m_sampler->SetQueueLengthSource(Callback<uint32_t>(
            [engine]() { return engine->GetQueueLength() + (engine->IsBusy() ? 1 : 0); }));
        NS_ABORT_MSG_IF(!m_server->Listen(m_port),
                        "MoaAgent cannot bind TCP port " << m_port << " on node " << node);
    }
    m_idBase = RequestIdBase();
    m_arrivals.SetMaxRequests(m_maxRequests);
    m_arrivals.StartPoisson(m_workload,
                            m_warmUp,
                            [this](uint64_t sequence, uint32_t prompt, uint32_t output, int) {
                                Issue(sequence, prompt, output);
                            });
}

void
MoaAgent::StopIssuing()
{
    m_arrivals.Stop();
}

void
MoaAgent::EndAll(const std::string& reason)
{
    StopIssuing();
    while (!m_open.empty())
    {
        End(m_open.begin()->first, "failed", reason);
    }
}

void
MoaAgent::StopApplication()
{
    EndAll("unfinished");
    if (m_server)
    {
        m_server->Stop();
    }
}

void
MoaAgent::Issue(uint64_t sequence, uint32_t promptTokens, uint32_t outputTokens)
{
    const uint64_t id = m_idBase | (sequence & 0xFFFFFFFF);
    Request& request = m_open[id];
    request.record = NewRecord(id, "moa", promptTokens, outputTokens);
    RequestRecord& record = request.record;
    record.server = GetNode()->GetId(); // the origin runs the protocol and aggregates
    record.moaLayers = m_layers;
    record.moaPeers = m_layers == 0 ? 0 : m_peers;
    request.prompt = record.promptTokens;
    m_issuedTrace(record);
    StartLayer(id);
}

void
MoaAgent::StartLayer(uint64_t id)
{
    Request& request = m_open.at(id);
    request.responses = 0;
    request.responseTokens = 0;
    request.tried.clear();
    request.answered.clear();
    if (request.record.moaLayers > 0)
    {
        RequestStage stage;
        stage.kind = request.layer == m_layers ? "moa-aggregator" : "moa-proposer";
        stage.index = request.layer + 1;
        stage.promptTokens = request.prompt;
        stage.start = Simulator::Now();
        request.record.stages.push_back(stage);
    }
    if (request.layer == m_layers)
    {
        SubmitOwn(id, request.record.outputTokens, true);
        return;
    }
    const std::vector<PeerDescriptor> peers = SelectPeers(m_peers, {});
    if (peers.size() < m_peers)
    {
        End(id, "failed", "too-few-peers");
        return;
    }
    for (const PeerDescriptor& peer : peers)
    {
        CallPeer(id, peer);
    }
    // Last: the engine may refuse the job at once, which ends the request.
    SubmitOwn(id, m_workload->NextOutputTokens(), false);
}

void
MoaAgent::SubmitOwn(uint64_t id, uint32_t outputTokens, bool aggregation)
{
    const Request& request = m_open.at(id);
    const uint32_t layer = request.layer;
    InferenceJob job;
    job.requestId = id;
    job.origin = GetNode()->GetId();
    job.kind = aggregation ? "moa-aggregator" : "moa-proposer";
    job.promptTokens = request.prompt;
    job.outputTokens = outputTokens;
    if (aggregation)
    {
        job.onFirstToken = Callback<void, const InferenceJob&>([this, id](const InferenceJob&) {
            auto it = m_open.find(id);
            if (it != m_open.end())
            {
                it->second.record.firstToken = Simulator::Now();
                m_firstTokenTrace(it->second.record);
            }
        });
    }
    job.onCompleted = Callback<void, const InferenceJob&>(
        [this, id, layer](const InferenceJob& done) { OwnCompleted(id, layer, done); });
    job.onDropped = Callback<void, const InferenceJob&, const std::string&>(
        [this, id, layer](const InferenceJob&, const std::string& reason) {
            auto it = m_open.find(id);
            if (it != m_open.end() && it->second.layer == layer)
            {
                End(id, "failed", reason);
            }
        });
    m_engine->Submit(job);
}

void
MoaAgent::OwnCompleted(uint64_t id, uint32_t layer, const InferenceJob& job)
{
    auto it = m_open.find(id);
    if (it == m_open.end() || it->second.layer != layer)
    {
        return; // the request already ended
    }
    if (layer == m_layers)
    {
        RequestRecord& record = it->second.record;
        if (record.moaLayers > 0)
        {
            RequestStage& stage = record.stages.back();
            stage.nodes = {GetNode()->GetId()};
            stage.done = true;
            stage.end = Simulator::Now();
        }
        m_layerDoneTrace(record, layer + 1);
        End(id, "completed", "");
        return;
    }
    AddResponse(id, layer, GetNode()->GetId(), job.outputTokens);
}

void
MoaAgent::AddResponse(uint64_t id, uint32_t layer, uint32_t peer, uint32_t outputTokens)
{
    Request& request = m_open.at(id);
    ++request.responses;
    request.responseTokens += outputTokens;
    if (peer != GetNode()->GetId())
    {
        request.answered.push_back(peer);
    }
    if (request.responses < m_peers + 1)
    {
        return;
    }
    // The barrier: all k+1 responses of the layer are in.
    RequestRecord& record = request.record;
    RequestStage& stage = record.stages.back();
    stage.nodes = request.answered;
    stage.nodes.push_back(GetNode()->GetId()); // the origin's own proposer
    std::sort(stage.nodes.begin(), stage.nodes.end());
    stage.done = true;
    stage.end = Simulator::Now();
    m_layerDoneTrace(record, layer + 1);
    const uint64_t prompt = record.promptTokens + m_aggregatorTokens + request.responseTokens;
    request.prompt = static_cast<uint32_t>(std::min<uint64_t>(prompt, UINT32_MAX));
    ++request.layer;
    StartLayer(id);
}

void
MoaAgent::End(uint64_t id, const std::string& status, const std::string& reason)
{
    auto it = m_open.find(id);
    if (it == m_open.end())
    {
        return; // each request ends once
    }
    Request request = std::move(it->second);
    m_open.erase(it);
    RequestRecord& record = request.record;
    for (auto& [token, call] : request.calls)
    {
        CloseCall(call, record);
    }
    record.completion = Simulator::Now();
    record.status = status;
    record.reason = reason;
    NS_LOG_INFO("moa request " << id << " " << status
                               << (reason.empty() ? "" : " (" + reason + ")"));
    if (status == "completed")
    {
        m_completedTrace(record);
    }
    else
    {
        m_failedTrace(record);
    }
}

std::vector<PeerDescriptor>
MoaAgent::Candidates() const
{
    if (m_network == WIRELESS)
    {
        return m_sampler->GetView();
    }
    std::vector<PeerDescriptor> all;
    for (uint32_t n = 0; n < NodeList::GetNNodes(); ++n)
    {
        if (n == GetNode()->GetId())
        {
            continue;
        }
        if (Ptr<MoaAgent> agent = IdealPeer(n))
        {
            PeerDescriptor peer;
            peer.node = n;
            peer.queueLength = static_cast<uint16_t>(std::min<uint32_t>(
                agent->m_engine ? agent->m_engine->GetQueueLength() + agent->m_engine->IsBusy() : 0,
                UINT16_MAX));
            all.push_back(peer);
        }
    }
    return all;
}

std::vector<PeerDescriptor>
MoaAgent::SelectPeers(uint32_t count, const std::set<uint32_t>& excluded)
{
    std::vector<PeerDescriptor> pool;
    for (const PeerDescriptor& peer : Candidates())
    {
        if (peer.node != GetNode()->GetId() && excluded.count(peer.node) == 0)
        {
            pool.push_back(peer);
        }
    }
    // The view's order carries no meaning; draw from it with this agent's own stream.
    auto shuffleFirst = [this](std::vector<PeerDescriptor>& items, size_t firstN) {
        const size_t n = items.size();
        for (size_t i = 0; i < std::min(firstN, n); ++i)
        {
            const auto j = static_cast<size_t>(m_choice->GetInteger(i, n - 1));
            std::swap(items[i], items[j]);
        }
    };
    std::vector<PeerDescriptor> chosen;
    switch (m_policy)
    {
    case UNIFORM:
        shuffleFirst(pool, count);
        pool.resize(std::min<size_t>(count, pool.size()));
        return pool;
    case QUEUE_AWARE:
        // Power of two choices on the queue lengths the peers advertised.
        while (chosen.size() < count && !pool.empty())
        {
            shuffleFirst(pool, 2);
            size_t pick = 0;
            if (pool.size() > 1 && pool[1].queueLength < pool[0].queueLength)
            {
                pick = 1;
            }
            chosen.push_back(pool[pick]);
            pool.erase(pool.begin() + pick);
        }
        return chosen;
    case PROXIMITY: {
        // Lowest measured delay first; unmeasured peers last; ties in random order.
        shuffleFirst(pool, pool.size());
        auto delay = [this](const PeerDescriptor& peer) {
            const double d = m_sampler ? m_sampler->GetDelaySeconds(peer.node) : 0.0;
            return std::isnan(d) ? std::numeric_limits<double>::infinity() : d;
        };
        std::stable_sort(pool.begin(),
                         pool.end(),
                         [&delay](const PeerDescriptor& a, const PeerDescriptor& b) {
                             return delay(a) < delay(b);
                         });
        pool.resize(std::min<size_t>(count, pool.size()));
        return pool;
    }
    }
    return chosen;
}

LlmHeader
MoaAgent::MakeRequestHeader(const Request& request, uint32_t outputTokens) const
{
    LlmHeader header;
    header.m_type = LlmHeader::REQUEST;
    header.m_layer = static_cast<uint16_t>(request.layer + 1);
    header.m_requestId = request.record.requestId;
    header.m_origin = GetNode()->GetId();
    header.m_promptTokens = request.prompt;
    header.m_outputTokens = outputTokens;
    header.m_payloadBytes = request.prompt * m_bytesPerToken;
    return header;
}

void
MoaAgent::CallPeer(uint64_t id, const PeerDescriptor& peer)
{
    Request& request = m_open.at(id);
    const uint64_t token = m_nextToken++;
    PeerCall& call = request.calls[token];
    call.peer = peer.node;
    call.address = peer.address;
    call.outputTokens = m_workload->NextOutputTokens();
    request.tried.insert(peer.node);
    call.request = MakeRequestHeader(request, call.outputTokens);
    m_peerSelectedTrace(id, request.layer + 1, peer.node);
    if (m_network == IDEAL)
    {
        call.timeout = Simulator::Schedule(m_peerTimeout, [this, id, token]() {
            CallFailed(id, token, "peer-timeout", true);
        });
        const LlmHeader header = call.request;
        const uint64_t bytes = header.GetSerializedSize() + header.m_payloadBytes;
        request.record.bytesSent += bytes;
        request.record.stages.back().bytesSent += bytes; // calls are made in proposer layers
        Ptr<MoaAgent> agent = IdealPeer(peer.node);
        Ptr<MoaAgent> self = this;
        Simulator::ScheduleNow([agent, self, header, id, token]() {
            agent->Serve(
                header,
                Callback<void, const LlmHeader&>([self, id, token](const LlmHeader& reply) {
                    Simulator::ScheduleNow(&MoaAgent::IdealDeliver, self, id, token, reply);
                }));
        });
        return;
    }
    call.sender = Create<LlmRequestSender>(GetNode(),
                                           InetSocketAddress(peer.address, m_port),
                                           call.request,
                                           m_peerTimeout);
    call.sender->SetEndCallback(LlmRequestSender::EndCallback(
        [this, id, token](Ptr<LlmRequestSender> sender) { CallEnded(id, token, sender); }));
    call.sender->Start();
}

void
MoaAgent::CallEnded(uint64_t id, uint64_t token, Ptr<LlmRequestSender> sender)
{
    if (sender->IsCompleted())
    {
        CallSucceeded(id, token, sender->GetAnswer().m_outputTokens);
        return;
    }
    // A peer that cannot be reached or stops answering seems gone; one that answers wrong or
    // refuses the job is still there.
    const std::string& why = sender->GetReason();
    const bool gone = why == "unreachable" || why == "timeout" || why.rfind("connection-", 0) == 0;
    CallFailed(id, token, "peer-" + why, gone);
}

void
MoaAgent::CallAnswered(uint64_t id, uint64_t token, const LlmHeader& header)
{
    auto it = m_open.find(id);
    if (it == m_open.end() || it->second.calls.count(token) == 0)
    {
        return; // a late answer to a call already given up
    }
    const std::string verdict = LlmRequestSender::Judge(it->second.calls.at(token).request, header);
    if (!verdict.empty())
    {
        CallFailed(id, token, "peer-" + verdict, false);
        return;
    }
    if (header.m_type != LlmHeader::FINAL_CHUNK)
    {
        CallFailed(id, token, "peer-malformed-response", false);
        return;
    }
    CallSucceeded(id, token, header.m_outputTokens);
}

void
MoaAgent::CallSucceeded(uint64_t id, uint64_t token, uint32_t outputTokens)
{
    auto it = m_open.find(id);
    if (it == m_open.end() || it->second.calls.count(token) == 0)
    {
        return;
    }
    Request& request = it->second;
    const uint32_t peer = request.calls.at(token).peer;
    const uint32_t layer = request.layer;
    CloseCall(request.calls.at(token), request.record);
    request.calls.erase(token);
    AddResponse(id, layer, peer, outputTokens);
}

void
MoaAgent::CallFailed(uint64_t id, uint64_t token, const std::string& reason, bool forget)
{
    auto it = m_open.find(id);
    if (it == m_open.end() || it->second.calls.count(token) == 0)
    {
        return;
    }
    Request& request = it->second;
    const uint32_t peer = request.calls.at(token).peer;
    CloseCall(request.calls.at(token), request.record);
    request.calls.erase(token);
    NS_LOG_INFO("moa request " << id << " layer " << request.layer + 1 << ": peer " << peer
                               << " failed (" << reason << ")");
    m_peerFailedTrace(id, request.layer + 1, peer, reason);
    if (forget && m_sampler)
    {
        m_sampler->Forget(peer);
    }
    if (m_retryPolicy == NONE || request.record.retries >= m_maxRetries)
    {
        End(id, "failed", reason);
        return;
    }
    const std::vector<PeerDescriptor> replacement = SelectPeers(1, request.tried);
    if (replacement.empty())
    {
        End(id, "failed", "no-peer-available");
        return;
    }
    ++request.record.retries;
    CallPeer(id, replacement.front());
}

void
MoaAgent::CloseCall(PeerCall& call, RequestRecord& record)
{
    Simulator::Cancel(call.timeout);
    if (call.sender)
    {
        call.sender->Cancel(); // no-op when the call ended by itself
        record.bytesSent += call.sender->GetBytesSent();
        record.bytesReceived += call.sender->GetBytesReceived();
        // A call belongs to the layer in progress, the last stage.
        record.stages.back().bytesSent += call.sender->GetBytesSent();
        record.stages.back().bytesReceived += call.sender->GetBytesReceived();
        call.sender = nullptr;
    }
}

void
MoaAgent::IdealDeliver(uint64_t id, uint64_t token, const LlmHeader& header)
{
    auto it = m_open.find(id);
    if (it == m_open.end() || it->second.calls.count(token) == 0)
    {
        return;
    }
    const uint64_t bytes = header.GetSerializedSize() + header.m_payloadBytes;
    it->second.record.bytesReceived += bytes;
    it->second.record.stages.back().bytesReceived += bytes;
    CallAnswered(id, token, header);
}

Ptr<MoaAgent>
MoaAgent::IdealPeer(uint32_t node) const
{
    Ptr<Node> peer = NodeList::GetNode(node);
    for (uint32_t i = 0; i < peer->GetNApplications(); ++i)
    {
        Ptr<MoaAgent> agent = DynamicCast<MoaAgent>(peer->GetApplication(i));
        if (agent && agent->m_network == IDEAL)
        {
            return agent;
        }
    }
    return nullptr;
}

// --- serving peers -------------------------------------------------------------------------

void
MoaAgent::Serve(const LlmHeader& request, Callback<void, const LlmHeader&> reply)
{
    if (!m_server)
    {
        LlmHeader refusal = request;
        refusal.m_type = LlmHeader::ERROR;
        refusal.m_reason = LlmHeader::NO_ENGINE;
        refusal.m_payloadBytes = 0;
        reply(refusal); // not started (yet): no engine to run the job
        return;
    }
    m_server->Serve(request, reply);
}

} // namespace ns3
