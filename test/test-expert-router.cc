/*
 * Expert router: routing policies on scripted loads, the prompt classifier (cost and
 * confusion), prompt classes, and the gateway over real TCP: every prompt ends once, and with
 * one class and one expert a routed run is the direct run plus the gateway's overhead.
 * Topology: users ==== gateway ==== experts, each link 100 Mb/s, 1 ms point-to-point.
 */

#include "client-watch.h"
#include "edge-llm-test-fixture.h"

#include "ns3/by-class-routing-policy.h"
#include "ns3/cost-profile.h"
#include "ns3/expert-router-helper.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/least-outstanding-routing-policy.h"
#include "ns3/llm-app-helper.h"
#include "ns3/llm-client.h"
#include "ns3/llm-engine-helper.h"
#include "ns3/llm-header.h"
#include "ns3/load-report-header.h"
#include "ns3/overflow-routing-policy.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/pointer.h"
#include "ns3/power-of-two-routing-policy.h"
#include "ns3/profiled-cost-model.h"
#include "ns3/prompt-class-mix.h"
#include "ns3/prompt-classifier.h"
#include "ns3/random-routing-policy.h"
#include "ns3/request-log.h"
#include "ns3/request-trace.h"
#include "ns3/round-robin-routing-policy.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <map>
#include <numeric>

using namespace ns3;

namespace
{

const uint16_t g_port = 8000;
const Time g_linkDelay = MilliSeconds(1);

RouteQuery
Query(uint32_t classExpert,
      const std::vector<uint32_t>& outstanding,
      const std::vector<uint32_t>& reported)
{
    RouteQuery query;
    query.classifiedAs = classExpert;
    query.classExpert = classExpert;
    for (size_t i = 0; i < outstanding.size(); ++i)
    {
        query.experts.push_back({outstanding[i], reported[i]});
    }
    return query;
}

/// Within `sigmas` standard errors of a binomial share `p` over `n` draws.
void
ExpectShare(double observed, double p, uint32_t n, const std::string& what, double sigmas = 4.5)
{
    const double tolerance = sigmas * std::sqrt(p * (1 - p) / n) + 1e-12;
    EXPECT_NEAR(observed, p, tolerance) << what;
}

} // namespace

// --- routing policies on scripted load states ---------------------------------------------

TEST(RoutingPolicy, ByClassIgnoresLoads)
{
    Ptr<RoutingPolicy> policy = RoutingPolicy::ByName("by-class");
    EXPECT_EQ(policy->GetName(), "by-class");
    EXPECT_EQ(policy->Choose(Query(2, {0, 0, 90, 0}, {0, 0, 90, 0})), 2u);
    EXPECT_EQ(policy->Choose(Query(0, {50, 0, 0}, {50, 0, 0})), 0u);
}

TEST(RoutingPolicy, LeastOutstandingPrefersTheClassExpertOnTies)
{
    Ptr<RoutingPolicy> policy = RoutingPolicy::ByName("least-outstanding");
    // Its own counts, not the reports: expert 1 reports 0 but has 5 outstanding.
    EXPECT_EQ(policy->Choose(Query(0, {4, 5, 2, 3}, {9, 0, 9, 9})), 2u);
    EXPECT_EQ(policy->Choose(Query(3, {4, 2, 7, 2}, {0, 0, 0, 0})), 3u); // tie: class's expert
    EXPECT_EQ(policy->Choose(Query(0, {4, 2, 7, 2}, {0, 0, 0, 0})), 1u); // tie: lowest index
}

TEST(RoutingPolicy, PowerOfTwoPicksTheLessReportedOfTwoDistinct)
{
    Ptr<RoutingPolicy> policy = RoutingPolicy::ByName("power-of-two");
    policy->AssignStreams(7);
    // Reports 0 < 5 < 9 (the gateway's own counts say the opposite and must not matter):
    // expert 0 wins every pair it is in (2/3), expert 1 the pair {1, 2} (1/3), expert 2 never.
    const uint32_t n = 30000;
    std::vector<uint32_t> chosen(3, 0);
    for (uint32_t i = 0; i < n; ++i)
    {
        ++chosen[policy->Choose(Query(2, {9, 5, 0}, {0, 5, 9}))];
    }
    EXPECT_EQ(chosen[2], 0u);
    ExpectShare(double(chosen[0]) / n, 2.0 / 3.0, n, "expert 0");
    ExpectShare(double(chosen[1]) / n, 1.0 / 3.0, n, "expert 1");
    // One expert: that one, no draw needed.
    EXPECT_EQ(policy->Choose(Query(0, {3}, {3})), 0u);
}

TEST(RoutingPolicy, RoundRobinCyclesWhateverTheClass)
{
    Ptr<RoutingPolicy> policy = RoutingPolicy::ByName("round-robin");
    std::vector<uint32_t> order;
    for (uint32_t i = 0; i < 7; ++i)
    {
        order.push_back(policy->Choose(Query(1, {0, 0, 0}, {0, 0, 0})));
    }
    EXPECT_EQ(order, (std::vector<uint32_t>{0, 1, 2, 0, 1, 2, 0}));
}

TEST(RoutingPolicy, RandomIsUniformAndReproducible)
{
    Ptr<RoutingPolicy> a = RoutingPolicy::ByName("random");
    Ptr<RoutingPolicy> b = RoutingPolicy::ByName("random");
    a->AssignStreams(11);
    b->AssignStreams(11);
    const uint32_t n = 40000;
    std::vector<uint32_t> chosen(4, 0);
    for (uint32_t i = 0; i < n; ++i)
    {
        const RouteQuery query = Query(0, {0, 9, 9, 9}, {0, 9, 9, 9});
        const uint32_t c = a->Choose(query);
        ASSERT_EQ(b->Choose(query), c) << "draw " << i;
        ++chosen[c];
    }
    for (uint32_t e = 0; e < 4; ++e)
    {
        ExpectShare(double(chosen[e]) / n, 0.25, n, "expert " + std::to_string(e));
    }
}

TEST(RoutingPolicy, OverflowLeavesASaturatedClassExpert)
{
    Ptr<RoutingPolicy> policy = RoutingPolicy::ByName("overflow");
    policy->SetAttribute("SaturationThreshold", UintegerValue(4));
    EXPECT_EQ(policy->Choose(Query(1, {0, 3, 1}, {0, 0, 0})), 1u); // below: its class's expert
    EXPECT_EQ(policy->Choose(Query(1, {2, 4, 1}, {0, 0, 0})), 2u); // saturated: least loaded
    EXPECT_EQ(policy->Choose(Query(1, {6, 9, 6}, {0, 0, 0})), 0u); // tie: lowest index
    // Everyone saturated and the class's expert the least loaded: it stays there.
    EXPECT_EQ(policy->Choose(Query(1, {8, 5, 7}, {0, 0, 0})), 1u);
}

TEST(RoutingPolicy, ByNameRefusesAnUnknownNameListingTheAccepted)
{
    for (const std::string name :
         {"by-class", "least-outstanding", "power-of-two", "round-robin", "random", "overflow"})
    {
        EXPECT_EQ(RoutingPolicy::ByName(name)->GetName(), name);
    }
    try
    {
        RoutingPolicy::ByName("fastest");
        FAIL() << "no exception";
    }
    catch (const std::invalid_argument& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find("'fastest'"), std::string::npos) << what;
        EXPECT_NE(what.find(RoutingPolicy::NameList()), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
}

// --- the classifier --------------------------------------------------------------------------

TEST(RouterClassifier, BertPresetMatchesThePublishedParameterCount)
{
    const ModelSpec bert = ModelSpec::Preset("bert-base-110m");
    EXPECT_TRUE(bert.IsEncoder());
    EXPECT_FALSE(bert.IsGated());
    // bert-base-uncased with its pooler: 109,482,240 parameters (biases, which the spec does
    // not count, are 0.1 % of them).
    EXPECT_NEAR(bert.TotalParams(), 109482240.0, 0.002 * 109482240.0);
    // Bidirectional attention: twice a causal decoder's attention FLOPs for the same shape.
    ModelSpec causal = bert;
    causal.architecture = "gpt2";
    const double p = 512;
    const double attention = 2.0 * 2.0 * p * p * bert.hidden;
    EXPECT_DOUBLE_EQ(bert.PrefillFlopsPerLayer(p) - causal.PrefillFlopsPerLayer(p),
                     attention / 2.0);
}

namespace
{

/// What profiles/bert-base-110m.json says a forward pass of `p` tokens costs on `device`:
/// every block and the head at the host's fitted seconds, scaled by the host's measured GEMM
/// rate over the device's sustained FLOP/s, plus the device's per-iteration overhead (one
/// device: no all-reduce).
double
ProfiledClassifierSeconds(uint32_t p, const std::string& device)
{
    const std::string path = FindProfileFile("bert-base-110m");
    EXPECT_FALSE(path.empty()) << "profiles/bert-base-110m.json is missing";
    const CostProfile profile = CostProfile::Load(path);
    const DeviceProfile target = DeviceProfile::Preset(device);
    const double host =
        profile.model.layers * profile.LayerPrefillSeconds(p) + profile.HeadPrefillSeconds(p);
    return host * profile.hostFlops / (target.peakFlops * target.computeFraction) +
           target.iterationOverhead;
}

} // namespace

TEST(RouterClassifier, TimeIsTheProfiledEncodersPrefillTruncatedAtItsContext)
{
    // The default: bert-base-110m timed in libtorch (its shipped profile), scaled to the L4.
    Ptr<PromptClassifier> classifier = CreateObject<PromptClassifier>();
    Ptr<ProfiledCostModel> l4 = DynamicCast<ProfiledCostModel>(classifier->GetCostModel());
    ASSERT_NE(l4, nullptr) << "the default cost model is not the profiled one";
    EXPECT_EQ(l4->GetModel().name, "bert-base-110m");
    EXPECT_EQ(l4->GetDevice().name, "edge-server-l4");
    EXPECT_FALSE(l4->GetProfile().HasDecode());
    for (uint32_t p : {1u, 37u, 128u, 200u, 512u})
    {
        EXPECT_NEAR(classifier->Cost(p).GetSeconds(),
                    ProfiledClassifierSeconds(p, "edge-server-l4"),
                    1e-9)
            << p;
    }
    // Longer prompts are truncated to 512 tokens, as a BERT classifier reads them.
    EXPECT_EQ(classifier->Cost(4000), classifier->Cost(512));
    EXPECT_GT(classifier->Cost(512), classifier->Cost(200));
    // Milliseconds, not seconds: a small encoder on an edge GPU.
    EXPECT_GT(classifier->Cost(512).GetSeconds(), 1e-4);
    EXPECT_LT(classifier->Cost(512).GetSeconds(), 2e-2);
}

TEST(RouterClassifier, ShippedProfileIsAPrefillOnlyFitThatRefusesDecode)
{
    const std::string path = FindProfileFile("bert-base-110m");
    ASSERT_FALSE(path.empty());
    const CostProfile profile = CostProfile::Load(path);
    EXPECT_TRUE(profile.model.IsEncoder());
    EXPECT_FALSE(profile.HasDecode());
    EXPECT_EQ(profile.profiledLayers, profile.model.layers);
    uint32_t longest = 0;
    for (const ProfileSample& s : profile.samples)
    {
        EXPECT_TRUE(s.phase == "layer-prefill" || s.phase == "head-prefill") << s.phase;
        longest = std::max(longest, s.tokens);
    }
    EXPECT_EQ(longest, 512u); // the encoder's whole context
    for (double c : profile.layerPrefill)
    {
        EXPECT_TRUE(std::isfinite(c) && c >= 0) << c;
    }
    for (double c : profile.headPrefill)
    {
        EXPECT_TRUE(std::isfinite(c) && c >= 0) << c;
    }
    for (uint32_t p : {1u, 64u, 512u})
    {
        EXPECT_GT(profile.LayerPrefillSeconds(p), 0) << p;
        EXPECT_TRUE(std::isfinite(profile.LayerPrefillSeconds(p))) << p;
        EXPECT_GT(profile.HeadPrefillSeconds(p), 0) << p;
    }
    EXPECT_GT(profile.LayerPrefillSeconds(512), profile.LayerPrefillSeconds(64));
    EXPECT_GT(profile.fitRSquaredPrefill, 0.9);

    Ptr<ProfiledCostModel> cost = CreateObject<ProfiledCostModel>();
    cost->SetAttribute("Model", StringValue("bert-base-110m"));
    cost->SetAttribute("Device", StringValue("edge-server-l4"));
    EXPECT_GT(cost->PrefillSeconds(128, cost->AllLayers()), 0);
    for (const std::string& device : {"host", "edge-server-l4"})
    {
        cost->SetAttribute("Device", StringValue(device));
        try
        {
            cost->DecodeSeconds(16, 128, cost->AllLayers());
            ADD_FAILURE() << "an encoder's profile costed decode steps on " << device;
        }
        catch (const std::invalid_argument& e)
        {
            const std::string what = e.what();
            EXPECT_NE(what.find("'bert-base-110m' is an encoder"), std::string::npos) << what;
            EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        }
        BatchStep step;
        step.decodeContexts = {128};
        EXPECT_THROW(cost->BatchStepSeconds(step, cost->AllLayers()), std::invalid_argument);
    }
}

TEST(RouterClassifier, RooflineStaysSelectable)
{
    Ptr<PromptClassifier> classifier = CreateObject<PromptClassifier>();
    classifier->SetAttribute(
        "CostModel",
        StringValue("ns3::RooflineCostModel[Model=bert-base-110m|Device=edge-server-l4]"));
    Ptr<RooflineCostModel> l4 = CreateObject<RooflineCostModel>();
    l4->SetModel(ModelSpec::Preset("bert-base-110m"));
    l4->SetDevice(DeviceProfile::Preset("edge-server-l4"));
    for (uint32_t p : {1u, 37u, 200u, 512u})
    {
        EXPECT_NEAR(classifier->Cost(p).GetSeconds(), l4->PrefillSeconds(p, l4->AllLayers()), 1e-9)
            << p;
    }
    EXPECT_EQ(classifier->Cost(4000), classifier->Cost(512));
}

TEST(RouterClassifier, ConfusionMatrixIsRealisedWithinTheSamplingError)
{
    Ptr<PromptClassifier> classifier = CreateObject<PromptClassifier>();
    classifier->SetAttribute("ConfusionMatrix", StringValue("0.8 0.15 0.05;0.1 0.9 0;0 0.3 0.7"));
    classifier->AssignStreams(3);
    const auto& matrix = classifier->GetConfusionMatrix();
    const uint32_t n = 20000;
    for (uint32_t t = 0; t < 3; ++t)
    {
        std::vector<uint32_t> counts(3, 0);
        for (uint32_t i = 0; i < n; ++i)
        {
            ++counts[classifier->Classify(t)];
        }
        for (uint32_t c = 0; c < 3; ++c)
        {
            ExpectShare(double(counts[c]) / n,
                        matrix[t][c],
                        n,
                        "class " + std::to_string(t) + " as " + std::to_string(c));
        }
    }
    // A class beyond the matrix (it comes off the network) is taken as it is.
    EXPECT_EQ(classifier->Classify(7), 7u);
    // Perfect by default.
    Ptr<PromptClassifier> perfect = CreateObject<PromptClassifier>();
    for (uint32_t t = 0; t < 5; ++t)
    {
        EXPECT_EQ(perfect->Classify(t), t);
    }
}

TEST(RouterClassifier, BadConfusionMatrixIsRefusedInOneLine)
{
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"0.9 0.2;0.1 0.9", "row 1"},
        {"0.5 x;0.5 0.5", "'x'"},
        {"1.5 -0.5;0 1", "'1.5'"},
        {"1 0 0;0 1 0", "row 1 has 3 values"},
    };
    for (const auto& [text, needle] : cases)
    {
        try
        {
            PromptClassifier::ParseConfusionMatrix(text);
            ADD_FAILURE() << "accepted " << text;
        }
        catch (const std::invalid_argument& e)
        {
            const std::string what = e.what();
            EXPECT_NE(what.find(needle), std::string::npos) << what;
            EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        }
    }
    Ptr<PromptClassifier> classifier = CreateObject<PromptClassifier>();
    classifier->SetAttribute("ConfusionMatrix", StringValue("1 0;0 1"));
    EXPECT_NO_THROW(classifier->CheckClasses(2));
    EXPECT_THROW(classifier->CheckClasses(3), std::invalid_argument);
}

// --- prompt classes ------------------------------------------------------------------------

TEST(RouterClasses, MixDrawsByWeightAndTraceClassesDrawTheTracesLengths)
{
    const std::string azure =
        std::string(EDGE_LLM_SHARED_DATA_DIR) + "/azure-llm-inference-conv-2023.csv";
    Ptr<PromptClassMix> mix = PromptClassMix::Parse("chat:3:" + azure + ",code:1");
    ASSERT_EQ(mix->GetN(), 2u);
    EXPECT_EQ(mix->GetName(0), "chat");
    EXPECT_DOUBLE_EQ(mix->GetShare(0), 0.75);
    mix->AssignStreams(5);
    const uint32_t n = 20000;
    uint32_t chat = 0;
    double prompts = 0;
    for (uint32_t i = 0; i < n; ++i)
    {
        chat += mix->Draw() == 0;
        prompts += mix->GetWorkload(0)->NextPromptTokens();
    }
    ExpectShare(double(chat) / n, 0.75, n, "chat share");
    // The trace's own mean prompt, within 5 standard errors of the draws' mean.
    const RequestTrace trace = RequestTrace::Load(azure);
    double sum = 0;
    double sumSq = 0;
    for (const auto& row : trace.GetRequests())
    {
        sum += row.promptTokens;
        sumSq += double(row.promptTokens) * row.promptTokens;
    }
    const double mean = sum / trace.GetRequests().size();
    const double sd = std::sqrt(sumSq / trace.GetRequests().size() - mean * mean);
    EXPECT_NEAR(prompts / n, mean, 5 * sd / std::sqrt(n));

    for (const std::string bad : {"", "chat:0", "chat:x", "chat,chat", "a:1:b:c"})
    {
        EXPECT_THROW(PromptClassMix::Parse(bad), std::invalid_argument) << bad;
    }
}

TEST(RouterClasses, TheHeaderCarriesThePromptClassInTheFormerReservedByte)
{
    LlmHeader in;
    in.m_promptClass = 200;
    in.m_requestId = 42;
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(in);
    std::vector<uint8_t> bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    ASSERT_EQ(bytes.size(), LlmHeader::SERIALIZED_SIZE);
    EXPECT_EQ(bytes[5], 200);
    LlmHeader out;
    packet->RemoveHeader(out);
    EXPECT_EQ(out.m_promptClass, 200);
    EXPECT_EQ(out.Validate(), "");
}

// --- the gateway over TCP --------------------------------------------------------------------

namespace
{

/// Users on their own node, a gateway and experts, each on its own wire to the gateway
/// (or, for a direct run, the users wired straight to expert 0).
struct RouterNet
{
    Ptr<Node> users;
    Ptr<Node> gateway;
    std::vector<Ptr<Node>> experts;
    std::vector<Ipv4Address> expertAddresses;  //!< as the gateway reaches them
    std::vector<Ipv4Address> gatewayAddresses; //!< as each expert reaches the gateway
    Ipv4Address entry;                         //!< where the users send
    std::vector<Ptr<LlmEngine>> engines;
};

Ptr<NetDevice>
Wire(Ptr<Node> a,
     Ptr<Node> b,
     const std::string& subnet,
     Ipv4Address* aAddress,
     Ipv4Address* bAddress)
{
    PointToPointHelper wire;
    wire.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    wire.SetChannelAttribute("Delay", TimeValue(g_linkDelay));
    NetDeviceContainer devices = wire.Install(a, b);
    Ipv4AddressHelper addresses;
    addresses.SetBase(subnet.c_str(), "255.255.255.0");
    Ipv4InterfaceContainer interfaces = addresses.Assign(devices);
    *aAddress = interfaces.GetAddress(0);
    *bAddress = interfaces.GetAddress(1);
    return devices.Get(0);
}

/// `models` one per expert (llama-style presets on an L4), continuous batching.
RouterNet
BuildRouterNet(const std::vector<std::string>& models,
               bool direct,
               uint32_t queueCapacity = 1000,
               const std::string& scheduler = "ns3::ContinuousBatchingScheduler")
{
    RouterNet net;
    net.users = CreateObject<Node>();
    net.gateway = CreateObject<Node>();
    for (size_t i = 0; i < models.size(); ++i)
    {
        net.experts.push_back(CreateObject<Node>());
    }
    InternetStackHelper internet;
    internet.Install(net.users);
    internet.Install(net.gateway);
    for (const auto& e : net.experts)
    {
        internet.Install(e);
    }
    Ipv4Address mine;
    Ipv4Address theirs;
    if (direct)
    {
        Wire(net.users, net.experts[0], "10.9.0.0", &mine, &net.entry);
    }
    else
    {
        Wire(net.users, net.gateway, "10.9.0.0", &mine, &net.entry);
        for (size_t i = 0; i < net.experts.size(); ++i)
        {
            const std::string subnet = "10.9." + std::to_string(i + 1) + ".0";
            Wire(net.gateway, net.experts[i], subnet, &mine, &theirs);
            net.expertAddresses.push_back(theirs);
            net.gatewayAddresses.push_back(mine);
        }
    }
    for (size_t i = 0; i < models.size(); ++i)
    {
        LlmEngineHelper engines;
        engines.SetCostModel("ns3::RooflineCostModel");
        engines.SetCostModelAttribute("Model", StringValue(models[i]));
        engines.SetCostModelAttribute("Device", StringValue("edge-server-l4"));
        engines.SetScheduler(scheduler);
        engines.SetEngineAttribute("QueueCapacity", UintegerValue(queueCapacity));
        net.engines.push_back(engines.Install(net.experts[i]));
        LlmServerHelper servers(g_port);
        servers.Install(NodeContainer(net.experts[i])).Start(Seconds(0));
    }
    return net;
}

Ptr<LlmClient>
InstallUsers(const RouterNet& net,
             uint32_t users,
             uint64_t maxRequests,
             Ptr<PromptClassMix> classes,
             int64_t stream)
{
    LlmClientHelper helper(net.entry, g_port);
    helper.SetAttribute("Mode", StringValue("closed-loop"));
    helper.SetAttribute("Users", UintegerValue(users));
    helper.SetAttribute("MaxRequests", UintegerValue(maxRequests));
    helper.SetWorkloadAttribute("ThinkTime", StringValue("ns3::ExponentialRandomVariable[Mean=1]"));
    helper.SetWorkloadAttribute("PromptTokens",
                                StringValue("ns3::UniformRandomVariable[Min=20|Max=600]"));
    helper.SetWorkloadAttribute("OutputTokens",
                                StringValue("ns3::UniformRandomVariable[Min=2|Max=60]"));
    if (classes)
    {
        helper.SetAttribute("Classes", PointerValue(classes));
    }
    ApplicationContainer apps = helper.Install(NodeContainer(net.users));
    LlmClientHelper::AssignStreams(apps, stream);
    apps.Start(Seconds(0.1));
    return DynamicCast<LlmClient>(apps.Get(0));
}

/// Classes whose lengths are the same uniform distributions as the users' own.
Ptr<PromptClassMix>
UniformClasses(const std::vector<std::string>& names)
{
    Ptr<PromptClassMix> mix = CreateObject<PromptClassMix>();
    for (const auto& name : names)
    {
        Ptr<LlmWorkload> workload = CreateObject<LlmWorkload>();
        workload->SetAttribute("PromptTokens",
                               StringValue("ns3::UniformRandomVariable[Min=20|Max=600]"));
        workload->SetAttribute("OutputTokens",
                               StringValue("ns3::UniformRandomVariable[Min=2|Max=60]"));
        mix->AddClass(name, 1.0, workload);
    }
    return mix;
}

class ExpertRouterTest : public ns3::test::SimulationTest
{
};

/// What a loaded run ended with: failure reasons at the users, outcomes at the gateway.
struct StressOutcome
{
    std::map<std::string, int> reasons;
    std::map<std::string, int> outcomes;
};

/**
 * Three classes on two experts (class 2 shares expert 0), a classifier that errs, overflow
 * routing, a gateway that holds at most 12 requests, 40 closed-loop users and the given
 * timeouts. Checks that every prompt ends once at the users and at the gateway, that nothing
 * stays open, and what misrouted means; returns how they ended.
 */
StressOutcome
RunStress(Time gatewayTimeout, Time userTimeout)
{
    RouterNet net = BuildRouterNet({"llama-3-8b-int4", "tinyllama-1.1b"}, false, 6);
    ExpertRouterHelper helper(g_port);
    helper.SetPolicy("overflow");
    helper.SetPolicyAttribute("SaturationThreshold", UintegerValue(4));
    helper.SetAttribute("MaxConcurrent", UintegerValue(12));
    helper.SetAttribute("Timeout", TimeValue(gatewayTimeout));
    helper.SetClassifierAttribute("ConfusionMatrix",
                                  StringValue("0.8 0.1 0.1;0.1 0.8 0.1;0.1 0.1 0.8"));
    for (size_t i = 0; i < net.experts.size(); ++i)
    {
        helper.AddExpert(net.experts[i], net.expertAddresses[i], g_port, net.gatewayAddresses[i]);
    }
    Ptr<ExpertRouter> router = helper.Install(net.gateway);
    router->AssignStreams(50);
    Ptr<LlmClient> client =
        InstallUsers(net, 40, 400, UniformClasses({"chat", "code", "math"}), 60);
    client->SetAttribute("Timeout", TimeValue(userTimeout));
    test::ClientWatch watch(client);
    Ptr<RequestLog> log = CreateObject<RequestLog>();
    log->WatchClient(client);
    log->WatchRouter(router);
    std::map<uint64_t, int> routerEnds;
    StressOutcome result;
    router->TraceConnectWithoutContext(
        "Ended",
        Callback<void, const RoutingRecord&>([&](const RoutingRecord& r) {
            ++routerEnds[r.requestId];
            ++result.outcomes[r.outcome];
        }));
    Simulator::Stop(Seconds(600));
    Simulator::Run();

    EXPECT_EQ(watch.issued.size(), 400u);
    watch.ExpectAllEndedOnce();
    result.reasons = watch.FailureReasons();
    EXPECT_GT(watch.completed.size(), 0u);
    EXPECT_GT(result.reasons["gateway-full"], 0) << "no refusal";
    // The gateway's side: every request it took ended once there, nothing is left open.
    EXPECT_EQ(router->GetReceived(), 400u);
    EXPECT_EQ(router->GetRefused(), static_cast<uint64_t>(result.reasons["gateway-full"]));
    EXPECT_EQ(router->GetRouted() + router->GetRefused(), router->GetReceived());
    EXPECT_EQ(router->GetOpen(), 0u);
    EXPECT_EQ(router->GetOutstanding(0) + router->GetOutstanding(1), 0u);
    EXPECT_EQ(routerEnds.size(), router->GetRouted());
    for (const auto& [id, ends] : routerEnds)
    {
        EXPECT_EQ(ends, 1) << id;
    }
    EXPECT_EQ(result.outcomes["completed"], static_cast<int>(watch.completed.size()));
    // Misrouting as recorded: sent to an expert other than its class's (misclassified or
    // overflowed), and each routed row names the class the user drew.
    uint32_t misrouted = 0;
    uint32_t misclassified = 0;
    for (const auto& [id, row] : log->GetRows())
    {
        if (!row.routed)
        {
            continue;
        }
        const RoutingRecord& g = row.routing;
        EXPECT_EQ(row.record.kind,
                  std::vector<std::string>({"chat", "code", "math"})[g.promptClass]);
        EXPECT_EQ(g.misrouted, g.expert != g.promptClass % 2) << id;
        EXPECT_EQ(g.expertNode, net.experts[g.expert]->GetId());
        misrouted += g.misrouted;
        misclassified += g.classifiedAs != g.promptClass;
    }
    EXPECT_GT(misclassified, 0u);
    EXPECT_GT(misrouted, misclassified / 2); // misclassified ones mostly land elsewhere
    return result;
}

} // namespace

TEST_F(ExpertRouterTest, EveryPromptEndsOnceWhenExpertsTimeOut)
{
    // The gateway gives up on an expert after 1.5 s, long before the users would.
    StressOutcome result = RunStress(Seconds(1.5), Seconds(300));
    EXPECT_GT(result.reasons["expert-timeout"], 0);
    EXPECT_EQ(result.outcomes["expert-timeout"], result.reasons["expert-timeout"]);
    for (const auto& [reason, count] : result.reasons)
    {
        EXPECT_TRUE(reason == "gateway-full" || reason == "expert-timeout")
            << reason << " x" << count;
    }
}

TEST_F(ExpertRouterTest, EveryPromptEndsOnceWhenUsersGiveUp)
{
    // Users give up after 1.5 s; the gateway cancels their requests at the experts.
    StressOutcome result = RunStress(Seconds(300), Seconds(1.5));
    EXPECT_GT(result.reasons["timeout"], 0);
    EXPECT_EQ(result.outcomes["client-gone"], result.reasons["timeout"]);
    for (const auto& [reason, count] : result.reasons)
    {
        EXPECT_TRUE(reason == "gateway-full" || reason == "timeout") << reason << " x" << count;
    }
}

TEST_F(ExpertRouterTest, OneClassOneExpertIsTheDirectRunPlusTheGatewaysOverhead)
{
    // The same user, seed and expert, once straight to the expert and once through the
    // gateway. One closed-loop user: no request waits for another, so the expert computes each
    // request in the same time and the difference is the gateway's classifier plus its extra
    // wire: the request (1 one-way delay) and the relayed answer (1), plus serialisation, and
    // for the first request the TCP handshake that opens the gateway's connection to the
    // expert (2 more; later requests reuse it).
    const uint64_t requests = 25;
    std::map<bool, std::vector<RequestLog::Row>> rows;
    for (bool routed : {false, true})
    {
        Simulator::Destroy();
        RouterNet net = BuildRouterNet({"llama-3-8b"}, !routed);
        Ptr<ExpertRouter> router;
        if (routed)
        {
            ExpertRouterHelper helper(g_port);
            helper.AddExpert(net.experts[0],
                             net.expertAddresses[0],
                             g_port,
                             net.gatewayAddresses[0]);
            router = helper.Install(net.gateway);
        }
        Ptr<LlmClient> client = InstallUsers(net, 1, requests, nullptr, 70);
        Ptr<RequestLog> log = CreateObject<RequestLog>();
        log->WatchClient(client);
        log->WatchEngine(net.engines[0], net.experts[0]->GetId());
        if (router)
        {
            log->WatchRouter(router);
        }
        Simulator::Stop(Seconds(2000));
        Simulator::Run();
        for (const auto& [id, row] : log->GetRows())
        {
            rows[routed].push_back(row);
        }
    }
    ASSERT_EQ(rows[false].size(), requests);
    ASSERT_EQ(rows[true].size(), requests);
    Ptr<PromptClassifier> classifier = CreateObject<PromptClassifier>();
    const double d = g_linkDelay.GetSeconds();
    for (uint64_t i = 0; i < requests; ++i)
    {
        const RequestLog::Row& direct = rows[false][i];
        const RequestLog::Row& viaGateway = rows[true][i];
        ASSERT_EQ(direct.record.status, "completed");
        ASSERT_EQ(viaGateway.record.status, "completed");
        ASSERT_EQ(direct.record.promptTokens, viaGateway.record.promptTokens);
        ASSERT_TRUE(viaGateway.routed);
        EXPECT_FALSE(viaGateway.routing.misrouted);
        EXPECT_NEAR(viaGateway.ComputeSeconds(), direct.ComputeSeconds(), 1e-9) << i;
        EXPECT_NEAR(viaGateway.QueueWaitSeconds(), 0, 1e-9) << i;
        // The gateway's time is the classifier's, as the cost model gives it (no queue): the
        // profiled encoder's forward pass on the L4, as profiles/bert-base-110m.json says.
        const double classify = classifier->Cost(direct.record.promptTokens).GetSeconds();
        EXPECT_NEAR(
            classify,
            ProfiledClassifierSeconds(std::min(direct.record.promptTokens, 512u), "edge-server-l4"),
            1e-9)
            << i;
        EXPECT_NEAR(viaGateway.routing.classifierSeconds, classify, 1e-9) << i;
        EXPECT_NEAR(viaGateway.routing.GatewaySeconds(), classify, 1e-9) << i;
        const double extraLatency =
            viaGateway.LatencySeconds() - direct.LatencySeconds() - classify;
        const double extraTtft = viaGateway.TtftSeconds() - direct.TtftSeconds() - classify;
        // 2 (first request: 4) one-way delays, plus at most 1 ms of serialisation (a
        // 600-token prompt is 2.4 kB, 0.2 ms at 100 Mb/s per hop).
        const double delays = (i == 0 ? 4 : 2) * d;
        EXPECT_GE(extraLatency, delays - 1e-9) << i;
        EXPECT_LE(extraLatency, delays + 1e-3) << i;
        EXPECT_GE(extraTtft, delays - 1e-9) << i;
        EXPECT_LE(extraTtft, delays + 1e-3) << i;
    }
}

TEST(RouterLoadReport, HeaderRoundTripsAndRefusesBadBytes)
{
    LoadReportHeader in;
    in.m_node = 7;
    in.m_waiting = 12;
    in.m_running = 250;
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(in);
    EXPECT_EQ(packet->GetSize(), LoadReportHeader::SERIALIZED_SIZE);
    LoadReportHeader out;
    packet->RemoveHeader(out);
    EXPECT_EQ(out.Validate(), "");
    EXPECT_EQ(out.m_node, 7u);
    EXPECT_EQ(out.m_waiting, 12u);
    EXPECT_EQ(out.m_running, 250u);
    // Too short: nothing read past the datagram, and said so.
    Ptr<Packet> shortPacket = Create<Packet>(5);
    LoadReportHeader truncated;
    EXPECT_EQ(shortPacket->RemoveHeader(truncated), 0u);
    EXPECT_NE(truncated.Validate().find("shorter"), std::string::npos);
    // Someone else's datagram of the right size.
    LoadReportHeader stranger;
    Ptr<Packet> zeros = Create<Packet>(LoadReportHeader::SERIALIZED_SIZE);
    zeros->RemoveHeader(stranger);
    EXPECT_NE(stranger.Validate().find("magic"), std::string::npos);
}

TEST_F(ExpertRouterTest, PowerOfTwoFollowsTheReportsThatCrossTheNetwork)
{
    // A fast and a slow expert (the same model on an A100 and on a Jetson AGX Orin). With two
    // experts every draw compares both, so the reported loads decide: reports over UDP send
    // most prompts to the fast one; without reports (ReportPort 0) every draw is a tie and
    // the split is even.
    std::map<uint16_t, std::vector<uint64_t>> routed;
    std::map<uint16_t, std::vector<uint32_t>> reports;
    for (uint16_t reportPort : {uint16_t(8001), uint16_t(0)})
    {
        Simulator::Destroy();
        RouterNet net = BuildRouterNet({"llama-3-8b", "llama-3-8b"}, false);
        // BuildRouterNet puts every expert on an L4: expert 0 moves to an A100 (2,039 GB/s),
        // expert 1 to a Jetson AGX Orin (204.8 GB/s), ten times slower at decoding.
        const char* devices[] = {"a100-80gb", "jetson-agx-orin"};
        for (uint32_t i = 0; i < 2; ++i)
        {
            Ptr<RooflineCostModel> cost = CreateObject<RooflineCostModel>();
            cost->SetModel(ModelSpec::Preset("llama-3-8b"));
            cost->SetDevice(DeviceProfile::Preset(devices[i]));
            net.engines[i]->SetAttribute("CostModel", PointerValue(cost));
        }
        ExpertRouterHelper helper(g_port);
        helper.SetPolicy("power-of-two");
        helper.SetAttribute("ReportPort", UintegerValue(reportPort));
        helper.SetReporterAttribute("Interval", TimeValue(MilliSeconds(100)));
        for (size_t i = 0; i < net.experts.size(); ++i)
        {
            helper.AddExpert(net.experts[i],
                             net.expertAddresses[i],
                             g_port,
                             net.gatewayAddresses[i]);
        }
        Ptr<ExpertRouter> router = helper.Install(net.gateway);
        router->AssignStreams(90);
        std::vector<uint32_t> count(2, 0);
        router->TraceConnectWithoutContext(
            "LoadReported",
            Callback<void, uint32_t, uint32_t>(
                [&count](uint32_t expert, uint32_t) { ++count.at(expert); }));
        std::vector<uint64_t> perExpert(2, 0);
        router->TraceConnectWithoutContext(
            "Routed",
            Callback<void, const RoutingRecord&>(
                [&perExpert](const RoutingRecord& r) { ++perExpert.at(r.expert); }));
        Ptr<LlmClient> client = InstallUsers(net, 30, 300, nullptr, 80);
        test::ClientWatch watch(client);
        Simulator::Stop(Seconds(100));
        Simulator::Run();
        EXPECT_EQ(watch.issued.size(), 300u) << "report port " << reportPort;
        routed[reportPort] = perExpert;
        reports[reportPort] = count;
    }
    // Reports every 0.1 s for 100 s from each expert.
    EXPECT_NEAR(reports[8001][0], 1000, 2);
    EXPECT_NEAR(reports[8001][1], 1000, 2);
    EXPECT_EQ(reports[0][0] + reports[0][1], 0u);
    const double fastShare = double(routed[8001][0]) / (routed[8001][0] + routed[8001][1]);
    const double blindShare = double(routed[0][0]) / (routed[0][0] + routed[0][1]);
    // Joining the shorter queue would send about 10/11 of the prompts to the expert that is
    // ten times faster; reports 0.1 s old, at least three quarters. Blind: half, within
    // about 3.5 standard errors of 300 draws.
    EXPECT_GT(fastShare, 0.75);
    EXPECT_NEAR(blindShare, 0.5, 0.1);
}

TEST(RouterClassifier, AnEncoderCannotServeGeneration)
{
    Ptr<Node> node = CreateObject<Node>();
    LlmEngineHelper engines;
    engines.SetCostModel("ns3::RooflineCostModel");
    engines.SetCostModelAttribute("Model", StringValue("bert-base-110m"));
    engines.SetCostModelAttribute("Device", StringValue("edge-server-l4"));
    try
    {
        engines.Install(node);
        FAIL() << "an encoder was installed as an engine";
    }
    catch (const std::invalid_argument& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find("'bert-base-110m' is an encoder"), std::string::npos) << what;
    }
    EXPECT_EQ(node->GetObject<LlmEngine>(), nullptr);
    node->Dispose();
}

TEST_F(ExpertRouterTest, ExpertRefusalsAndUnreachableExpertsReachTheUser)
{
    // Two classes: class 0's expert serves one prompt at a time with room for one waiting
    // (fcfs, queue capacity 1), so a crowd gets queue-full from it; class 1's expert is
    // given at a port nobody listens on, so its prompts cannot be forwarded.
    RouterNet net = BuildRouterNet({"llama-3-8b", "llama-3-8b"}, false, 1, "ns3::FcfsScheduler");
    ExpertRouterHelper helper(g_port);
    helper.AddExpert(net.experts[0], net.expertAddresses[0], g_port, net.gatewayAddresses[0]);
    helper.AddExpert(net.experts[1], net.expertAddresses[1], 9999, net.gatewayAddresses[1]);
    Ptr<ExpertRouter> router = helper.Install(net.gateway);
    router->AssignStreams(40);
    Ptr<LlmClient> client = InstallUsers(net, 20, 200, UniformClasses({"chat", "code"}), 30);
    test::ClientWatch watch(client);
    Ptr<RequestLog> log = CreateObject<RequestLog>();
    log->WatchClient(client);
    log->WatchRouter(router);
    Simulator::Stop(Seconds(3000));
    Simulator::Run();

    ASSERT_EQ(watch.issued.size(), 200u);
    watch.ExpectAllEndedOnce();
    EXPECT_EQ(router->GetOpen(), 0u);
    std::map<std::string, std::map<std::string, int>> byClass; // kind -> status or reason
    for (const auto& [id, row] : log->GetRows())
    {
        const RequestRecord& r = row.record;
        ++byClass[r.kind][r.status == "completed" ? "completed" : r.reason];
    }
    // Every code prompt failed as unreachable; chat prompts completed or were refused by the
    // expert with its own reason, passed on unchanged.
    EXPECT_GT(byClass["code"]["expert-unreachable"], 0);
    EXPECT_EQ(byClass["code"].size(), 1u);
    EXPECT_GT(byClass["chat"]["completed"], 0);
    EXPECT_GT(byClass["chat"]["queue-full"], 0);
    EXPECT_EQ(byClass["chat"].size(), 2u);
}
