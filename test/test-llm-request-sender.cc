/*
 * LlmRequestSender: one request to a peer ends exactly once, whatever the peer or the network
 * does. Topology: sender ==== 100 Mb/s point-to-point ==== peer (an LlmRequestServer on an
 * engine, or a scripted peer that misbehaves on purpose).
 */

#include "edge-llm-test-fixture.h"
#include "two-node-wire.h"

#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/llm-engine-helper.h"
#include "ns3/llm-request-sender.h"
#include "ns3/llm-request-server.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/string.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <functional>
#include <gtest/gtest.h>
#include <set>
#include <vector>

using namespace ns3;

namespace
{

const uint16_t g_port = 8000;

/// Two nodes on a wire.
struct Wire
{
    Ptr<Node> sender;
    Ptr<Node> peer;
    Ipv4Address peerAddress;
};

Wire
BuildWire()
{
    Wire net;
    const test::TwoNodeWire wire = test::BuildTwoNodeWire();
    net.sender = wire.near;
    net.peer = wire.far;
    net.peerAddress = wire.farAddress;
    return net;
}

/// A peer that answers each REQUEST as `script` says, with real sockets.
class ScriptedPeer : public SimpleRefCount<ScriptedPeer>
{
  public:
    typedef std::function<void(Ptr<LlmConnection>, const LlmHeader&)> Script;

    ScriptedPeer(Ptr<Node> node, Script script)
        : m_script(script)
    {
        m_listener = Socket::CreateSocket(node, TcpSocketFactory::GetTypeId());
        EXPECT_EQ(m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), g_port)), 0);
        m_listener->Listen();
        m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      MakeCallback(&ScriptedPeer::Accept, this));
    }

    ~ScriptedPeer()
    {
        m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      MakeNullCallback<void, Ptr<Socket>, const Address&>());
    }

  private:
    void Accept(Ptr<Socket> socket, const Address&)
    {
        Script script = m_script;
        m_connections.push_back(Create<LlmConnection>(
            socket,
            LlmConnection::MessageCallback(
                [script](Ptr<LlmConnection> c, const LlmHeader& h, Ptr<Packet>) { script(c, h); }),
            LlmConnection::EndCallback([](Ptr<LlmConnection>, const std::string&) {})));
    }

    Script m_script;
    Ptr<Socket> m_listener;
    std::vector<Ptr<LlmConnection>> m_connections;
};

/// An answer of `type` to `request`.
LlmHeader
AnswerTo(const LlmHeader& request, uint8_t type, uint32_t payloadBytes = 0)
{
    LlmHeader answer = request;
    answer.m_type = type;
    answer.m_payloadBytes = payloadBytes;
    return answer;
}

/// What the sender reported.
struct Outcome
{
    int firstTokens{0};
    int ends{0};
    bool completed{false};
    std::string reason;
    Time firstTokenAt;
    Time endAt;
};

class LlmRequestSenderTest : public ns3::test::SimulationTest
{
  protected:
    /// An engine on `node` and an LlmRequestServer on g_port in front of it, stopped after the
    /// test (its listening socket holds it until then).
    Ptr<LlmRequestServer> ServeOn(Ptr<Node> node,
                                  const std::string& model,
                                  const std::string& device,
                                  bool withEngine = true)
    {
        if (withEngine)
        {
            LlmEngineHelper engines;
            engines.SetCostModel("ns3::RooflineCostModel");
            engines.SetCostModelAttribute("Model", StringValue(model));
            engines.SetCostModelAttribute("Device", StringValue(device));
            engines.Install(node);
        }
        m_servers.push_back(Create<LlmRequestServer>(node, 4, true));
        EXPECT_TRUE(m_servers.back()->Listen(g_port));
        return m_servers.back();
    }

    void TearDown() override
    {
        for (const auto& server : m_servers)
        {
            server->Stop();
        }
        m_servers.clear();
        SimulationTest::TearDown();
    }

    Ptr<LlmRequestSender> Send(Ptr<Node> from,
                               Ipv4Address to,
                               Outcome& outcome,
                               uint32_t prompt = 100,
                               uint32_t output = 20,
                               Time timeout = Seconds(30),
                               uint16_t layer = 0)
    {
        LlmHeader request;
        request.m_type = LlmHeader::REQUEST;
        request.m_requestId = 42;
        request.m_layer = layer;
        request.m_origin = from->GetId();
        request.m_promptTokens = prompt;
        request.m_outputTokens = output;
        request.m_payloadBytes = prompt * 4;
        Ptr<LlmRequestSender> sender =
            Create<LlmRequestSender>(from, InetSocketAddress(to, g_port), request, timeout);
        Outcome* o = &outcome;
        sender->SetFirstTokenCallback(
            LlmRequestSender::FirstTokenCallback([o](Ptr<LlmRequestSender> s, const LlmHeader& h) {
                EXPECT_FALSE(s->IsEnded());
                EXPECT_EQ(h.m_type, LlmHeader::FIRST_CHUNK);
                ++o->firstTokens;
                o->firstTokenAt = Simulator::Now();
            }));
        sender->SetEndCallback(LlmRequestSender::EndCallback([o](Ptr<LlmRequestSender> s) {
            EXPECT_TRUE(s->IsEnded());
            ++o->ends;
            o->completed = s->IsCompleted();
            o->reason = s->GetReason();
            o->endAt = Simulator::Now();
        }));
        return sender;
    }

  private:
    std::vector<Ptr<LlmRequestServer>> m_servers;
};

} // namespace

TEST_F(LlmRequestSenderTest, CompletesWithFirstTokenAndByteCounts)
{
    Wire net = BuildWire();
    Ptr<LlmRequestServer> server = ServeOn(net.peer, "gpt2-124m", "h100-sxm");
    Outcome outcome;
    Ptr<LlmRequestSender> sender = Send(net.sender, net.peerAddress, outcome, 100, 20);
    Simulator::Schedule(Seconds(1), &LlmRequestSender::Start, sender);
    Simulator::Stop(Seconds(60));
    Simulator::Run();
    EXPECT_EQ(outcome.ends, 1);
    EXPECT_EQ(outcome.firstTokens, 1);
    EXPECT_TRUE(outcome.completed);
    EXPECT_EQ(outcome.reason, "");
    EXPECT_GT(outcome.firstTokenAt, Seconds(1));
    EXPECT_GE(outcome.endAt, outcome.firstTokenAt);
    // Header + prompt out; two headers + 1 + 19 tokens back.
    EXPECT_EQ(sender->GetBytesSent(), 32u + 100 * 4);
    EXPECT_EQ(sender->GetBytesReceived(), 2 * 32u + 20 * 4);
    EXPECT_EQ(sender->GetAnswer().m_type, LlmHeader::FINAL_CHUNK);
    EXPECT_EQ(server->GetRequestsSubmitted(), 1u);
    // Ended, so nothing but this test holds the sender once the run is over (the id of its
    // timeout event, whose closure holds the sender, kept it and its node alive).
    Simulator::Destroy();
    EXPECT_EQ(sender->GetReferenceCount(), 1u);
}

TEST_F(LlmRequestSenderTest, TimeoutEndsOnceAndIgnoresTheLateAnswer)
{
    // A slow engine: 400 output tokens on a Raspberry Pi take far longer than the timeout.
    Wire net = BuildWire();
    Ptr<LlmRequestServer> server = ServeOn(net.peer, "tinyllama-1.1b", "raspberry-pi-5");
    int responses = 0;
    server->SetResponseCallback(
        LlmRequestServer::HeaderCallback([&responses](const LlmHeader&) { ++responses; }));
    Outcome outcome;
    Ptr<LlmRequestSender> sender =
        Send(net.sender, net.peerAddress, outcome, 100, 400, MilliSeconds(1500));
    Simulator::ScheduleNow(&LlmRequestSender::Start, sender);
    Simulator::Stop(Seconds(600));
    Simulator::Run();
    EXPECT_EQ(outcome.ends, 1);
    EXPECT_FALSE(outcome.completed);
    EXPECT_EQ(outcome.reason, "timeout");
    EXPECT_EQ(outcome.endAt, MilliSeconds(1500));
    EXPECT_EQ(server->GetRequestsSubmitted(), 1u);
    // The first chunk may have gone out before the timeout; the final one never does.
    EXPECT_LE(responses, 1);
    EXPECT_GT(sender->GetBytesSent(), 0u);
}

TEST_F(LlmRequestSenderTest, UnreachablePeer)
{
    Wire net = BuildWire();
    // An address without a route fails at once; a host where nobody listens fails when TCP
    // gives up on the connection or, at the latest, at the timeout (ns-3's TCP may keep
    // retrying its SYN after a reset).
    Outcome refused;
    Outcome noRoute;
    Ptr<LlmRequestSender> a = Send(net.sender, net.peerAddress, refused, 100, 20, Seconds(10));
    Ptr<LlmRequestSender> b = Send(net.sender, Ipv4Address("192.168.77.1"), noRoute);
    Simulator::Schedule(Seconds(2), &LlmRequestSender::Start, a);
    Simulator::Schedule(Seconds(2), &LlmRequestSender::Start, b);
    Simulator::Stop(Seconds(100));
    Simulator::Run();
    for (const Outcome* o : {&refused, &noRoute})
    {
        EXPECT_EQ(o->ends, 1);
        EXPECT_FALSE(o->completed);
        EXPECT_EQ(o->firstTokens, 0);
    }
    EXPECT_EQ(noRoute.reason, "unreachable");
    EXPECT_EQ(noRoute.endAt, Seconds(2)); // at once, but not from inside Start()
    EXPECT_TRUE(refused.reason == "unreachable" || refused.reason == "timeout") << refused.reason;
    EXPECT_LE(refused.endAt, Seconds(12));
    EXPECT_EQ(a->GetBytesSent(), 0u);
}

TEST_F(LlmRequestSenderTest, ServerErrorsCarryTheirReason)
{
    Wire net = BuildWire();
    // gpt2 holds 1024 tokens of context: 5000 is refused; a node without an engine refuses all.
    Ptr<LlmRequestServer> server = ServeOn(net.peer, "gpt2-124m", "h100-sxm");
    Outcome tooLong;
    Ptr<LlmRequestSender> a = Send(net.sender, net.peerAddress, tooLong, 5000, 20);
    Simulator::ScheduleNow(&LlmRequestSender::Start, a);
    Simulator::Stop(Seconds(30));
    Simulator::Run();
    EXPECT_EQ(tooLong.ends, 1);
    EXPECT_EQ(tooLong.reason, "context-too-long");
    EXPECT_EQ(a->GetAnswer().m_type, LlmHeader::ERROR);
    EXPECT_EQ(server->GetRequestsReceived(), 1u);
}

TEST_F(LlmRequestSenderTest, NoEngineOnThePeer)
{
    Wire net = BuildWire();
    Ptr<LlmRequestServer> server = ServeOn(net.peer, "", "", false);
    Outcome outcome;
    Ptr<LlmRequestSender> sender = Send(net.sender, net.peerAddress, outcome);
    Simulator::ScheduleNow(&LlmRequestSender::Start, sender);
    Simulator::Stop(Seconds(30));
    Simulator::Run();
    EXPECT_EQ(outcome.ends, 1);
    EXPECT_EQ(outcome.reason, "no-engine");
    EXPECT_EQ(server->GetRequestsReceived(), 1u);
    EXPECT_EQ(server->GetRequestsSubmitted(), 0u);
}

TEST_F(LlmRequestSenderTest, ConnectionClosedMidAnswer)
{
    Wire net = BuildWire();
    // The peer streams the first chunk, then hangs up.
    Ptr<ScriptedPeer> peer =
        Create<ScriptedPeer>(net.peer, [](Ptr<LlmConnection> c, const LlmHeader& request) {
            c->Send(AnswerTo(request, LlmHeader::FIRST_CHUNK, 4));
            c->Close();
        });
    Outcome outcome;
    Ptr<LlmRequestSender> sender = Send(net.sender, net.peerAddress, outcome);
    Simulator::ScheduleNow(&LlmRequestSender::Start, sender);
    Simulator::Stop(Seconds(30));
    Simulator::Run();
    EXPECT_EQ(outcome.firstTokens, 1);
    EXPECT_EQ(outcome.ends, 1);
    EXPECT_EQ(outcome.reason, "connection-closed");
    EXPECT_EQ(sender->GetBytesReceived(), 32u + 4);
}

TEST_F(LlmRequestSenderTest, MalformedReplies)
{
    // Garbage on the stream, an answer for another request, for another layer, with another
    // output length, and a REQUEST instead of an answer.
    const std::vector<std::function<void(Ptr<LlmConnection>, const LlmHeader&)>> scripts = {
        [](Ptr<LlmConnection> c, const LlmHeader&) {
            std::vector<uint8_t> junk(40, 0xAB);
            c->GetSocket()->Send(Create<Packet>(junk.data(), junk.size()));
        },
        [](Ptr<LlmConnection> c, const LlmHeader& r) {
            LlmHeader a = AnswerTo(r, LlmHeader::FINAL_CHUNK);
            a.m_requestId = 7;
            c->Send(a);
        },
        [](Ptr<LlmConnection> c, const LlmHeader& r) {
            LlmHeader a = AnswerTo(r, LlmHeader::FINAL_CHUNK);
            a.m_layer = 3;
            c->Send(a);
        },
        [](Ptr<LlmConnection> c, const LlmHeader& r) {
            LlmHeader a = AnswerTo(r, LlmHeader::FINAL_CHUNK);
            a.m_outputTokens = 1;
            c->Send(a);
        },
        [](Ptr<LlmConnection> c, const LlmHeader& r) { c->Send(r); },
    };
    for (size_t i = 0; i < scripts.size(); ++i)
    {
        SetUp();
        Wire net = BuildWire();
        Ptr<ScriptedPeer> peer = Create<ScriptedPeer>(net.peer, scripts[i]);
        Outcome outcome;
        Ptr<LlmRequestSender> sender = Send(net.sender, net.peerAddress, outcome);
        Simulator::ScheduleNow(&LlmRequestSender::Start, sender);
        Simulator::Stop(Seconds(60));
        Simulator::Run();
        EXPECT_EQ(outcome.ends, 1) << "script " << i;
        EXPECT_EQ(outcome.reason, "malformed-response") << "script " << i;
        EXPECT_LT(outcome.endAt, Seconds(1)) << "script " << i;
    }
}

TEST_F(LlmRequestSenderTest, CancelSilencesEveryCallback)
{
    Wire net = BuildWire();
    Ptr<LlmRequestServer> server = ServeOn(net.peer, "tinyllama-1.1b", "raspberry-pi-5");
    // One cancelled before any answer, one cancelled from its first-token callback, one
    // cancelled before it started.
    Outcome early;
    Outcome atFirst;
    Outcome unstarted;
    Ptr<LlmRequestSender> a = Send(net.sender, net.peerAddress, early, 100, 50, Seconds(5));
    Ptr<LlmRequestSender> b = Send(net.sender, net.peerAddress, atFirst, 100, 50, Seconds(500));
    Ptr<LlmRequestSender> c = Send(net.sender, net.peerAddress, unstarted);
    Outcome* o = &atFirst;
    b->SetFirstTokenCallback(
        LlmRequestSender::FirstTokenCallback([o](Ptr<LlmRequestSender> s, const LlmHeader&) {
            ++o->firstTokens;
            s->Cancel();
        }));
    Simulator::ScheduleNow(&LlmRequestSender::Start, a);
    Simulator::ScheduleNow(&LlmRequestSender::Start, b);
    Simulator::Schedule(MilliSeconds(500), &LlmRequestSender::Cancel, a);
    c->Cancel();
    Simulator::Stop(Seconds(1000));
    Simulator::Run();
    EXPECT_EQ(early.ends, 0);
    EXPECT_EQ(early.firstTokens, 0);
    EXPECT_EQ(atFirst.firstTokens, 1);
    EXPECT_EQ(atFirst.ends, 0);
    EXPECT_EQ(unstarted.ends, 0);
    for (auto s : {a, b, c})
    {
        EXPECT_TRUE(s->IsEnded());
        EXPECT_FALSE(s->IsCompleted());
        EXPECT_EQ(s->GetReason(), "");
    }
    EXPECT_GT(b->GetBytesReceived(), 0u);
}

TEST_F(LlmRequestSenderTest, JudgeAnswers)
{
    LlmHeader request;
    request.m_type = LlmHeader::REQUEST;
    request.m_requestId = 9;
    request.m_layer = 2;
    request.m_outputTokens = 30;
    EXPECT_EQ(LlmRequestSender::Judge(request, AnswerTo(request, LlmHeader::FIRST_CHUNK)), "");
    EXPECT_EQ(LlmRequestSender::Judge(request, AnswerTo(request, LlmHeader::FINAL_CHUNK)), "");
    LlmHeader error = AnswerTo(request, LlmHeader::ERROR);
    error.m_reason = LlmHeader::QUEUE_FULL;
    EXPECT_EQ(LlmRequestSender::Judge(request, error), "queue-full");
    error.m_requestId = 10;
    EXPECT_EQ(LlmRequestSender::Judge(request, error), "malformed-response");
    EXPECT_EQ(LlmRequestSender::Judge(request, request), "malformed-response");
}
