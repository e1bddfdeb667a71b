#include "router-scenario.h"

#include "access-network-helper.h"
#include "command-line-error.h"
#include "expert-router-helper.h"
#include "llm-app-helper.h"
#include "llm-engine-helper.h"
#include "llm-run-helper.h"
#include "number-text.h"
#include "prompt-class-mix.h"
#include "request-trace.h"

#include "ns3/config.h"
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
    auto& users = m_config.users;
    auto& usersPerNode = m_config.usersPerNode;
    auto& mode = m_config.mode;
    auto& rate = m_config.rate;
    auto& think = m_config.think;
    auto& trace = m_config.trace;
    auto& classes = m_config.classes;
    auto& experts = m_config.experts;
    auto& policy = m_config.policy;
    auto& confusion = m_config.confusion;
    auto& classifierDevice = m_config.classifierDevice;
    auto& maxConcurrent = m_config.maxConcurrent;
    auto& baseline = m_config.baseline;
    auto& tpModel = m_config.tpModel;
    auto& tpDevice = m_config.tpDevice;
    auto& maxNumSeqs = m_config.maxNumSeqs;
    auto& access = m_config.access;
    auto& standard = m_config.standard;
    auto& distance = m_config.distance;
    auto& backboneRate = m_config.backboneRate;
    auto& backboneDelay = m_config.backboneDelay;
    auto& duration = m_config.duration;
    auto& drain = m_config.drain;
    auto& timeout = m_config.timeout;
    auto& seed = m_config.seed;
    auto& run = m_config.run;
    auto& out = m_config.out;
    // Validate everything before building anything.
    if (access != "wired" && access != "wifi" && access != "lte")
    {
        Fail("unknown --access '" + access + "'; accepted: " + AccessNetworkHelper::KindList());
    }
    if (users < 1 || users > 100000)
    {
        Fail("--users=" + std::to_string(users) + ": accepted 1 to 100000");
    }
    if (usersPerNode < 1)
    {
        Fail("--users-per-node=" + std::to_string(usersPerNode) + ": accepted >= 1");
    }
    if (mode != "closed-loop" && mode != "poisson" && mode != "trace")
    {
        Fail("unknown --mode '" + mode + "'; accepted: closed-loop, poisson, trace");
    }
    if (mode == "poisson" && !(rate > 0 && rate <= 1e5))
    {
        Fail("--rate=" + NumberText(rate) + ": accepted (0, 100000] requests per second");
    }
    if (!(think >= 0 && think <= 1e6))
    {
        Fail("--think=" + NumberText(think) + ": accepted 0 to 1e6 seconds");
    }
    if (mode == "trace" && trace.empty())
    {
        Fail("--mode=trace needs --trace=FILE (TIMESTAMP,ContextTokens,GeneratedTokens)");
    }
    if (!baseline.empty() && baseline != "tp")
    {
        Fail("unknown --baseline '" + baseline + "'; accepted: tp (or none)");
    }
    if (!(duration > 0 && duration <= 1e7) || !(drain >= 0 && drain <= 1e7) ||
        !(timeout > 0 && timeout <= 1e7) || !(backboneDelay >= 0 && backboneDelay <= 10))
    {
        Fail("--duration and --timeout must be in (0, 1e7] s, --drain in [0, 1e7] s, "
             "--backbone-delay in [0, 10] s");
    }
    if (seed < 1 || run < 1 || maxNumSeqs < 1)
    {
        Fail("--seed, --run and --max-num-seqs must be >= 1");
    }
    Ptr<PromptClassMix> mix;
    try
    {
        mix = PromptClassMix::Parse(classes);
    }
    catch (const std::exception& e)
    {
        Fail("--classes: " + std::string(e.what()));
    }
    const std::vector<ExpertSpec> expertSpecs = ParseExperts(experts);
    if (baseline.empty() && expertSpecs.size() > mix->GetN())
    {
        Fail("--experts has " + std::to_string(expertSpecs.size()) + " experts for " +
             std::to_string(mix->GetN()) + " classes; accepted: at most one per class");
    }
    try
    {
        RoutingPolicy::ByName(policy);
        DeviceProfile::Preset(classifierDevice);
        PromptClassifier::ParseConfusionMatrix(confusion);
        if (!confusion.empty() &&
            PromptClassifier::ParseConfusionMatrix(confusion).size() != mix->GetN())
        {
            throw std::invalid_argument("--confusion needs one row and column per class (" +
                                        std::to_string(mix->GetN()) + ")");
        }
    }
    catch (const std::invalid_argument& e)
    {
        Fail(e.what());
    }
    if (baseline == "tp" && tpDevice.empty())
    {
        // The experts' GPUs pooled: their common device, N of them.
        for (const ExpertSpec& e : expertSpecs)
        {
            if (e.device != expertSpecs[0].device)
            {
                Fail("--baseline=tp: experts on different devices; give --tp-device");
            }
        }
        tpDevice = expertSpecs.size() == 1
                       ? expertSpecs[0].device
                       : expertSpecs[0].device + "-x" + std::to_string(expertSpecs.size());
    }
    if (baseline == "tp")
    {
        try
        {
            ModelSpec::Preset(tpModel);
            DeviceProfile::Preset(tpDevice);
        }
        catch (const std::invalid_argument& e)
        {
            Fail("--baseline=tp: " + std::string(e.what()));
        }
    }
    if (mode == "trace")
    {
        try
        {
            RequestTrace::Load(trace); // a bad file fails before anything is built
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
    auto& users = m_config.users;
    auto& usersPerNode = m_config.usersPerNode;
    auto& mode = m_config.mode;
    auto& rate = m_config.rate;
    auto& think = m_config.think;
    auto& trace = m_config.trace;
    auto& classes = m_config.classes;
    auto& experts = m_config.experts;
    auto& policy = m_config.policy;
    auto& confusion = m_config.confusion;
    auto& classifierDevice = m_config.classifierDevice;
    auto& maxConcurrent = m_config.maxConcurrent;
    auto& baseline = m_config.baseline;
    auto& tpModel = m_config.tpModel;
    auto& tpDevice = m_config.tpDevice;
    auto& maxNumSeqs = m_config.maxNumSeqs;
    auto& access = m_config.access;
    auto& standard = m_config.standard;
    auto& distance = m_config.distance;
    auto& backboneRate = m_config.backboneRate;
    auto& backboneDelay = m_config.backboneDelay;
    auto& duration = m_config.duration;
    auto& drain = m_config.drain;
    auto& timeout = m_config.timeout;
    auto& seed = m_config.seed;
    auto& run = m_config.run;
    auto& out = m_config.out;
    Ptr<PromptClassMix> mix = PromptClassMix::Parse(classes);
    const std::vector<ExpertSpec> expertSpecs = ParseExperts(experts);
    const bool tp = baseline == "tp";
    const uint32_t nodes =
        mode == "closed-loop" ? (users + usersPerNode - 1) / usersPerNode : users;

    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(run);
    // Full-size segments: ns-3's default TCP MSS is 536 bytes.
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));

    // --- the users' network; its server node is the gateway (or the TP server) ----------
    AccessNetworkHelper accessHelper;
    AccessNetwork net;
    try
    {
        accessHelper.SetKind(access);
        accessHelper.SetDistance(distance);
        accessHelper.SetStandard(standard);
        net = accessHelper.Install(nodes, 100);
    }
    catch (const std::invalid_argument& e)
    {
        Fail(std::string(e.what()) + (mode == "closed-loop" ? ": raise --users-per-node" : ""));
    }
    const NodeContainer& clientNodes = net.clients;
    const Ptr<Node> entryNode = net.server;
    const Ipv4Address entryAddress = net.serverAddress;

    // --- engines: one per expert across the backbone, or the TP server itself -----------
    auto engineHelper = [maxNumSeqs](const std::string& model, const std::string& device) {
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
            engines.emplace_back(entryNode, engineHelper(tpModel, tpDevice).Install(entryNode));
            LlmServerHelper(port).Install(NodeContainer(entryNode)).Start(Seconds(0));
        }
        else
        {
            ExpertRouterHelper routerHelper(port);
            routerHelper.SetPolicy(policy);
            routerHelper.SetAttribute("MaxConcurrent", UintegerValue(maxConcurrent));
            // The gateway waits for an expert as long as the users wait for the gateway.
            routerHelper.SetAttribute("Timeout", TimeValue(Seconds(timeout)));
            routerHelper.SetClassifierAttribute(
                "CostModel",
                StringValue("ns3::RooflineCostModel[Model=bert-base-110m|Device=" +
                            classifierDevice + "]"));
            routerHelper.SetClassifierAttribute("ConfusionMatrix", StringValue(confusion));
            PointToPointHelper backbone;
            backbone.SetDeviceAttribute("DataRate", StringValue(backboneRate));
            backbone.SetChannelAttribute("Delay", TimeValue(Seconds(backboneDelay)));
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
    clientHelper.SetAttribute("Timeout", TimeValue(Seconds(timeout)));
    clientHelper.SetAttribute("Mode", StringValue(mode));
    clientHelper.SetAttribute("Classes", PointerValue(mix));
    ApplicationContainer clientApps;
    for (uint32_t i = 0; i < nodes; ++i)
    {
        if (mode == "closed-loop")
        {
            const uint32_t here = std::min(usersPerNode, users - i * usersPerNode);
            clientHelper.SetAttribute("Users", UintegerValue(here));
            clientHelper.SetWorkloadAttribute(
                "ThinkTime",
                StringValue("ns3::ExponentialRandomVariable[Mean=" + NumberText(think) + "]"));
        }
        else if (mode == "poisson")
        {
            clientHelper.SetWorkloadAttribute("Interarrival",
                                              StringValue("ns3::ExponentialRandomVariable[Mean=" +
                                                          NumberText(nodes / rate) + "]"));
        }
        else
        {
            clientHelper.SetAttribute("TraceFile", StringValue(trace));
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
        runner = std::make_unique<LlmRunHelper>(out);
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
    runner->SetScenario("users", std::to_string(users));
    runner->SetScenario("mode", mode);
    runner->SetScenario("think_s", mode == "closed-loop" ? NumberText(think) : "");
    runner->SetScenario("rate_rps", mode == "poisson" ? NumberText(rate) : "");
    runner->SetScenario("classes", classes);
    runner->SetScenario("baseline", tp ? "tp" : "");
    runner->SetScenario("experts", tp ? tpModel + "@" + tpDevice : experts);
    runner->SetScenario("policy", tp ? "" : policy);
    runner->SetScenario("confusion", tp ? "" : confusion);
    runner->SetScenario("classifier_device", tp ? "" : classifierDevice);
    runner->SetScenario("access", access);
    runner->SetScenario("backbone", tp ? "" : backboneRate + "/" + NumberText(backboneDelay) + "s");
    runner->SetScenario("duration_s", NumberText(duration));
    runner->SetScenario("seed", std::to_string(seed));
    runner->SetScenario("run", std::to_string(run));

    if (banner)
    {
        *banner << "edge-llm-expert-router: " << users << " users on " << nodes << " " << access
                << " client nodes, " << mode << ", ";
        if (tp)
        {
            *banner << "TP baseline " << tpModel << " on " << tpDevice;
        }
        else
        {
            *banner << mix->GetN() << " classes, " << expertSpecs.size() << " experts, policy "
                    << policy;
        }
        *banner << ", for " << duration << " s" << std::endl;
    }
    RunSummary summary;
    try
    {
        summary = runner->Run(Seconds(1 + duration), Seconds(drain));
    }
    catch (const std::exception& e)
    {
        Fail(e.what());
    }
    Simulator::Destroy();
    return summary;
}

} // namespace ns3
