/*
 * LlmRequestServer: requests from a TCP socket onto the node's engine, answered on the same
 * connection, never on a closed one. Requests are sent with LlmRequestSender.
 * Topology: sender ==== 100 Mb/s point-to-point ==== server node (engine + LlmRequestServer).
 */

#include "edge-llm-test-fixture.h"
#include "two-node-wire.h"

#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/llm-engine-helper.h"
#include "ns3/llm-engine.h"
#include "ns3/llm-request-sender.h"
#include "ns3/llm-request-server.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>
#include <vector>

using namespace ns3;

namespace
{

const uint16_t g_port = 8000;

struct Net
{
    Ptr<Node> client;
    Ptr<Node> server;
    Ipv4Address serverAddress;
    Ptr<LlmEngine> engine;
};

Net
BuildNet(const std::string& model, const std::string& device, uint32_t queueCapacity = 64)
{
    Net net;
    const test::TwoNodeWire wire = test::BuildTwoNodeWire();
    net.client = wire.near;
    net.server = wire.far;
    net.serverAddress = wire.farAddress;
    LlmEngineHelper engines;
    engines.SetCostModel("ns3::RooflineCostModel");
    engines.SetCostModelAttribute("Model", StringValue(model));
    engines.SetCostModelAttribute("Device", StringValue(device));
    engines.SetEngineAttribute("QueueCapacity", UintegerValue(queueCapacity));
    net.engine = engines.Install(net.server);
    return net;
}

/// The answers a server queued, and the requests it took.
struct ServerWatch
{
    std::vector<LlmHeader> requests;
    std::vector<LlmHeader> responses;

    explicit ServerWatch(Ptr<LlmRequestServer> server)
    {
        server->SetRequestCallback(LlmRequestServer::HeaderCallback(
            [this](const LlmHeader& h) { requests.push_back(h); }));
        server->SetResponseCallback(LlmRequestServer::HeaderCallback(
            [this](const LlmHeader& h) { responses.push_back(h); }));
    }
};

/// A sender of request `id` that counts its ends.
Ptr<LlmRequestSender>
MakeSender(const Net& net,
           uint64_t id,
           uint32_t prompt,
           uint32_t output,
           std::vector<int>& ends,
           std::vector<std::string>& reasons,
           uint16_t layer = 0,
           Time timeout = Seconds(600))
{
    LlmHeader request;
    request.m_type = LlmHeader::REQUEST;
    request.m_requestId = id;
    request.m_layer = layer;
    request.m_origin = net.client->GetId();
    request.m_promptTokens = prompt;
    request.m_outputTokens = output;
    request.m_payloadBytes = prompt * 4;
    Ptr<LlmRequestSender> sender =
        Create<LlmRequestSender>(net.client,
                                 InetSocketAddress(net.serverAddress, g_port),
                                 request,
                                 timeout);
    ends.push_back(0);
    reasons.emplace_back();
    const size_t i = ends.size() - 1;
    std::vector<int>* e = &ends;
    std::vector<std::string>* r = &reasons;
    sender->SetEndCallback(LlmRequestSender::EndCallback([e, r, i](Ptr<LlmRequestSender> s) {
        ++(*e)[i];
        (*r)[i] = s->IsCompleted() ? "completed" : s->GetReason();
    }));
    return sender;
}

class LlmRequestServerTest : public ns3::test::SimulationTest
{
  protected:
    /// A server on `node`, stopped after the test (its listening socket holds it until then).
    Ptr<LlmRequestServer> NewServer(Ptr<Node> node, uint32_t bytesPerToken, bool streamFirstChunk)
    {
        m_servers.push_back(Create<LlmRequestServer>(node, bytesPerToken, streamFirstChunk));
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

  private:
    std::vector<Ptr<LlmRequestServer>> m_servers;
};

} // namespace

TEST_F(LlmRequestServerTest, StreamsFirstAndFinalChunks)
{
    Net net = BuildNet("gpt2-124m", "h100-sxm");
    Ptr<LlmRequestServer> server = NewServer(net.server, 4, true);
    ASSERT_TRUE(server->Listen(g_port));
    ServerWatch watch(server);
    std::vector<int> ends;
    std::vector<std::string> reasons;
    Simulator::ScheduleNow(&LlmRequestSender::Start, MakeSender(net, 1, 100, 20, ends, reasons));
    Simulator::Stop(Seconds(60));
    Simulator::Run();
    ASSERT_EQ(watch.requests.size(), 1u);
    ASSERT_EQ(watch.responses.size(), 2u);
    EXPECT_EQ(watch.responses[0].m_type, LlmHeader::FIRST_CHUNK);
    EXPECT_EQ(watch.responses[0].m_payloadBytes, 4u);
    EXPECT_EQ(watch.responses[1].m_type, LlmHeader::FINAL_CHUNK);
    EXPECT_EQ(watch.responses[1].m_payloadBytes, 19u * 4);
    EXPECT_EQ(watch.responses[1].m_requestId, 1u);
    EXPECT_EQ(ends, std::vector<int>{1});
    EXPECT_EQ(reasons[0], "completed");
}

TEST_F(LlmRequestServerTest, WithoutStreamingTheFinalChunkCarriesEveryToken)
{
    Net net = BuildNet("gpt2-124m", "h100-sxm");
    Ptr<LlmRequestServer> server = NewServer(net.server, 4, false);
    ASSERT_TRUE(server->Listen(g_port));
    ServerWatch watch(server);
    std::vector<int> ends;
    std::vector<std::string> reasons;
    Simulator::ScheduleNow(&LlmRequestSender::Start, MakeSender(net, 1, 100, 20, ends, reasons, 3));
    Simulator::Stop(Seconds(60));
    Simulator::Run();
    ASSERT_EQ(watch.responses.size(), 1u);
    EXPECT_EQ(watch.responses[0].m_type, LlmHeader::FINAL_CHUNK);
    EXPECT_EQ(watch.responses[0].m_payloadBytes, 20u * 4);
    EXPECT_EQ(watch.responses[0].m_layer, 3); // answers echo the layer
    EXPECT_EQ(reasons[0], "completed");
}

TEST_F(LlmRequestServerTest, DropsAnswerWithTheEngineReason)
{
    // One job at a time and no queue: of three simultaneous requests, two are queue-full.
    Net net = BuildNet("tinyllama-1.1b", "raspberry-pi-5", 0);
    Ptr<LlmRequestServer> server = NewServer(net.server, 4, true);
    ASSERT_TRUE(server->Listen(g_port));
    ServerWatch watch(server);
    std::vector<int> ends;
    std::vector<std::string> reasons;
    for (uint64_t id = 1; id <= 3; ++id)
    {
        Simulator::ScheduleNow(&LlmRequestSender::Start, MakeSender(net, id, 50, 5, ends, reasons));
    }
    Simulator::Stop(Seconds(600));
    Simulator::Run();
    EXPECT_EQ(ends, (std::vector<int>{1, 1, 1}));
    int full = 0;
    for (const auto& r : reasons)
    {
        full += r == "queue-full";
        EXPECT_TRUE(r == "queue-full" || r == "completed") << r;
    }
    EXPECT_EQ(full, 2);
    EXPECT_EQ(server->GetRequestsSubmitted(), 3u);
}

TEST_F(LlmRequestServerTest, JobHookAdaptsOrRefuses)
{
    Net net = BuildNet("gpt2-124m", "h100-sxm");
    Ptr<LlmRequestServer> server = NewServer(net.server, 4, false);
    ASSERT_TRUE(server->Listen(g_port));
    // Layer 0 is refused (no answer); others run as "proposer".
    server->SetJobHook(LlmRequestServer::JobHook([](const LlmHeader& request, InferenceJob& job) {
        job.kind = "proposer";
        return request.m_layer != 0;
    }));
    std::vector<std::string> kinds;
    net.engine->TraceConnectWithoutContext(
        "Enqueued",
        Callback<void, const InferenceJob&>(
            [&kinds](const InferenceJob& job) { kinds.push_back(job.kind); }));
    std::vector<int> ends;
    std::vector<std::string> reasons;
    Simulator::ScheduleNow(&LlmRequestSender::Start,
                           MakeSender(net, 1, 100, 10, ends, reasons, 0, Seconds(5)));
    Simulator::ScheduleNow(&LlmRequestSender::Start,
                           MakeSender(net, 2, 100, 10, ends, reasons, 1, Seconds(5)));
    Simulator::Stop(Seconds(60));
    Simulator::Run();
    EXPECT_EQ(ends, (std::vector<int>{1, 1}));
    EXPECT_EQ(reasons[0], "timeout");
    EXPECT_EQ(reasons[1], "completed");
    EXPECT_EQ(kinds, std::vector<std::string>{"proposer"});
    EXPECT_EQ(server->GetRequestsReceived(), 1u);
}

TEST_F(LlmRequestServerTest, NeverWritesToAClosedConnection)
{
    // The sender gives up long before the slow engine answers; the engine still runs the
    // job, and the server queues nothing for the closed connection.
    Net net = BuildNet("tinyllama-1.1b", "raspberry-pi-5");
    Ptr<LlmRequestServer> server = NewServer(net.server, 4, true);
    ASSERT_TRUE(server->Listen(g_port));
    ServerWatch watch(server);
    int completedJobs = 0;
    net.engine->TraceConnectWithoutContext(
        "Completed",
        Callback<void, const InferenceJob&>(
            [&completedJobs](const InferenceJob&) { ++completedJobs; }));
    std::vector<int> ends;
    std::vector<std::string> reasons;
    Ptr<LlmRequestSender> cancelled = MakeSender(net, 1, 400, 50, ends, reasons);
    Ptr<LlmRequestSender> timedOut = MakeSender(net, 2, 400, 50, ends, reasons, 0, Seconds(1));
    Simulator::ScheduleNow(&LlmRequestSender::Start, cancelled);
    Simulator::ScheduleNow(&LlmRequestSender::Start, timedOut);
    Simulator::Schedule(MilliSeconds(100), &LlmRequestSender::Cancel, cancelled);
    Simulator::Stop(Seconds(600));
    Simulator::Run();
    EXPECT_EQ(completedJobs, 2);
    EXPECT_EQ(watch.requests.size(), 2u);
    EXPECT_TRUE(watch.responses.empty());
    EXPECT_EQ(ends, (std::vector<int>{0, 1}));
    EXPECT_EQ(reasons[1], "timeout");
}

TEST_F(LlmRequestServerTest, ServeWithoutASocketAndStop)
{
    Net net = BuildNet("gpt2-124m", "h100-sxm");
    Ptr<LlmRequestServer> server = NewServer(net.server, 4, false);
    std::vector<LlmHeader> answers;
    LlmHeader request;
    request.m_type = LlmHeader::REQUEST;
    request.m_requestId = 5;
    request.m_layer = 1;
    request.m_promptTokens = 10;
    request.m_outputTokens = 3;
    Simulator::Schedule(Seconds(1), [&]() {
        server->Serve(request, LlmRequestServer::HeaderCallback([&answers](const LlmHeader& h) {
                          answers.push_back(h);
                      }));
    });
    // A listening server stops: later connections are refused.
    ASSERT_TRUE(server->Listen(g_port));
    Simulator::Schedule(Seconds(2), &LlmRequestServer::Stop, server);
    std::vector<int> ends;
    std::vector<std::string> reasons;
    Ptr<LlmRequestSender> late = MakeSender(net, 6, 10, 3, ends, reasons, 0, Seconds(10));
    Simulator::Schedule(Seconds(3), &LlmRequestSender::Start, late);
    Simulator::Stop(Seconds(60));
    Simulator::Run();
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].m_type, LlmHeader::FINAL_CHUNK);
    EXPECT_EQ(answers[0].m_requestId, 5u);
    EXPECT_EQ(answers[0].m_layer, 1);
    EXPECT_EQ(ends, std::vector<int>{1});
    EXPECT_TRUE(reasons[0] == "unreachable" || reasons[0] == "timeout") << reasons[0];
    // A second server cannot take a port that is in use.
    Ptr<LlmRequestServer> other = NewServer(net.server, 4, true);
    Ptr<LlmRequestServer> first = NewServer(net.server, 4, true);
    EXPECT_TRUE(first->Listen(9000));
    EXPECT_FALSE(other->Listen(9000));
    first->Stop();
}
