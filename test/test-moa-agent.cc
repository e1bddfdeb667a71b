/*
 * MoaAgent: the distributed Mixture-of-Agents protocol, checked through its trace sources and
 * the engines' (ideal network: the theorem's world; wireless: gossip, TCP, a failing peer).
 */
#include "edge-llm-test-fixture.h"

#include "ns3/adhoc-network-helper.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/llm-engine-helper.h"
#include "ns3/llm-run-helper.h"
#include "ns3/moa-agent.h"
#include "ns3/moa-helper.h"
#include "ns3/moa-scenario.h"
#include "ns3/peer-sampler.h"
#include "ns3/queue-stability.h"
#include "ns3/service-time-cost-model.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-net-device.h"
#include "ns3/wifi-phy.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace
{

using namespace ns3;

/// n devices with engines of the given service times and MoA agents.
struct Moa
{
    NodeContainer nodes;
    std::vector<Ptr<LlmEngine>> engines;
    MoaApps apps;
};

/// Short prompts and outputs: no job comes near the context limit.
void
SetShortLengths(MoaHelper& moa)
{
    moa.SetWorkloadAttribute("PromptTokens",
                             StringValue("ns3::UniformRandomVariable[Min=50|Max=500]"));
    moa.SetWorkloadAttribute("OutputTokens",
                             StringValue("ns3::UniformRandomVariable[Min=20|Max=300]"));
}

void
InstallEngines(Moa& moa, const std::vector<std::string>& serviceTimes)
{
    for (uint32_t i = 0; i < moa.nodes.GetN(); ++i)
    {
        LlmEngineHelper engines;
        engines.SetCostModel("ns3::ServiceTimeCostModel");
        engines.SetCostModelAttribute("ServiceTime",
                                      StringValue(serviceTimes[i % serviceTimes.size()]));
        engines.SetCostModelAttribute("Model", StringValue("llama-3-8b"));
        engines.SetCostModelAttribute("Device", StringValue("jetson-agx-orin"));
        engines.SetEngineAttribute("QueueCapacity", UintegerValue(100000));
        moa.engines.push_back(engines.Install(moa.nodes.Get(i)));
        DynamicCast<ServiceTimeCostModel>(moa.engines.back()->GetCostModel())
            ->AssignStreams(500 + i);
    }
}

Moa
BuildIdeal(uint32_t n,
           uint32_t layers,
           uint32_t peers,
           double lambda,
           const std::vector<std::string>& serviceTimes,
           const std::string& policy = "uniform")
{
    Moa moa;
    moa.nodes.Create(n);
    InstallEngines(moa, serviceTimes);
    MoaHelper helper;
    helper.SetAgentAttribute("Network", StringValue("ideal"));
    helper.SetAgentAttribute("Layers", UintegerValue(layers));
    helper.SetAgentAttribute("Peers", UintegerValue(peers));
    helper.SetAgentAttribute("PeerPolicy", StringValue(policy));
    helper.SetAgentAttribute("WarmUp", TimeValue(Seconds(0)));
    helper.SetAgentAttribute("PeerTimeout", TimeValue(Seconds(1e6)));
    helper.SetWorkloadAttribute(
        "Interarrival",
        StringValue("ns3::ExponentialRandomVariable[Mean=" + std::to_string(1 / lambda) + "]"));
    SetShortLengths(helper);
    moa.apps = helper.Install(moa.nodes);
    MoaHelper::AssignStreams(moa.apps, 10);
    return moa;
}

/// One layer, two peers, over the wireless network `net` (gossip for membership).
Moa
BuildWireless(const AdhocNetwork& net,
              const std::string& serviceTime,
              double interarrivalMean,
              double warmUp,
              const std::string& policy)
{
    Moa moa;
    moa.nodes = net.nodes;
    InstallEngines(moa, {serviceTime});
    MoaHelper helper;
    helper.SetAgentAttribute("Layers", UintegerValue(1));
    helper.SetAgentAttribute("Peers", UintegerValue(2));
    helper.SetAgentAttribute("PeerPolicy", StringValue(policy));
    helper.SetAgentAttribute("PeerTimeout", TimeValue(Seconds(30)));
    helper.SetAgentAttribute("WarmUp", TimeValue(Seconds(warmUp)));
    helper.SetWorkloadAttribute("Interarrival",
                                StringValue("ns3::ExponentialRandomVariable[Mean=" +
                                            std::to_string(interarrivalMean) + "]"));
    SetShortLengths(helper);
    moa.apps = helper.Install(moa.nodes);
    MoaHelper::AssignStreams(moa.apps, 10);
    return moa;
}

class MoaAgentTest : public test::SimulationTest
{
};

// Theorem 1's arrival rate: every device receives ((k+1)M + 1) lambda jobs per second.
TEST_F(MoaAgentTest, PerDeviceArrivalRateConvergesToTheTheorem)
{
    const uint32_t n = 6;
    const uint32_t layers = 2;
    const uint32_t peers = 2;
    const double lambda = 0.02;
    Moa moa = BuildIdeal(n, layers, peers, lambda, {"ns3::ConstantRandomVariable[Constant=1]"});
    std::vector<uint64_t> arrivals(n, 0);
    const double end = 20000;
    for (uint32_t i = 0; i < n; ++i)
    {
        moa.engines[i]->TraceConnectWithoutContext(
            "Enqueued",
            Callback<void, const InferenceJob&>([&arrivals, i, end](const InferenceJob&) {
                if (Simulator::Now().GetSeconds() < end)
                {
                    ++arrivals[i];
                }
            }));
    }
    Simulator::Stop(Seconds(end));
    Simulator::Run();

    // The count per device is a compound Poisson sum: own prompts bring M+1 jobs each, each
    // other device's prompt Binomial(M, q) jobs, q = k/(n-1). Tolerance: 4 standard deviations.
    const double q = static_cast<double>(peers) / (n - 1);
    const double own2 = (layers + 1.0) * (layers + 1.0);
    const double other2 = layers * q * (1 - q) + (layers * q) * (layers * q);
    const double sd = std::sqrt(lambda * end * (own2 + (n - 1) * other2));
    const double expected = MoaInferencesPerPrompt(layers, peers) * lambda * end;
    for (uint32_t i = 0; i < n; ++i)
    {
        EXPECT_NEAR(arrivals[i], expected, 4 * sd) << "device " << i;
    }
}

// The paper's uniform rule: each other device is a proposer with probability k/(n-1).
TEST_F(MoaAgentTest, UniformPolicyPicksEachPeerWithProbabilityKOverNMinusOne)
{
    const uint32_t n = 8;
    const uint32_t peers = 3;
    Moa moa = BuildIdeal(n, 2, peers, 0.01, {"ns3::ConstantRandomVariable[Constant=0.5]"});
    std::map<uint32_t, std::map<uint32_t, uint64_t>> chosen;           // origin -> peer -> times
    std::map<uint32_t, std::set<std::pair<uint64_t, uint32_t>>> draws; // origin -> layers
    for (uint32_t i = 0; i < n; ++i)
    {
        moa.apps.agents.Get(i)->TraceConnectWithoutContext(
            "PeerSelected",
            Callback<void, uint64_t, uint32_t, uint32_t>(
                [&chosen, &draws, i](uint64_t id, uint32_t layer, uint32_t peer) {
                    ++chosen[i][peer];
                    draws[i].insert({id, layer});
                }));
    }
    Simulator::Stop(Seconds(20000));
    Simulator::Run();

    const double q = static_cast<double>(peers) / (n - 1);
    for (uint32_t origin = 0; origin < n; ++origin)
    {
        const double layersDrawn = draws[origin].size();
        ASSERT_GT(layersDrawn, 200) << "origin " << origin;
        EXPECT_EQ(chosen[origin].count(origin), 0u) << "an origin picked itself";
        for (uint32_t peer = 0; peer < n; ++peer)
        {
            if (peer == origin)
            {
                continue;
            }
            const double sd = std::sqrt(layersDrawn * q * (1 - q));
            EXPECT_NEAR(chosen[origin][peer], layersDrawn * q, 4 * sd)
                << "origin " << origin << " peer " << peer;
        }
    }
}

// The next layer's prompt is the user's prompt + the aggregator prompt + the tokens of the
// k+1 responses that came back.
TEST_F(MoaAgentTest, PromptGrowsByTheTokensOfTheResponses)
{
    const uint32_t aggregator = 120;
    Moa moa = BuildIdeal(5, 3, 2, 0.01, {"ns3::ExponentialRandomVariable[Mean=2]"});
    // Output tokens of the proposer jobs of each request, summed per layer: a layer's jobs
    // all complete before its barrier (LayerDone) and the next layer's after it.
    std::map<uint64_t, uint64_t> running;
    std::map<uint64_t, std::vector<uint64_t>> perLayer;
    for (const auto& engine : moa.engines)
    {
        engine->TraceConnectWithoutContext(
            "Completed",
            Callback<void, const InferenceJob&>([&running](const InferenceJob& job) {
                if (job.kind == "moa-proposer")
                {
                    running[job.requestId] += job.outputTokens;
                }
            }));
    }
    std::vector<RequestRecord> completed;
    for (uint32_t i = 0; i < 5; ++i)
    {
        moa.apps.agents.Get(i)->TraceConnectWithoutContext(
            "RequestCompleted",
            Callback<void, const RequestRecord&>(
                [&completed](const RequestRecord& r) { completed.push_back(r); }));
        moa.apps.agents.Get(i)->TraceConnectWithoutContext(
            "LayerDone",
            Callback<void, const RequestRecord&, uint32_t>(
                [&running, &perLayer](const RequestRecord& r, uint32_t layer) {
                    if (layer <= r.moaLayers)
                    {
                        perLayer[r.requestId].push_back(running[r.requestId]);
                        running[r.requestId] = 0;
                    }
                }));
    }
    Simulator::Stop(Seconds(3000));
    Simulator::Run();

    ASSERT_GT(completed.size(), 50u);
    for (const RequestRecord& r : completed)
    {
        ASSERT_EQ(r.stages.size(), 4u); // 3 layers + aggregation
        EXPECT_EQ(r.stages[0].promptTokens, r.promptTokens);
        for (uint32_t i = 0; i < 4; ++i)
        {
            EXPECT_TRUE(r.stages[i].done);
            EXPECT_EQ(r.stages[i].index, i + 1);
            EXPECT_EQ(r.stages[i].kind, i < 3 ? "moa-proposer" : "moa-aggregator");
        }
        EXPECT_EQ(r.stages[3].nodes, std::vector<uint32_t>{r.node});
        EXPECT_EQ(r.stages[3].end, r.completion);
        for (uint32_t layer = 0; layer < 3; ++layer)
        {
            ASSERT_EQ(perLayer[r.requestId].size(), 3u);
            const uint64_t responses = perLayer[r.requestId][layer];
            const RequestStage& stage = r.stages[layer];
            EXPECT_EQ(r.stages[layer + 1].promptTokens, r.promptTokens + aggregator + responses)
                << "request " << r.requestId << " layer " << layer + 1;
            EXPECT_LE(stage.end, r.stages[layer + 1].end);
            EXPECT_EQ(r.stages[layer + 1].start, stage.end); // the barrier starts the next
            EXPECT_EQ(stage.nodes.size(), 3u);               // two peers and the origin
            EXPECT_TRUE(std::is_sorted(stage.nodes.begin(), stage.nodes.end()));
            EXPECT_GT(stage.bytesSent, 0u);
            EXPECT_GT(stage.bytesReceived, 0u);
        }
        EXPECT_EQ(r.retries, 0u);
    }
}

// Below the threshold the queues stay flat as the run grows; above it they grow.
TEST_F(MoaAgentTest, QueuesAreStableBelowTheThresholdAndGrowAboveIt)
{
    auto run = [this](double rho, double duration) {
        MoaScenarioConfig c;
        c.nodes = 6;
        c.network = "ideal";
        c.layers = 1;
        c.peers = 2;
        c.cost = "exponential";
        c.alpha = 1;
        c.rho = rho;
        c.models = {"llama-3-8b"};
        c.devices = {"jetson-agx-orin"};
        c.queueCapacity = 100000;
        c.warmUp = 0;
        c.duration = duration;
        c.drain = 0;
        c.peerTimeout = 1e6;
        c.out = TempDir();
        return MoaScenario(c).Run();
    };
    const MoaScenarioResult stable = run(0.7, 6000);
    EXPECT_NEAR(stable.rho, 0.7, 1e-9);
    // Not growing; with exponential service about rho^2/(1-rho) = 1.6 jobs wait per device
    // (M/M/1), i.e. "backlogged" by the classifier's convention.
    EXPECT_NE(stable.summary.stability, "overloaded");
    const auto& flat = stable.summary.totalQueueTrend.windowMeans;
    ASSERT_EQ(flat.size(), 16u);
    // Flat: the last quarter's mean queue is within noise of the first quarter's.
    EXPECT_LT(std::abs(flat.back() - flat.front()), 0.5 * stable.summary.totalQueueTrend.mean + 1);

    const MoaScenarioResult overloaded = run(1.3, 6000);
    EXPECT_EQ(overloaded.summary.stability, "overloaded");
    const auto& growing = overloaded.summary.totalQueueTrend.windowMeans;
    ASSERT_EQ(growing.size(), 16u);
    for (size_t w = 1; w < growing.size(); ++w)
    {
        EXPECT_GT(growing[w], growing[w - 1]) << "window " << w;
    }
    // M/M/1-like overload: the total backlog grows at about n (rho - 1) / alpha jobs per
    // second (6 x 0.3 = 1.8); allow for the randomness of one run.
    EXPECT_NEAR(overloaded.summary.totalQueueTrend.slopePerSecond, 1.8, 0.6);
}

// The queue-aware policy sends less work to a slow device than the uniform one.
TEST_F(MoaAgentTest, QueueAwarePolicyAvoidsTheSlowDevice)
{
    auto shareOfSlow = [](const std::string& policy) {
        Simulator::Destroy();
        // Device 0 is five times slower than the others.
        Moa moa = BuildIdeal(6,
                             1,
                             2,
                             0.02,
                             {"ns3::ExponentialRandomVariable[Mean=10]",
                              "ns3::ExponentialRandomVariable[Mean=2]",
                              "ns3::ExponentialRandomVariable[Mean=2]",
                              "ns3::ExponentialRandomVariable[Mean=2]",
                              "ns3::ExponentialRandomVariable[Mean=2]",
                              "ns3::ExponentialRandomVariable[Mean=2]"},
                             policy);
        uint64_t slow = 0;
        uint64_t all = 0;
        for (uint32_t i = 0; i < 6; ++i)
        {
            moa.apps.agents.Get(i)->TraceConnectWithoutContext(
                "PeerSelected",
                Callback<void, uint64_t, uint32_t, uint32_t>(
                    [&slow, &all](uint64_t, uint32_t, uint32_t peer) {
                        ++all;
                        slow += peer == 0;
                    }));
        }
        Simulator::Stop(Seconds(5000));
        Simulator::Run();
        return static_cast<double>(slow) / all;
    };
    const double uniform = shareOfSlow("uniform");
    const double queueAware = shareOfSlow("queue-aware");
    EXPECT_NEAR(uniform, 1.0 / 6, 0.03); // k/(n-1) of the picks of 5 origins, over 6 devices
    EXPECT_LT(queueAware, 0.6 * uniform);
}

// Proximity-aware choice on a multi-hop grid: the gossip-measured delays grow with the hops,
// so the peers chosen are nearer than the uniform rule's.
TEST_F(MoaAgentTest, ProximityPolicyPrefersNearPeers)
{
    const uint32_t n = 9; // a 3 x 3 grid; only grid neighbours hear each other
    auto meanHops = [n](const std::string& policy) {
        Simulator::Destroy();
        AdhocNetworkHelper topology;
        topology.SetTopology("olsr");
        AdhocNetwork net = topology.Install(n, 1);
        // Users start once OLSR has routes and gossip has measured its peers.
        Moa moa = BuildWireless(net, "ns3::ConstantRandomVariable[Constant=2]", 30, 120, policy);
        for (uint32_t i = 0; i < n; ++i)
        {
            moa.apps.samplers.Get(i)->SetStartTime(Seconds(20));
        }
        std::vector<std::pair<uint32_t, uint32_t>> picks; // (origin, peer)
        for (uint32_t i = 0; i < n; ++i)
        {
            moa.apps.agents.Get(i)->TraceConnectWithoutContext(
                "PeerSelected",
                Callback<void, uint64_t, uint32_t, uint32_t>(
                    [&picks, i](uint64_t, uint32_t, uint32_t peer) {
                        picks.emplace_back(i, peer);
                    }));
        }
        Simulator::Stop(Seconds(600));
        Simulator::Run();
        EXPECT_GT(picks.size(), 200u) << policy;
        double hops = 0;
        for (const auto& [origin, peer] : picks)
        {
            const int h = AdhocNetworkHelper::Hops(net, origin, peer);
            EXPECT_GT(h, 0) << policy << ": no route from " << origin << " to " << peer;
            hops += h;
        }
        return hops / picks.size();
    };
    const double uniform = meanHops("uniform");
    const double proximity = meanHops("proximity");
    RecordProperty("uniform_mean_hops", std::to_string(uniform));
    RecordProperty("proximity_mean_hops", std::to_string(proximity));
    // Uniform over the other 8 nodes of a 3 x 3 grid: 2 hops on average (Manhattan).
    EXPECT_NEAR(uniform, 2.0, 0.2);
    // Every node has at least 2 one-hop neighbours: the 2 nearest peers are 1 hop away.
    EXPECT_LT(proximity, 1.3);
}

// M = 0 is plain local inference: one job per prompt, on the user's own device.
TEST_F(MoaAgentTest, ZeroLayersIsLocalInference)
{
    Moa moa = BuildIdeal(3, 0, 1, 0.05, {"ns3::ConstantRandomVariable[Constant=1]"});
    uint64_t selected = 0;
    std::vector<RequestRecord> completed;
    for (uint32_t i = 0; i < 3; ++i)
    {
        moa.apps.agents.Get(i)->TraceConnectWithoutContext(
            "PeerSelected",
            Callback<void, uint64_t, uint32_t, uint32_t>(
                [&selected](uint64_t, uint32_t, uint32_t) { ++selected; }));
        moa.apps.agents.Get(i)->TraceConnectWithoutContext(
            "RequestCompleted",
            Callback<void, const RequestRecord&>(
                [&completed](const RequestRecord& r) { completed.push_back(r); }));
    }
    uint64_t jobs = 0;
    for (const auto& engine : moa.engines)
    {
        engine->TraceConnectWithoutContext(
            "Completed",
            Callback<void, const InferenceJob&>([&jobs](const InferenceJob&) { ++jobs; }));
    }
    Simulator::Stop(Seconds(1000));
    Simulator::Run();
    ASSERT_GT(completed.size(), 50u);
    EXPECT_EQ(selected, 0u);
    EXPECT_EQ(jobs, completed.size());
    for (const auto& r : completed)
    {
        // One second of service, plus any wait behind the device's earlier prompts.
        EXPECT_GE((r.completion - r.arrival).GetSeconds(), 1.0 - 1e-9);
        EXPECT_TRUE(r.stages.empty());
        EXPECT_EQ(r.moaLayers, 0u);
    }
}

// A peer switched off mid-run: its work is re-sent elsewhere or the request fails with a
// reason; every request ends exactly once; gossip forgets the peer.
TEST_F(MoaAgentTest, PeerSwitchedOffIsReplacedAndForgotten)
{
    const uint32_t n = 5;
    const uint32_t dead = 4;
    const double failAt = 200;
    AdhocNetworkHelper topology;
    AdhocNetwork net = topology.Install(n, 1);
    Moa moa = BuildWireless(net, "ns3::ConstantRandomVariable[Constant=5]", 25, 20, "uniform");

    uint64_t issued = 0;
    uint64_t ended = 0;
    std::map<std::string, uint64_t> failures;
    std::vector<RequestRecord> completedAfter;
    uint64_t deadFailures = 0;
    for (uint32_t i = 0; i < n; ++i)
    {
        Ptr<Application> agent = moa.apps.agents.Get(i);
        agent->TraceConnectWithoutContext(
            "RequestIssued",
            Callback<void, const RequestRecord&>([&issued](const RequestRecord&) { ++issued; }));
        agent->TraceConnectWithoutContext(
            "RequestCompleted",
            Callback<void, const RequestRecord&>(
                [&ended, &completedAfter, failAt](const RequestRecord& r) {
                    ++ended;
                    if (r.arrival.GetSeconds() > failAt + 60)
                    {
                        completedAfter.push_back(r);
                    }
                }));
        agent->TraceConnectWithoutContext(
            "RequestFailed",
            Callback<void, const RequestRecord&>([&ended, &failures](const RequestRecord& r) {
                ++ended;
                ++failures[r.reason];
            }));
        agent->TraceConnectWithoutContext(
            "PeerFailed",
            Callback<void, uint64_t, uint32_t, uint32_t, const std::string&>(
                [&deadFailures, dead](uint64_t, uint32_t, uint32_t peer, const std::string&) {
                    deadFailures += peer == dead;
                }));
    }
    // The peer goes off at the first call it gets after failAt: that call, at least, is in
    // flight and must be noticed and replaced (whatever gossip forgets first).
    bool off = false;
    for (uint32_t i = 0; i < n; ++i)
    {
        moa.apps.agents.Get(i)->TraceConnectWithoutContext(
            "PeerSelected",
            Callback<void, uint64_t, uint32_t, uint32_t>(
                [&net, &off, dead, failAt](uint64_t, uint32_t, uint32_t peer) {
                    if (!off && peer == dead && Simulator::Now().GetSeconds() >= failAt)
                    {
                        off = true;
                        DynamicCast<WifiNetDevice>(net.devices.Get(dead))->GetPhy()->SetOffMode();
                    }
                }));
    }
    const double end = 700;
    for (uint32_t i = 0; i < n; ++i)
    {
        moa.apps.agents.Get(i)->SetStopTime(Seconds(end));
    }
    Simulator::Stop(Seconds(end + 1));
    Simulator::Run();

    EXPECT_GT(issued, 50u);
    EXPECT_EQ(ended, issued) << "a request ended twice or never";
    ASSERT_TRUE(off) << "nobody called the peer after " << failAt << " s";
    EXPECT_GT(deadFailures, 0u) << "nobody noticed the dead peer";
    ASSERT_GT(completedAfter.size(), 10u);
    for (const auto& r : completedAfter)
    {
        for (uint32_t peer : r.stages.at(0).nodes)
        {
            EXPECT_NE(peer, dead) << "request " << r.requestId << " used the dead peer";
        }
    }
    for (const auto& [reason, count] : failures)
    {
        EXPECT_FALSE(reason.empty());
    }
    for (uint32_t i = 0; i < n; ++i)
    {
        if (i == dead)
        {
            continue;
        }
        for (const PeerDescriptor& peer :
             DynamicCast<PeerSampler>(moa.apps.samplers.Get(i))->GetView())
        {
            EXPECT_NE(peer.node, dead) << "node " << i << " still lists the dead peer";
        }
    }
}

TEST_F(MoaAgentTest, ScenarioRejectsBadParameters)
{
    MoaScenarioConfig c;
    c.rho = 0.5;
    c.nodes = 4;
    c.peers = 4;
    EXPECT_THROW(MoaScenario{c}, std::invalid_argument);
    c.peers = 2;
    c.policy = "closest";
    EXPECT_THROW(MoaScenario{c}, std::invalid_argument);
    c.policy = "uniform";
    c.lambda = 0.1; // and rho: one too many
    EXPECT_THROW(MoaScenario{c}, std::invalid_argument);
    c.lambda = std::nan("");
    c.topology = "star";
    EXPECT_THROW(MoaScenario{c}, std::invalid_argument);
    c.topology = "olsr";
    c.models = {"gpt-5"};
    EXPECT_THROW(MoaScenario{c}, std::invalid_argument);
}

} // namespace
