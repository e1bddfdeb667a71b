#include "router-scenario.h"

#include "access-network-helper.h"
#include "access-network-options.h"
#include "command-line-error.h"
#include "cost-profile.h"
#include "expert-router-helper.h"
#include "llm-app-helper.h"
#include "llm-engine-helper.h"
#include "llm-run-helper.h"
#include "number-text.h"
#include "program-options.h"
#include "prompt-class-mix.h"
#include "request-trace.h"

#include "ns3/config.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/pointer.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <memory>
#include <ostream>
#include <stdexcept>

namespace ns3
{

namespace
{

/// One expert as given: model@device.
struct ExpertSpec
{
    std::string model;
    std::string device;
};

[[noreturn]] void
Fail(const std::string& message)
{
    throw std::invalid_argument(message);
}

ExpertSpec
ParseExpert(const std::string& item)
{
    const size_t at = item.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == item.size())
    {
        Fail("--experts item '" + item + "' is not model@device (e.g. llama-3-8b@a100-80gb)");
    }
    ExpertSpec spec{item.substr(0, at), item.substr(at + 1)};
    try
    {
        if (ModelSpec::Preset(spec.model).IsEncoder())
        {
            Fail("--experts item '" + item + "': " + spec.model +
                 " is an encoder and cannot generate; accepted: decoder presets");
        }
        DeviceProfile::Preset(spec.device);
    }
    catch (const std::invalid_argument& e)
    {
        const std::string what = e.what();
        Fail(what.rfind("--experts", 0) == 0 ? what : "--experts item '" + item + "': " + what);
    }
    return spec;
}

std::vector<ExpertSpec>
ParseExperts(const std::string& text)
{
    std::vector<ExpertSpec> specs;
    for (const std::string& item : CommaList(text))
    {
        specs.push_back(ParseExpert(item));
    }
    if (specs.empty())
    {
        Fail("--experts is empty; accepted: model@device,... (one per class)");
    }
    return specs;
}

} // namespace

RouterScenario::RouterScenario(const RouterScenarioConfig& config)
    : m_config(config)
{
}

void
RouterScenario::Validate()
{
    RouterScenarioConfig& c = m_config; // fills in defaults that depend on others
    // Validate everything before building anything.
    try
    {
        AccessNetworkHelper access;
        access.SetKind(AccessNetworkOptions::Kind(c.access)); // throws listing the kinds
        c.network.Configure(access); // throws for a bad mobility, path loss or cell count
    }
    catch (const std::invalid_argument& e)
    {
        Fail(e.what());
    }
    if (c.users < 1 || c.users > 100000)
    {
        Fail("--users=" + std::to_string(c.users) + ": accepted 1 to 100000");
    }
    DataRateValue backboneRate;
    if (!backboneRate.DeserializeFromString(c.backboneRate, MakeDataRateChecker()) ||
        backboneRate.Get().GetBitRate() == 0)
    {
        Fail("--backbone-rate=" + c.backboneRate +
             " is not a data rate (accepted: a number with a unit: 100Mbps, 10Gbps)");
    }
    if (!c.trace.empty() && c.mode != "trace")
    {
        Fail("--trace=" + c.trace + " is read in --mode=trace only (the mode is " + c.mode + ")");
    }
    if (c.usersPerNode < 1)
    {
        Fail("--users-per-node=" + std::to_string(c.usersPerNode) + ": accepted >= 1");
    }
    if (c.mode != "closed-loop" && c.mode != "poisson" && c.mode != "trace")
    {
        Fail("unknown --mode '" + c.mode + "'; accepted: closed-loop, poisson, trace");
    }
    if (c.mode == "poisson" && !(c.rate > 0 && c.rate <= 1e5))
    {
        Fail("--rate=" + NumberText(c.rate) + ": accepted (0, 100000] requests per second");
    }
    if (!(c.think >= 0 && c.think <= 1e6))
    {
        Fail("--think=" + NumberText(c.think) + ": accepted 0 to 1e6 seconds");
    }
    if (c.mode == "trace" && c.trace.empty())
    {
        Fail("--mode=trace needs --trace=FILE (TIMESTAMP,ContextTokens,GeneratedTokens)");
    }
    if (!c.baseline.empty() && c.baseline != "tp")
    {
        Fail("unknown --baseline '" + c.baseline + "'; accepted: tp (or none)");
    }
    if (c.baseline.empty() && AccessNetworkHelper::Canonical(c.access) == "aodv")
    {
        // ns-3's AODV answers for every destination of the node it runs on, the experts'
        // point-to-point links too, and its route requests never reach them.
        Fail("--topology=aodv: AODV on the gateway would route its links to the experts and "
             "never find them; use single-hop, olsr or mesh (or --baseline=tp)");
    }
    if (!(c.duration > 0 && c.duration <= 1e7) || !(c.drain >= 0 && c.drain <= 1e7) ||
        !(c.timeout > 0 && c.timeout <= 1e7) || !(c.backboneDelay >= 0 && c.backboneDelay <= 10))
    {
        Fail("--duration and --timeout must be in (0, 1e7] s, --drain in [0, 1e7] s, "
             "--backbone-delay in [0, 10] s");
    }
    if (c.seed < 1 || c.run < 1 || c.maxNumSeqs < 1)
    {
        Fail("--seed, --run and --max-num-seqs must be >= 1");
    }
    Ptr<PromptClassMix> mix;
    try
    {
        mix = PromptClassMix::Parse(c.classes);
    }
    catch (const std::exception& e)
    {
        Fail("--classes: " + std::string(e.what()));
    }
    const std::vector<ExpertSpec> expertSpecs = ParseExperts(c.experts);
    if (c.baseline.empty() && expertSpecs.size() > mix->GetN())
    {
        Fail("--experts has " + std::to_string(expertSpecs.size()) + " experts for " +
             std::to_string(mix->GetN()) + " classes; accepted: at most one per class");
    }
    if (c.classifierCost != "profiled" && c.classifierCost != "roofline")
    {
        Fail("--classifier-cost=" + c.classifierCost + ": accepted profiled, roofline");
    }
    if (c.classifierCost == "profiled" && c.baseline.empty() &&
        FindProfileFile("bert-base-110m").empty())
    {
        Fail("--classifier-cost=profiled: no profile bert-base-110m.json in " +
             ProfileSearchPath() +
             "; run ./edge-llm profile --model=bert-base-110m or give --classifier-cost=roofline");
    }
    try
    {
        RoutingPolicy::ByName(c.policy);
        DeviceProfile::Preset(c.classifierDevice);
        PromptClassifier::ParseConfusionMatrix(c.confusion);
        if (!c.confusion.empty() &&
            PromptClassifier::ParseConfusionMatrix(c.confusion).size() != mix->GetN())
        {
            throw std::invalid_argument("--confusion needs one row and column per class (" +
                                        std::to_string(mix->GetN()) + ")");
        }
    }
    catch (const std::invalid_argument& e)
    {
        Fail(e.what());
    }
    if (c.baseline == "tp" && c.tpDevice.empty())
    {
        // The experts' GPUs pooled: their common device, N of them.
        for (const ExpertSpec& e : expertSpecs)
        {
            if (e.device != expertSpecs[0].device)
            {
                Fail("--baseline=tp: experts on different devices; give --tp-device");
            }
        }
        c.tpDevice = expertSpecs.size() == 1
                         ? expertSpecs[0].device
                         : expertSpecs[0].device + "-x" + std::to_string(expertSpecs.size());
    }
    if (c.baseline == "tp")
    {
        try
        {
            ModelSpec::Preset(c.tpModel);
            DeviceProfile::Preset(c.tpDevice);
        }
        catch (const std::invalid_argument& e)
        {
            Fail("--baseline=tp: " + std::string(e.what()));
        }
    }
    if (c.mode == "trace")
    {
        try
        {
            RequestTrace::Load(c.trace); // a bad file fails before anything is built
        }
        catch (const std::exception& e)
        {
            Fail(e.what());
        }
    }
}

RunSummary
RouterScenario::Run(std::ostream* banner)
{
    Validate();
    const RouterScenarioConfig& c = m_config;
    Ptr<PromptClassMix> mix = PromptClassMix::Parse(c.classes);
    const std::vector<ExpertSpec> expertSpecs = ParseExperts(c.experts);
    const bool tp = c.baseline == "tp";
    const uint32_t nodes =
        c.mode == "closed-loop" ? (c.users + c.usersPerNode - 1) / c.usersPerNode : c.users;

    RngSeedManager::SetSeed(c.seed);
    RngSeedManager::SetRun(c.run);
    // Full-size segments: ns-3's default TCP MSS is 536 bytes.
    ProgramOptions::SetDefaultUnlessGiven("ns3::TcpSocket::SegmentSize", UintegerValue(1448));

    // --- the users' network; its server node is the gateway (or the TP server) ----------
    AccessNetworkHelper accessHelper;
    AccessNetwork net;
    try
    {
        accessHelper.SetKind(c.access);
        accessHelper.SetDistance(c.distance);
        if (!c.standard.empty())
        {
            accessHelper.SetStandard(c.standard);
        }
        c.network.Configure(accessHelper);
        net = accessHelper.Install(nodes, 100);
    }
    catch (const std::invalid_argument& e)
    {
        const bool tooMany = nodes > AccessNetworkHelper::MaxClients(c.access, 4, c.network.cells);
        Fail(std::string(e.what()) +
             (tooMany && c.mode == "closed-loop" ? ": raise --users-per-node" : ""));
    }
    const NodeContainer& clientNodes = net.clients;
    const Ptr<Node> entryNode = net.server;
    const Ipv4Address entryAddress = net.serverAddress;

    // --- engines: one per expert across the backbone, or the TP server itself -----------
    auto engineHelper = [maxNumSeqs = c.maxNumSeqs](const std::string& model,
                                                    const std::string& device) {
        LlmEngineHelper helper;
        helper.SetCostModel("ns3::RooflineCostModel");
        helper.SetCostModelAttribute("Model", StringValue(model));
        helper.SetCostModelAttribute("Device", StringValue(device));
        helper.SetEngineAttribute("QueueCapacity", UintegerValue(1000000));
        helper.SetScheduler("ns3::ContinuousBatchingScheduler");
        helper.SetSchedulerAttribute("MaxNumSeqs", UintegerValue(maxNumSeqs));
        return helper;
    };
    const uint16_t port = 8000;
    std::vector<std::pair<Ptr<Node>, Ptr<LlmEngine>>> engines;
    Ptr<ExpertRouter> router;
    try
    {
        if (tp)
        {
            engines.emplace_back(entryNode, engineHelper(c.tpModel, c.tpDevice).Install(entryNode));
            LlmServerHelper(port).Install(NodeContainer(entryNode)).Start(Seconds(0));
        }
        else
        {
            ExpertRouterHelper routerHelper(port);
            routerHelper.SetPolicy(c.policy);
            routerHelper.SetAttribute("MaxConcurrent", UintegerValue(c.maxConcurrent));
            // The gateway waits for an expert as long as the users wait for the gateway.
            routerHelper.SetAttribute("Timeout", TimeValue(Seconds(c.timeout)));
            // The encoder timed in libtorch (profiles/bert-base-110m.json) scaled to the
            // gateway's device, or its roofline estimate.
            routerHelper.SetClassifierAttribute(
                "CostModel",
                StringValue(std::string(c.classifierCost == "roofline" ? "ns3::RooflineCostModel"
                                                                       : "ns3::ProfiledCostModel") +
                            "[Model=bert-base-110m|Device=" + c.classifierDevice + "]"));
            routerHelper.SetClassifierAttribute("ConfusionMatrix", StringValue(c.confusion));
            PointToPointHelper backbone;
            backbone.SetDeviceAttribute("DataRate", StringValue(c.backboneRate));
            backbone.SetChannelAttribute("Delay", TimeValue(Seconds(c.backboneDelay)));
            InternetStackHelper internet;
            for (size_t i = 0; i < expertSpecs.size(); ++i)
            {
                Ptr<Node> expert = CreateObject<Node>();
                internet.Install(expert);
                NetDeviceContainer link = backbone.Install(entryNode, expert);
                Ipv4AddressHelper addresses;
                addresses.SetBase(("10.200." + std::to_string(i) + ".0").c_str(), "255.255.255.0");
                Ipv4InterfaceContainer interfaces = addresses.Assign(link);
                engines.emplace_back(
                    expert,
                    engineHelper(expertSpecs[i].model, expertSpecs[i].device).Install(expert));
                LlmServerHelper(port).Install(NodeContainer(expert)).Start(Seconds(0));
                routerHelper.AddExpert(expert,
                                       interfaces.GetAddress(1),
                                       port,
                                       interfaces.GetAddress(0));
            }
            router = routerHelper.Install(entryNode);
            router->AssignStreams(2000);
            router->SetStartTime(Seconds(0));
        }
    }
    catch (const std::exception& e)
    {
        Fail(e.what());
    }

    // --- users ----------------------------------------------------------------------------
    LlmClientHelper clientHelper(entryAddress, port);
    clientHelper.SetAttribute("Timeout", TimeValue(Seconds(c.timeout)));
    clientHelper.SetAttribute("Mode", StringValue(c.mode));
    clientHelper.SetAttribute("Classes", PointerValue(mix));
    ApplicationContainer clientApps;
    for (uint32_t i = 0; i < nodes; ++i)
    {
        if (c.mode == "closed-loop")
        {
            const uint32_t here = std::min(c.usersPerNode, c.users - i * c.usersPerNode);
            clientHelper.SetAttribute("Users", UintegerValue(here));
            clientHelper.SetWorkloadAttribute(
                "ThinkTime",
                StringValue("ns3::ExponentialRandomVariable[Mean=" + NumberText(c.think) + "]"));
        }
        else if (c.mode == "poisson")
        {
            clientHelper.SetWorkloadAttribute("Interarrival",
                                              StringValue("ns3::ExponentialRandomVariable[Mean=" +
                                                          NumberText(nodes / c.rate) + "]"));
        }
        else
        {
            clientHelper.SetAttribute("TraceFile", StringValue(c.trace));
            clientHelper.SetAttribute("TraceStride", UintegerValue(nodes));
            clientHelper.SetAttribute("TraceOffset", UintegerValue(i));
        }
        clientApps.Add(clientHelper.Install(NodeContainer(clientNodes.Get(i))));
    }
    // The users share one class mix: classes and lengths come from its streams, think times
    // and arrivals from each user's own.
    LlmClientHelper::AssignStreams(clientApps, 1000);
    clientApps.Start(Seconds(1)); // after association on Wi-Fi, attachment on LTE

    // --- outputs ----------------------------------------------------------------------------
    std::unique_ptr<LlmRunHelper> runner;
    try
    {
        runner = std::make_unique<LlmRunHelper>(c.out);
        runner->SetOutputs(c.outputs);
    }
    catch (const std::exception& e)
    {
        Fail(e.what());
    }
    runner->WatchClients(clientApps);
    for (const auto& [node, engine] : engines)
    {
        runner->WatchEngine(engine, node->GetId());
    }
    if (router)
    {
        runner->WatchRouter(router);
    }
    runner->SetScenario("example", "edge-llm-expert-router");
    runner->SetScenario("users", std::to_string(c.users));
    runner->SetScenario("mode", c.mode);
    runner->SetScenario("think_s", c.mode == "closed-loop" ? NumberText(c.think) : "");
    runner->SetScenario("rate_rps", c.mode == "poisson" ? NumberText(c.rate) : "");
    runner->SetScenario("classes", c.classes);
    runner->SetScenario("baseline", tp ? "tp" : "");
    runner->SetScenario("experts", tp ? c.tpModel + "@" + c.tpDevice : c.experts);
    runner->SetScenario("policy", tp ? "" : c.policy);
    runner->SetScenario("confusion", tp ? "" : c.confusion);
    runner->SetScenario("classifier_device", tp ? "" : c.classifierDevice);
    runner->SetScenario("classifier_cost", tp ? "" : c.classifierCost);
    runner->SetScenario("topology", AccessNetworkHelper::Canonical(c.access));
    c.network.Record(*runner, c.access);
    runner->SetScenario("backbone",
                        tp ? "" : c.backboneRate + "/" + NumberText(c.backboneDelay) + "s");
    runner->SetScenario("duration_s", NumberText(c.duration));
    runner->SetScenario("seed", std::to_string(c.seed));
    runner->SetScenario("run", std::to_string(c.run));

    if (banner)
    {
        *banner << "edge-llm-expert-router: " << c.users << " users on " << nodes << " " << c.access
                << " client nodes, " << c.mode << ", ";
        if (tp)
        {
            *banner << "TP baseline " << c.tpModel << " on " << c.tpDevice;
        }
        else
        {
            *banner << mix->GetN() << " classes, " << expertSpecs.size() << " experts, policy "
                    << c.policy;
        }
        *banner << ", for " << c.duration << " s" << std::endl;
    }
    RunSummary summary;
    try
    {
        summary = runner->Run(Seconds(1 + c.duration), Seconds(c.drain));
    }
    catch (const std::exception& e)
    {
        Fail(e.what());
    }
    Simulator::Destroy();
    return summary;
}

} // namespace ns3
