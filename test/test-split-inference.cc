/*
 * Split inference end to end: SplitClient on a device, SplitServer on an edge server, over
 * a 100 Mb/s, 1 ms point-to-point wire. Checks the bytes in the pcap against tokens x hidden
 * x 2 per switch, the measured latency against the planner's prediction on an idle link, the
 * server's refusals, and that every request ends once.
 */

#include "client-watch.h"
#include "edge-llm-test-fixture.h"
#include "two-node-wire.h"

#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-header.h"
#include "ns3/llm-app-helper.h"
#include "ns3/llm-engine-helper.h"
#include "ns3/llm-engine.h"
#include "ns3/llm-message-framer.h"
#include "ns3/pcap-file.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/pointer.h"
#include "ns3/request-log.h"
#include "ns3/split-client.h"
#include "ns3/split-planner.h"
#include "ns3/split-server.h"
#include "ns3/string.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/trace-helper.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

using namespace ns3;

namespace
{

const char* g_model = "tinyllama-1.1b"; // 22 blocks, hidden 2048
const uint32_t g_units = 22 + 2;

/// A planner that always answers one placement ("C"/"S" per unit): what a test scripts.
class ScriptedPlanner : public SplitPlanner
{
  public:
    explicit ScriptedPlanner(const std::string& placement)
        : m_placement(placement)
    {
    }

    SplitPlacement Plan(const SplitCosts& costs, double sla) const override
    {
        std::vector<bool> onServer;
        for (char c : m_placement)
        {
            onServer.push_back(c == 'S');
        }
        return SplitPlacement::Evaluate(costs, onServer, sla);
    }

    std::string GetName() const override
    {
        return "scripted";
    }

  private:
    std::string m_placement;
};

class SplitInferenceTest : public test::SimulationTest
{
  protected:
    void SetUp() override
    {
        test::SimulationTest::SetUp();
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
        Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10));
        m_wire = test::BuildTwoNodeWire();
        m_deviceEngine = Engine(m_wire.near, "jetson-orin-nano", "ns3::FcfsScheduler");
        m_serverEngine = Engine(m_wire.far, "edge-server-l4", "ns3::ContinuousBatchingScheduler");
        SplitClientHelper::InstallServer(NodeContainer(m_wire.far)).Start(Seconds(0));
    }

    void TearDown() override
    {
        m_wire.near->Dispose();
        m_wire.far->Dispose();
        test::SimulationTest::TearDown();
    }

    static Ptr<LlmEngine> Engine(Ptr<Node> node,
                                 const std::string& device,
                                 const std::string& scheduler)
    {
        LlmEngineHelper engines;
        engines.SetCostModel("ns3::RooflineCostModel");
        engines.SetCostModelAttribute("Model", StringValue(g_model));
        engines.SetCostModelAttribute("Device", StringValue(device));
        engines.SetScheduler(scheduler);
        return engines.Install(node);
    }

    /// A device that issues `requests` requests of P + G tokens, one every `gap` seconds,
    /// planned by `planner`, knowing the wire's rate and round trip.
    Ptr<SplitClient> Client(Ptr<SplitPlanner> planner,
                            uint32_t requests,
                            uint32_t prompt,
                            uint32_t output,
                            double gap)
    {
        SplitClientHelper helper(m_wire.farAddress);
        helper.SetAttribute("Planner", PointerValue(planner));
        helper.SetAttribute("ServerCostModel", PointerValue(m_serverEngine->GetCostModel()));
        helper.SetAttribute("MaxRequests", UintegerValue(requests));
        helper.SetAttribute("InitialLinkRate", DataRateValue(DataRate("100Mbps")));
        helper.SetAttribute("InitialRtt", TimeValue(MilliSeconds(2)));
        helper.SetWorkloadAttribute(
            "PromptTokens",
            StringValue("ns3::ConstantRandomVariable[Constant=" + std::to_string(prompt) + "]"));
        helper.SetWorkloadAttribute(
            "OutputTokens",
            StringValue("ns3::ConstantRandomVariable[Constant=" + std::to_string(output) + "]"));
        helper.SetWorkloadAttribute(
            "Interarrival",
            StringValue("ns3::ConstantRandomVariable[Constant=" + std::to_string(gap) + "]"));
        ApplicationContainer apps = helper.Install(NodeContainer(m_wire.near));
        apps.Start(Seconds(0));
        return DynamicCast<SplitClient>(apps.Get(0));
    }

    test::TwoNodeWire m_wire;
    Ptr<LlmEngine> m_deviceEngine;
    Ptr<LlmEngine> m_serverEngine;
};

/// The TCP payload bytes of each direction of a point-to-point pcap, in capture order.
std::map<Ipv4Address, Ptr<Packet>>
TcpStreams(const std::string& pcap)
{
    PcapFile file;
    file.Open(pcap, std::ios::in);
    std::map<Ipv4Address, Ptr<Packet>> streams;
    std::vector<uint8_t> buffer(65536);
    uint32_t sec;
    uint32_t usec;
    uint32_t captured;
    uint32_t original;
    uint32_t read;
    while (true)
    {
        file.Read(buffer.data(), buffer.size(), sec, usec, captured, original, read);
        if (file.Eof() || file.Fail())
        {
            break;
        }
        if (captured < 2 || captured > buffer.size())
        {
            ADD_FAILURE() << "a record of " << captured << " bytes";
            break;
        }
        Ptr<Packet> p = Create<Packet>(buffer.data() + 2, captured - 2); // after PPP's 2 bytes
        Ipv4Header ip;
        p->RemoveHeader(ip);
        if (ip.GetProtocol() != 6)
        {
            continue;
        }
        TcpHeader tcp;
        p->RemoveHeader(tcp);
        p->RemoveAtEnd(p->GetSize() - (ip.GetPayloadSize() - tcp.GetSerializedSize()));
        if (p->GetSize() == 0)
        {
            continue;
        }
        auto [it, fresh] = streams.emplace(ip.GetSource(), Create<Packet>());
        it->second->AddAtEnd(p);
    }
    return streams;
}

} // namespace

TEST_F(SplitInferenceTest, HiddenStatesOnTheWireAreTokensTimesHiddenTimesTwo)
{
    // Device: embedding and blocks 0-4; server: blocks 5-14; device: blocks 15-21 and the
    // head. Hidden states cross up before block 5 and down after block 14, every step.
    const std::string placement = "CCCCCC" + std::string(10, 'S') + std::string(8, 'C');
    ASSERT_EQ(placement.size(), g_units);
    const uint32_t P = 40;
    const uint32_t G = 5;
    Ptr<SplitClient> client = Client(Create<ScriptedPlanner>(placement), 1, P, G, 1.0);
    test::ClientWatch watch(client);
    const std::string dir = TempDir();
    // As PointToPointHelper::EnablePcap does, keeping the file to close it before reading.
    PcapHelper pcap;
    Ptr<PcapFileWrapper> file =
        pcap.CreateFile(dir + "/wire.pcap", std::ios::out, PcapHelper::DLT_PPP);
    pcap.HookDefaultSink<PointToPointNetDevice>(
        DynamicCast<PointToPointNetDevice>(m_wire.far->GetDevice(0)),
        "PromiscSniffer",
        file);
    Simulator::Stop(Seconds(60));
    Simulator::Run();
    file->Close();
    ASSERT_EQ(watch.completed.size(), 1u);
    const RequestRecord& r = watch.completed[0];
    EXPECT_EQ(r.placement, placement);
    EXPECT_EQ(r.switches, 2u);

    const auto streams = TcpStreams(dir + "/wire.pcap");
    ASSERT_EQ(streams.size(), 2u);
    const uint32_t hidden = 2048 * 2; // bytes per token's hidden state
    for (const auto& [source, bytes] : streams)
    {
        const bool up = source == m_wire.nearAddress;
        LlmMessageFramer framer;
        framer.Push(bytes);
        LlmHeader h;
        Ptr<Packet> payload;
        uint32_t step = 0;
        uint64_t total = 0;
        while (framer.Pop(h, payload))
        {
            ASSERT_EQ(h.m_type, LlmHeader::SPLIT_HIDDEN);
            EXPECT_EQ(h.m_step, step) << (up ? "up" : "down");
            EXPECT_EQ(h.m_firstUnit, 6u);
            EXPECT_EQ(h.m_lastUnit, 15u);
            // The prompt's states at the prefill, one token's per decode step.
            EXPECT_EQ(h.m_payloadBytes, (step == 0 ? P : 1) * hidden) << "step " << step;
            EXPECT_EQ(h.m_residenceMicros > 0, !up) << "only the server reports residence";
            total += LlmHeader::MAX_SERIALIZED_SIZE + h.m_payloadBytes;
            ++step;
        }
        EXPECT_FALSE(framer.HasError()) << framer.GetError();
        EXPECT_EQ(step, G) << "one message per step each way";
        EXPECT_EQ(bytes->GetSize(), total) << "nothing else on the wire";
        EXPECT_EQ(up ? r.bytesSent : r.bytesReceived, total);
    }
}

TEST_F(SplitInferenceTest, IdleLinkLatencyMatchesThePlan)
{
    // One request at a time on an idle wire, the client told the wire's rate and RTT: the
    // measured latency is the planner's prediction plus what the plan leaves out (TCP/IP
    // headers, 44-byte message headers, ns rounding), within 5 %.
    for (const char* planner : {"dp", "greedy", "server-only", "client-only", "split:12"})
    {
        SCOPED_TRACE(planner);
        Ptr<SplitClient> client = Client(SplitPlanner::ByName(planner), 3, 200, 20, 30.0);
        client->SetAttribute("Sla", TimeValue(Seconds(3)));
        test::ClientWatch watch(client);
        Simulator::Stop(Seconds(120));
        Simulator::Run();
        watch.ExpectAllEndedOnce();
        ASSERT_EQ(watch.completed.size(), 3u);
        for (const RequestRecord& r : watch.completed)
        {
            const double latency = (r.completion - r.arrival).GetSeconds();
            EXPECT_NEAR(latency, r.predictedSeconds, 0.05 * r.predictedSeconds)
                << r.placement << ": measured " << latency << " s, planned " << r.predictedSeconds
                << " s";
            EXPECT_GT(r.firstToken, r.arrival);
            EXPECT_LT(r.firstToken, r.completion);
        }
        TearDown(); // a fresh wire, engines and server for the next planner
        SetUp();
    }
}

TEST_F(SplitInferenceTest, PlannerSavesServerWorkUnderTheSla)
{
    // The same request under dp and server-only: dp meets the SLA with less server compute,
    // as the request log measures it on the server's engine.
    std::map<std::string, double> serverWork;
    std::map<std::string, double> latency;
    // An SLA half-way between the server alone and the device alone: dp must split.
    const SplitCosts costs = SplitCosts::Compute(*m_deviceEngine->GetCostModel(),
                                                 *m_serverEngine->GetCostModel(),
                                                 SplitLink{100e6, 100e6, 0.002},
                                                 200,
                                                 20);
    const double sla = (SplitPlanner::ByName("server-only")->Plan(costs, 1e9).latency +
                        SplitPlanner::ByName("client-only")->Plan(costs, 1e9).latency) /
                       2;
    for (const char* planner : {"dp", "server-only"})
    {
        Ptr<SplitClient> client = Client(SplitPlanner::ByName(planner), 1, 200, 20, 1.0);
        client->SetAttribute("Sla", TimeValue(Seconds(sla)));
        Ptr<RequestLog> log = CreateObject<RequestLog>();
        log->WatchClient(client);
        log->WatchEngine(m_deviceEngine, m_wire.near->GetId());
        log->WatchEngine(m_serverEngine, m_wire.far->GetId());
        Simulator::Stop(Seconds(60));
        Simulator::Run();
        ASSERT_EQ(log->GetRows().size(), 1u);
        const RequestLog::Row& row = log->GetRows().begin()->second;
        ASSERT_EQ(row.record.status, "completed");
        EXPECT_EQ(row.SlaMet(), 1) << planner;
        serverWork[planner] = row.workSeconds - row.ownWorkSeconds;
        latency[planner] = row.LatencySeconds();
        TearDown(); // a fresh wire, engines and server for the next planner
        SetUp();
    }
    EXPECT_LT(serverWork["dp"], 0.9 * serverWork["server-only"]);
    EXPECT_GT(serverWork["dp"], 0);
    EXPECT_LE(latency["dp"], sla);
}

TEST_F(SplitInferenceTest, ManyRequestsEachEndOnceEvenWhenTheyTimeOut)
{
    // A fixed split at a load beyond what the device can carry, a short timeout: some requests
    // time out mid-step, the rest complete; every one ends once, late answers are ignored.
    Ptr<SplitClient> client = Client(SplitPlanner::ByName("split:12"), 30, 100, 30, 0.4);
    client->SetAttribute("Timeout", TimeValue(Seconds(2.5)));
    client->SetAttribute("Sla", TimeValue(Seconds(1.5)));
    test::ClientWatch watch(client);
    Simulator::Schedule(Seconds(25), &SplitClient::StopIssuing, client);
    client->SetStopTime(Seconds(40));
    Simulator::Stop(Seconds(50));
    Simulator::Run();
    watch.ExpectAllEndedOnce();
    EXPECT_EQ(watch.issued.size(), 30u);
    EXPECT_GT(watch.completed.size(), 0u);
    EXPECT_GT(watch.FailureReasons()["timeout"], 0);
    EXPECT_EQ(client->GetOpen(), 0u);
}

TEST_F(SplitInferenceTest, ServerRefusesStepsItCannotServe)
{
    // A raw connection sends split steps the server must refuse: units beyond the model and a
    // step beyond the request's output. Each gets an ERROR naming bad-split-step.
    Ptr<Socket> socket = Socket::CreateSocket(m_wire.near, TcpSocketFactory::GetTypeId());
    std::vector<LlmHeader> answers;
    Ptr<LlmConnection> connection;
    socket->SetConnectCallback(
        Callback<void, Ptr<Socket>>([&](Ptr<Socket> s) {
            connection = Create<LlmConnection>(
                s,
                LlmConnection::MessageCallback([&](Ptr<LlmConnection>,
                                                   const LlmHeader& h,
                                                   Ptr<Packet>) { answers.push_back(h); }),
                LlmConnection::EndCallback([](Ptr<LlmConnection>, const std::string&) {}));
            LlmHeader step;
            step.m_type = LlmHeader::SPLIT_HIDDEN;
            step.m_requestId = 1;
            step.m_promptTokens = 10;
            step.m_outputTokens = 3;
            step.m_firstUnit = 5;
            step.m_lastUnit = 40; // the model has 24 units
            connection->Send(step);
            step.m_requestId = 2;
            step.m_lastUnit = 10;
            step.m_step = 3; // steps are 0..2
            connection->Send(step);
            step.m_requestId = 3;
            step.m_step = 1; // fine: a decode step of blocks 4-9
            connection->Send(step);
        }),
        MakeNullCallback<void, Ptr<Socket>>());
    socket->Bind();
    // After the nodes are initialised (the traffic-control layer scans its devices then).
    Simulator::Schedule(MilliSeconds(100),
                        [&]() { socket->Connect(InetSocketAddress(m_wire.farAddress, 8200)); });
    Simulator::Stop(Seconds(5));
    Simulator::Run();
    ASSERT_EQ(answers.size(), 3u);
    std::map<uint64_t, LlmHeader> byId;
    for (const auto& a : answers)
    {
        byId[a.m_requestId] = a;
    }
    EXPECT_EQ(byId[1].m_type, LlmHeader::ERROR);
    EXPECT_EQ(byId[1].m_reason, LlmHeader::BAD_SPLIT_STEP);
    EXPECT_EQ(byId[2].m_type, LlmHeader::ERROR);
    EXPECT_EQ(byId[2].m_reason, LlmHeader::BAD_SPLIT_STEP);
    EXPECT_EQ(byId[3].m_type, LlmHeader::SPLIT_HIDDEN);
    EXPECT_EQ(byId[3].m_payloadBytes, 2048u * 2);
    EXPECT_GT(byId[3].m_residenceMicros, 0u);
    connection->Close();
}

TEST_F(SplitInferenceTest, MixedLayerRangesBatchPerBlock)
{
    // Two decode steps in one batch, one through blocks 0-9, one through blocks 5-21 and the
    // head: blocks 5-9 are one pass over both, the rest over one each.
    Ptr<InferenceCostModel> cost = m_serverEngine->GetCostModel();
    BatchStep both;
    both.decodeContexts = {100, 200};
    const LayerRange a{0, 10, false};
    const LayerRange b{5, 22, true};
    BatchStep first;
    first.decodeContexts = {100};
    BatchStep second;
    second.decodeContexts = {200};
    const double expected = cost->BatchStepSeconds(first, {0, 5, false}) +
                            cost->BatchStepSeconds(both, {5, 10, false}) +
                            cost->BatchStepSeconds(second, {10, 22, false}) +
                            cost->BatchStepSeconds(second, {22, 22, true});
    EXPECT_DOUBLE_EQ(cost->MixedBatchStepSeconds(both, {}, {a, b}), expected);
    // Equal ranges: the plain batch.
    EXPECT_DOUBLE_EQ(cost->MixedBatchStepSeconds(both, {}, {b, b}),
                     cost->BatchStepSeconds(both, b));
    // The head alone costs less than a block with it, more than nothing.
    EXPECT_GT(cost->BatchStepSeconds(second, {22, 22, true}), 0);
    EXPECT_LT(cost->BatchStepSeconds(second, {22, 22, true}),
              cost->BatchStepSeconds(second, {21, 22, true}));
}
