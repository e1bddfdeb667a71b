/*
 * LlmClient: arrival processes, trace replay, limits, and that every request ends exactly once.
 * Topology: client ==== 100 Mb/s point-to-point ==== server (LlmServer + LlmEngine).
 */

#include "client-watch.h"
#include "edge-llm-test-fixture.h"
#include "two-node-wire.h"

#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/llm-app-helper.h"
#include "ns3/llm-client.h"
#include "ns3/llm-engine-helper.h"
#include "ns3/llm-server.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/request-log.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <gtest/gtest.h>
#include <map>
#include <set>

using namespace ns3;

namespace
{

const std::string g_replay = std::string(EDGE_LLM_TEST_DATA_DIR) + "/trace-replay.csv";
const uint16_t g_port = 8000;

/// Two nodes on a wire; the server node has an engine and, unless told otherwise, a server.
struct TwoNodes
{
    Ptr<Node> client;
    Ptr<Node> server;
    Ipv4Address clientAddress;
    Ipv4Address serverAddress;
    Ptr<LlmEngine> engine;
};

TwoNodes
BuildTwoNodes(const std::string& model,
              const std::string& device,
              uint32_t queueCapacity = 64,
              bool withServer = true)
{
    TwoNodes net;
    const test::TwoNodeWire wire = test::BuildTwoNodeWire();
    net.client = wire.near;
    net.server = wire.far;
    net.clientAddress = wire.nearAddress;
    net.serverAddress = wire.farAddress;

    LlmEngineHelper engines;
    engines.SetCostModel("ns3::RooflineCostModel");
    engines.SetCostModelAttribute("Model", StringValue(model));
    engines.SetCostModelAttribute("Device", StringValue(device));
    engines.SetEngineAttribute("QueueCapacity", UintegerValue(queueCapacity));
    net.engine = engines.Install(net.server);
    if (withServer)
    {
        LlmServerHelper servers(g_port);
        servers.Install(NodeContainer(net.server)).Start(Seconds(0));
    }
    return net;
}

class LlmClientTest : public ns3::test::SimulationTest
{
  protected:
    Ptr<LlmClient> InstallClient(const TwoNodes& net,
                                 const std::map<std::string, std::string>& attributes,
                                 Ipv4Address to = Ipv4Address())
    {
        LlmClientHelper helper(to == Ipv4Address() ? net.serverAddress : to, g_port);
        for (const auto& [name, value] : attributes)
        {
            // The request distributions belong to the client's workload.
            const bool workload = name == "Interarrival" || name == "PromptTokens" ||
                                  name == "OutputTokens" || name == "ThinkTime";
            if (workload)
            {
                helper.SetWorkloadAttribute(name, StringValue(value));
            }
            else
            {
                helper.SetAttribute(name, StringValue(value));
            }
        }
        ApplicationContainer apps = helper.Install(NodeContainer(net.client));
        LlmClientHelper::AssignStreams(apps, 100);
        return DynamicCast<LlmClient>(apps.Get(0));
    }
};

} // namespace

TEST_F(LlmClientTest, PoissonArrivalCountAndPromptMean)
{
    // A fast server (gpt2 on an H100) so nothing queues: what is measured is the arrivals.
    TwoNodes net = BuildTwoNodes("gpt2-124m", "h100-sxm");
    const double mean = 0.5;
    const double T = 400;
    Ptr<LlmClient> client =
        InstallClient(net,
                      {{"Mode", "poisson"},
                       {"Interarrival", "ns3::ExponentialRandomVariable[Mean=0.5]"},
                       {"PromptTokens", "ns3::UniformRandomVariable[Min=10|Max=500]"},
                       {"OutputTokens", "ns3::UniformRandomVariable[Min=1|Max=100]"}});
    test::ClientWatch watch(client);
    client->SetStartTime(Seconds(0));
    client->SetStopTime(Seconds(T + 30));
    Simulator::Schedule(Seconds(T), &LlmClient::StopIssuing, client);
    Simulator::Stop(Seconds(T + 31));
    Simulator::Run();

    const double n = watch.issued.size();
    const double expected = T / mean;
    EXPECT_NEAR(n, expected, 4 * std::sqrt(expected)) << "Poisson count over " << T << " s";
    EXPECT_EQ(client->GetIssued(), watch.issued.size());
    for (const auto& r : watch.issued)
    {
        EXPECT_LE(r.arrival, Seconds(T));
    }
    // Uniform(10, 500): mean 255, sd 490 / sqrt(12).
    double sum = 0;
    for (const auto& r : watch.issued)
    {
        sum += r.promptTokens;
        EXPECT_GE(r.promptTokens, 10u);
        EXPECT_LE(r.promptTokens, 500u);
    }
    const double sd = 490 / std::sqrt(12.0);
    EXPECT_NEAR(sum / n, 255, 4 * sd / std::sqrt(n));
    // Gaps are exponential with the configured mean.
    const double meanGap =
        (watch.issued.back().arrival - watch.issued.front().arrival).GetSeconds() / (n - 1);
    EXPECT_NEAR(meanGap, mean, 4 * mean / std::sqrt(n - 1));

    // The server kept up: everything completed, and the bytes are what the wire format says.
    watch.ExpectAllEndedOnce();
    EXPECT_EQ(watch.failed.size(), 0u) << watch.failed.front().reason;
    EXPECT_EQ(watch.firstTokens.size(), watch.completed.size());
    for (const auto& r : watch.completed)
    {
        EXPECT_LT(r.arrival, r.firstToken);
        EXPECT_LE(r.firstToken, r.completion);
        EXPECT_EQ(r.bytesSent, 32u + 4 * r.promptTokens);
        EXPECT_EQ(r.bytesReceived, 32u + 4 + 32 + 4 * (r.outputTokens - 1));
    }
}

TEST_F(LlmClientTest, DefaultTokenDistributions)
{
    // The defaults are log-normal fits of the Azure trace: prompt mean exp(mu + sigma^2 / 2).
    TwoNodes net = BuildTwoNodes("gpt2-124m", "h100-sxm");
    Ptr<LlmClient> client =
        InstallClient(net, {{"Interarrival", "ns3::ExponentialRandomVariable[Mean=0.1]"}});
    test::ClientWatch watch(client);
    client->SetStopTime(Seconds(100));
    Simulator::Stop(Seconds(101));
    Simulator::Run();
    const double n = watch.issued.size();
    ASSERT_GT(n, 500);
    std::vector<double> logs;
    for (const auto& r : watch.issued)
    {
        logs.push_back(std::log(r.promptTokens));
    }
    double mu = 0;
    for (double v : logs)
    {
        mu += v;
    }
    mu /= n;
    // ln(prompt) is normal(6.633, 0.985): its sample mean is within 4 standard errors.
    EXPECT_NEAR(mu, 6.633, 4 * 0.985 / std::sqrt(n));
    watch.ExpectAllEndedOnce();
    // gpt2's 1024-token context refuses the long prompts, over the wire.
    EXPECT_GT(watch.FailureReasons()["context-too-long"], 0);
}

TEST_F(LlmClientTest, ClosedLoopNeverExceedsUsers)
{
    // A slow server (TinyLlama on a Raspberry Pi) so users wait and requests pile up.
    TwoNodes net = BuildTwoNodes("tinyllama-1.1b", "raspberry-pi-5");
    const uint32_t users = 3;
    Ptr<LlmClient> client =
        InstallClient(net,
                      {{"Mode", "closed-loop"},
                       {"Users", std::to_string(users)},
                       {"ThinkTime", "ns3::ExponentialRandomVariable[Mean=1]"},
                       {"PromptTokens", "ns3::UniformRandomVariable[Min=10|Max=200]"},
                       {"OutputTokens", "ns3::UniformRandomVariable[Min=1|Max=20]"}});
    test::ClientWatch watch(client);
    int maxGetOpen = 0;
    client->TraceConnectWithoutContext(
        "RequestIssued",
        // By reference: a copy of the Ptr in the client's own trace would keep it alive.
        Callback<void, const RequestRecord&>([&maxGetOpen, &client](const RequestRecord&) {
            maxGetOpen = std::max<int>(maxGetOpen, client->GetOpen());
        }));
    client->SetStartTime(Seconds(1));
    client->SetStopTime(Seconds(120));
    Simulator::Stop(Seconds(121));
    Simulator::Run();

    EXPECT_EQ(watch.maxOpen, static_cast<int>(users)) << "all users busy at the start";
    EXPECT_LE(maxGetOpen, static_cast<int>(users));
    // Users really waited: more than U requests over the run, all issued after the start.
    EXPECT_GT(watch.issued.size(), 3 * users);
    EXPECT_EQ(watch.issued.front().arrival, Seconds(1));
    watch.ExpectAllEndedOnce();
}

TEST_F(LlmClientTest, TraceReplaysStridedRowsAtScaledTimes)
{
    TwoNodes net = BuildTwoNodes("gpt2-124m", "h100-sxm");
    // Rows 1, 4, 7, 10 of the file (arrivals 1.5, 4, 10, 15 s) at half the time.
    Ptr<LlmClient> client = InstallClient(net,
                                          {{"Mode", "trace"},
                                           {"TraceFile", g_replay},
                                           {"TraceOffset", "1"},
                                           {"TraceStride", "3"},
                                           {"TraceTimeScale", "0.5"}});
    test::ClientWatch watch(client);
    client->SetStartTime(Seconds(2));
    client->SetStopTime(Seconds(60));
    Simulator::Stop(Seconds(200)); // a bound, in case something never ends
    Simulator::Run();
    ASSERT_EQ(watch.issued.size(), 4u);
    const double times[] = {1.5, 4, 10, 15};
    for (size_t i = 0; i < 4; ++i)
    {
        const uint32_t row = 1 + 3 * i;
        EXPECT_EQ(watch.issued[i].arrival, Seconds(2 + 0.5 * times[i])) << "row " << row;
        EXPECT_EQ(watch.issued[i].promptTokens, 100 + row);
        EXPECT_EQ(watch.issued[i].outputTokens, 5 + row);
    }
    watch.ExpectAllEndedOnce();
    EXPECT_EQ(watch.completed.size(), 4u);
}

TEST_F(LlmClientTest, TraceReplaysEveryRow)
{
    TwoNodes net = BuildTwoNodes("gpt2-124m", "h100-sxm");
    Ptr<LlmClient> client = InstallClient(net, {{"Mode", "trace"}, {"TraceFile", g_replay}});
    test::ClientWatch watch(client);
    client->SetStopTime(Seconds(60));
    Simulator::Stop(Seconds(200)); // a bound, in case something never ends
    Simulator::Run();
    const double times[] = {0, 1.5, 2, 4, 4, 7.25, 9, 10, 12.5, 13, 15, 18.75};
    ASSERT_EQ(watch.issued.size(), 12u);
    for (size_t i = 0; i < 12; ++i)
    {
        EXPECT_EQ(watch.issued[i].arrival, Seconds(times[i])) << "row " << i;
        EXPECT_EQ(watch.issued[i].promptTokens, 100 + i) << "row " << i;
    }
    watch.ExpectAllEndedOnce();
}

TEST_F(LlmClientTest, MaxRequests)
{
    TwoNodes net = BuildTwoNodes("gpt2-124m", "h100-sxm");
    Ptr<LlmClient> poisson =
        InstallClient(net,
                      {{"Interarrival", "ns3::ExponentialRandomVariable[Mean=0.1]"},
                       {"PromptTokens", "ns3::ConstantRandomVariable[Constant=50]"},
                       {"MaxRequests", "7"}});
    Ptr<LlmClient> trace =
        InstallClient(net, {{"Mode", "trace"}, {"TraceFile", g_replay}, {"MaxRequests", "5"}});
    Ptr<LlmClient> closed =
        InstallClient(net,
                      {{"Mode", "closed-loop"},
                       {"Users", "2"},
                       {"ThinkTime", "ns3::ConstantRandomVariable[Constant=0.5]"},
                       {"PromptTokens", "ns3::ConstantRandomVariable[Constant=50]"},
                       {"MaxRequests", "9"}});
    test::ClientWatch pw(poisson);
    test::ClientWatch tw(trace);
    test::ClientWatch cw(closed);
    for (auto app : {poisson, trace, closed})
    {
        app->SetStopTime(Seconds(100));
    }
    Simulator::Stop(Seconds(200)); // a bound, in case something never ends
    Simulator::Run();
    EXPECT_EQ(pw.issued.size(), 7u);
    EXPECT_EQ(tw.issued.size(), 5u);
    EXPECT_EQ(cw.issued.size(), 9u);
    EXPECT_EQ(poisson->GetIssued(), 7u);
    // Three clients on one node: request ids stay distinct across them.
    std::set<uint64_t> ids;
    for (const auto* w : {&pw, &tw, &cw})
    {
        w->ExpectAllEndedOnce();
        EXPECT_EQ(w->failed.size(), 0u);
        for (const auto& r : w->issued)
        {
            EXPECT_TRUE(ids.insert(r.requestId).second) << r.requestId;
        }
    }
}

TEST_F(LlmClientTest, NoServerListening)
{
    // The server node exists and is reachable but runs no LlmServer: TCP answers with a reset.
    TwoNodes net = BuildTwoNodes("gpt2-124m", "h100-sxm", 64, false);
    Ptr<LlmClient> client = InstallClient(
        net,
        {{"Interarrival", "ns3::ExponentialRandomVariable[Mean=2]"}, {"Timeout", "10s"}});
    test::ClientWatch watch(client);
    client->SetStopTime(Seconds(60));
    Simulator::Schedule(Seconds(40), &LlmClient::StopIssuing, client);
    Simulator::Stop(Seconds(200)); // a bound, in case something never ends
    Simulator::Run();
    ASSERT_GT(watch.issued.size(), 5u);
    watch.ExpectAllEndedOnce();
    EXPECT_EQ(watch.completed.size(), 0u);
    for (const auto& r : watch.failed)
    {
        EXPECT_TRUE(r.reason == "unreachable" || r.reason == "timeout") << r.reason;
        EXPECT_LE(r.completion - r.arrival, Seconds(10));
    }
}

TEST_F(LlmClientTest, NoRouteOrNoHost)
{
    TwoNodes net = BuildTwoNodes("gpt2-124m", "h100-sxm");
    // No route at all, and an address on the link that no node owns.
    Ptr<LlmClient> noRoute = InstallClient(
        net,
        {{"Interarrival", "ns3::ExponentialRandomVariable[Mean=2]"}, {"Timeout", "10s"}},
        Ipv4Address("192.168.77.1"));
    Ptr<LlmClient> noHost = InstallClient(
        net,
        {{"Interarrival", "ns3::ExponentialRandomVariable[Mean=2]"}, {"Timeout", "10s"}},
        Ipv4Address("10.1.1.99"));
    test::ClientWatch rw(noRoute);
    test::ClientWatch hw(noHost);
    for (auto app : {noRoute, noHost})
    {
        app->SetStopTime(Seconds(60));
        Simulator::Schedule(Seconds(30), &LlmClient::StopIssuing, app);
    }
    Simulator::Stop(Seconds(200)); // a bound, in case something never ends
    Simulator::Run();
    for (const auto* w : {&rw, &hw})
    {
        ASSERT_GT(w->issued.size(), 3u);
        w->ExpectAllEndedOnce();
        EXPECT_EQ(w->completed.size(), 0u);
        for (const auto& r : w->failed)
        {
            EXPECT_TRUE(r.reason == "unreachable" || r.reason == "timeout") << r.reason;
        }
    }
    // Without a route the failure is immediate.
    for (const auto& r : rw.failed)
    {
        EXPECT_EQ(r.reason, "unreachable");
        EXPECT_EQ(r.completion, r.arrival);
    }
}

TEST_F(LlmClientTest, StopFailsOpenRequestsAsUnfinished)
{
    // Slow server: many requests are still waiting when the client stops.
    TwoNodes net = BuildTwoNodes("tinyllama-1.1b", "raspberry-pi-5");
    Ptr<LlmClient> client =
        InstallClient(net,
                      {{"Interarrival", "ns3::ExponentialRandomVariable[Mean=1]"},
                       {"PromptTokens", "ns3::ConstantRandomVariable[Constant=100]"},
                       {"OutputTokens", "ns3::ConstantRandomVariable[Constant=30]"}});
    test::ClientWatch watch(client);
    client->SetStopTime(Seconds(30));
    Simulator::Stop(Seconds(40));
    Simulator::Run();
    watch.ExpectAllEndedOnce();
    EXPECT_EQ(client->GetOpen(), 0u);
    const auto reasons = watch.FailureReasons();
    ASSERT_TRUE(reasons.count("unfinished")) << "nothing open at stop?";
    EXPECT_GT(reasons.at("unfinished"), 5);
    EXPECT_GT(watch.completed.size(), 0u);
    for (const auto& r : watch.failed)
    {
        if (r.reason == "unfinished")
        {
            EXPECT_EQ(r.completion, Seconds(30));
        }
    }
    // Nothing more is issued after the stop.
    for (const auto& r : watch.issued)
    {
        EXPECT_LT(r.arrival, Seconds(30));
    }
}

namespace
{

/// Counts the IPv4 packets the nodes send or drop once the run is over (while it is torn down).
struct TrafficAfterTheRun
{
    bool over{false};
    uint32_t packets{0};

    void Tx(Ptr<const Packet>, Ptr<Ipv4>, uint32_t)
    {
        packets += over ? 1 : 0;
    }

    void Drop(const Ipv4Header&, Ptr<const Packet>, Ipv4L3Protocol::DropReason, Ptr<Ipv4>, uint32_t)
    {
        packets += over ? 1 : 0;
    }
};

} // namespace

TEST_F(LlmClientTest, RunEndingWithRequestsOpenLetsGoOfThePhones)
{
    // The run stops while the client and the server are before their stop times and requests
    // wait at the slow server. Disposing of the apps must let go of the sockets without a
    // word (closing them sent FINs into an IPv4 stack already disposed, which dropped them)
    // and break every socket <-> connection cycle, or the sockets keep the nodes (and all
    // they hold) alive.
    TwoNodes net = BuildTwoNodes("tinyllama-1.1b", "raspberry-pi-5");
    Ptr<LlmClient> client =
        InstallClient(net,
                      {{"Interarrival", "ns3::ExponentialRandomVariable[Mean=1]"},
                       {"PromptTokens", "ns3::ConstantRandomVariable[Constant=100]"},
                       {"OutputTokens", "ns3::ConstantRandomVariable[Constant=30]"}});
    client->SetStopTime(Seconds(30));
    Ptr<Application> server = net.server->GetApplication(0);
    TrafficAfterTheRun traffic;
    Config::ConnectWithoutContext("/NodeList/*/$ns3::Ipv4L3Protocol/Tx",
                                  MakeCallback(&TrafficAfterTheRun::Tx, &traffic));
    Config::ConnectWithoutContext("/NodeList/*/$ns3::Ipv4L3Protocol/Drop",
                                  MakeCallback(&TrafficAfterTheRun::Drop, &traffic));
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    ASSERT_GT(client->GetOpen(), 2u) << "nothing open when the run ends?";
    traffic.over = true;
    net.engine = nullptr;
    Simulator::Destroy();
    EXPECT_EQ(traffic.packets, 0u) << "packets sent or dropped while the run was torn down";
    // Only this test holds them now.
    EXPECT_EQ(client->GetReferenceCount(), 1u);
    EXPECT_EQ(server->GetReferenceCount(), 1u);
    EXPECT_EQ(net.client->GetReferenceCount(), 1u) << "the phone is kept alive";
    EXPECT_EQ(net.server->GetReferenceCount(), 1u) << "the server node is kept alive";
}

TEST_F(LlmClientTest, ServerQueueFullReachesTheClient)
{
    // No waiting room and a slow engine: the engine's drop reason comes back over the wire.
    TwoNodes net = BuildTwoNodes("tinyllama-1.1b", "raspberry-pi-5", 0);
    Ptr<LlmClient> client =
        InstallClient(net,
                      {{"Interarrival", "ns3::ExponentialRandomVariable[Mean=0.5]"},
                       {"PromptTokens", "ns3::ConstantRandomVariable[Constant=100]"},
                       {"OutputTokens", "ns3::ConstantRandomVariable[Constant=20]"}});
    test::ClientWatch watch(client);
    client->SetStopTime(Seconds(100));
    Simulator::Schedule(Seconds(40), &LlmClient::StopIssuing, client);
    Simulator::Stop(Seconds(200)); // a bound, in case something never ends
    Simulator::Run();
    watch.ExpectAllEndedOnce();
    EXPECT_GT(watch.FailureReasons()["queue-full"], 10);
    EXPECT_GT(watch.completed.size(), 0u);
    for (const auto& r : watch.failed)
    {
        EXPECT_EQ(r.reason, "queue-full");
        EXPECT_TRUE(r.firstToken.IsZero());
    }
}

TEST_F(LlmClientTest, FailedRequestsNameTheirServer)
{
    // Nobody listens on the server node: requests fail in the network, never reach an engine,
    // and still name the server they were sent to; an address no node owns names none.
    TwoNodes net = BuildTwoNodes("gpt2-124m", "h100-sxm", 64, false);
    Ptr<LlmClient> refused = InstallClient(
        net,
        {{"Interarrival", "ns3::ExponentialRandomVariable[Mean=2]"}, {"Timeout", "5s"}});
    Ptr<LlmClient> noHost = InstallClient(
        net,
        {{"Interarrival", "ns3::ExponentialRandomVariable[Mean=2]"}, {"Timeout", "5s"}},
        Ipv4Address("10.1.1.99"));
    Ptr<RequestLog> log = CreateObject<RequestLog>();
    log->WatchClient(refused);
    log->WatchClient(noHost);
    log->WatchEngine(net.engine, net.server->GetId());
    test::ClientWatch rw(refused);
    test::ClientWatch hw(noHost);
    for (auto app : {refused, noHost})
    {
        app->SetStopTime(Seconds(30));
        Simulator::Schedule(Seconds(20), &LlmClient::StopIssuing, app);
    }
    Simulator::Stop(Seconds(100));
    Simulator::Run();
    ASSERT_GT(rw.failed.size(), 3u);
    ASSERT_GT(hw.failed.size(), 3u);
    for (const auto& r : rw.failed)
    {
        ASSERT_TRUE(r.server.has_value()) << r.requestId;
        EXPECT_EQ(*r.server, net.server->GetId());
    }
    for (const auto& r : hw.failed)
    {
        EXPECT_FALSE(r.server.has_value()) << r.requestId;
    }
    const std::string path = TempDir() + "/requests.csv";
    log->WriteCsv(path);
    const auto rows = ns3::test::ReadCsv(path);
    ASSERT_EQ(rows.size(), 1 + rw.failed.size() + hw.failed.size());
    ASSERT_EQ(rows[0][3], "server");
    for (size_t i = 1; i < rows.size(); ++i)
    {
        const uint32_t node = std::stoul(rows[i][1]);
        ASSERT_EQ(rows[i][7], "failed");
        const uint64_t id = std::stoull(rows[i][0]);
        const bool fromRefused = (id >> 32 & 0xFF) == 0;
        EXPECT_EQ(node, net.client->GetId());
        EXPECT_EQ(rows[i][3], fromRefused ? std::to_string(net.server->GetId()) : "") << id;
    }
}
