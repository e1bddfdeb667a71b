/*
 * edge-llm-expert-router: users send prompts to a gateway that classifies each one and
 * forwards it to the expert server of its class (Expert Router, Pichlmeier et al. 2024); or,
 * with --baseline=tp, to one large model served with tensor parallelism on the same GPUs.
 *
 *   users ==== 1 Gb/s CSMA LAN ==== gateway (ExpertRouter) ==== backbone ==== expert 0..N-1
 *   users ))) Wi-Fi AP ==== link ==== gateway ...                            (--access=wifi)
 *   users ==== LAN ==== TP server (one engine on an xN device, no classifier) (--baseline=tp)
 *
 * Outputs in --out: requests.csv (with prompt_class, classified_as, expert, misrouted,
 * classifier_s, gateway_s), queue.csv, summary.json (engines: one per expert; router section).
 * Run: ./edge-llm run edge-llm-expert-router --users=100
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <iostream>
#include <memory>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("EdgeLlmExpertRouter");

namespace
{

/// One expert as given on the command line: model@device.
struct ExpertSpec
{
    std::string model;
    std::string device;
};

ExpertSpec
ParseExpert(const std::string& item)
{
    const size_t at = item.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == item.size())
    {
        FailOnCommandLine("--experts item '" + item + "' is not model@device (e.g. " +
                          "llama-3-8b@a100-80gb)");
    }
    ExpertSpec spec{item.substr(0, at), item.substr(at + 1)};
    try
    {
        if (ModelSpec::Preset(spec.model).IsEncoder())
        {
            FailOnCommandLine("--experts item '" + item + "': " + spec.model +
                              " is an encoder and cannot generate; accepted: decoder presets");
        }
        DeviceProfile::Preset(spec.device);
    }
    catch (const std::invalid_argument& e)
    {
        FailOnCommandLine("--experts item '" + item + "': " + e.what());
    }
    return spec;
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t users = 100;
    uint32_t usersPerNode = 10;
    std::string mode = "closed-loop";
    double rate = 1.0;
    double think = 5;
    std::string trace;
    std::string classes = "chat,code,math,science";
    std::string experts = "llama-3-8b@a100-80gb,llama-3-8b@a100-80gb,llama-3-8b@a100-80gb,"
                          "llama-3-8b@a100-80gb";
    std::string policy = "by-class";
    std::string confusion;
    std::string classifierDevice = "edge-server-l4";
    uint32_t maxConcurrent = 0;
    std::string baseline;
    std::string tpModel = "llama-3-70b";
    std::string tpDevice;
    uint32_t maxNumSeqs = 256;
    std::string access = "wired";
    std::string standard = "80211ax";
    double distance = 10;
    std::string backboneRate = "10Gbps";
    double backboneDelay = 0.0005;
    double duration = 300;
    double drain = 300;
    double timeout = 600;
    uint32_t seed = 1;
    uint32_t run = 1;
    std::string out = "edge-llm-out/edge-llm-expert-router";

    CommandLine cmd(__FILE__);
    cmd.Usage("Users send prompts to a gateway that routes each to the expert of its class, or "
              "(--baseline=tp) to one tensor-parallel model on the same GPUs.");
    cmd.AddValue("users",
                 "Closed-loop: concurrent users; poisson and trace: client nodes (1 to 100000)",
                 users);
    cmd.AddValue("users-per-node",
                 "Closed-loop users sharing one client node (>= 1)",
                 usersPerNode);
    cmd.AddValue("mode", "Arrivals: closed-loop, poisson or trace", mode);
    cmd.AddValue("rate", "Total requests per second (poisson, > 0)", rate);
    cmd.AddValue("think", "Mean think time in seconds after an answer (closed-loop, >= 0)", think);
    cmd.AddValue("trace", "Azure-format trace CSV (trace mode); rows are dealt to nodes", trace);
    cmd.AddValue("classes",
                 "Prompt classes name[:weight[:trace.csv]],... (lengths from the trace, else "
                 "the Azure conversation fit)",
                 classes);
    cmd.AddValue("experts",
                 "Expert per class, model@device,... (models: " + ModelSpec::PresetList() + ")",
                 experts);
    cmd.AddValue("policy", "Routing policy: " + RoutingPolicy::NameList(), policy);
    cmd.AddValue("confusion",
                 "Classifier confusion matrix: rows separated by ;, values by , (empty: perfect)",
                 confusion);
    cmd.AddValue("classifier-device", "Gateway device preset for the classifier", classifierDevice);
    cmd.AddValue("max-concurrent",
                 "Requests the gateway holds at once (0: no limit)",
                 maxConcurrent);
    cmd.AddValue("baseline", "tp: one tensor-parallel model instead of the router", baseline);
    cmd.AddValue("tp-model", "Model of the TP baseline", tpModel);
    cmd.AddValue("tp-device",
                 "Device of the TP baseline (default: the experts' device xN)",
                 tpDevice);
    cmd.AddValue("max-num-seqs", "Sequences per batch at most, every engine (>= 1)", maxNumSeqs);
    cmd.AddValue("access", "Users' network: wired, wifi or lte", access);
    cmd.AddValue("standard",
                 "Wi-Fi standard (--access=wifi): " + WifiStarHelper::StandardList(),
                 standard);
    cmd.AddValue("distance", "Node-to-AP distance in metres (--access=wifi, > 0)", distance);
    cmd.AddValue("backbone-rate", "Gateway-to-expert link rate (ns-3 DataRate)", backboneRate);
    cmd.AddValue("backbone-delay", "Gateway-to-expert link delay in seconds (>= 0)", backboneDelay);
    cmd.AddValue("duration", "Seconds during which users issue requests (> 0)", duration);
    cmd.AddValue("drain", "Extra seconds for open requests to finish (>= 0)", drain);
    cmd.AddValue("timeout", "Seconds after which a user gives up on a request (> 0)", timeout);
    cmd.AddValue("seed", "Random seed (>= 1)", seed);
    cmd.AddValue("run", "Run number (independent replications, >= 1)", run);
    cmd.AddValue("out", "Output directory", out);
    cmd.Parse(argc, argv);

    // Validate everything before building anything.
    if (access == "lte")
    {
        FailOnCommandLine("--access=lte: LTE access is not built yet; accepted: wired, wifi");
    }
    if (access != "wired" && access != "wifi")
    {
        FailOnCommandLine("unknown --access '" + access + "'; accepted: wired, wifi, lte");
    }
    if (users < 1 || users > 100000)
    {
        FailOnCommandLine("--users=" + std::to_string(users) + ": accepted 1 to 100000");
    }
    if (usersPerNode < 1)
    {
        FailOnCommandLine("--users-per-node=" + std::to_string(usersPerNode) + ": accepted >= 1");
    }
    if (mode != "closed-loop" && mode != "poisson" && mode != "trace")
    {
        FailOnCommandLine("unknown --mode '" + mode + "'; accepted: closed-loop, poisson, trace");
    }
    if (mode == "poisson" && !(rate > 0 && rate <= 1e5))
    {
        FailOnCommandLine("--rate=" + NumberText(rate) +
                          ": accepted (0, 100000] requests per second");
    }
    if (!(think >= 0 && think <= 1e6))
    {
        FailOnCommandLine("--think=" + NumberText(think) + ": accepted 0 to 1e6 seconds");
    }
    if (mode == "trace" && trace.empty())
    {
        FailOnCommandLine(
            "--mode=trace needs --trace=FILE (TIMESTAMP,ContextTokens,GeneratedTokens)");
    }
    if (!baseline.empty() && baseline != "tp")
    {
        FailOnCommandLine("unknown --baseline '" + baseline + "'; accepted: tp (or none)");
    }
    if (!(duration > 0 && duration <= 1e7) || !(drain >= 0 && drain <= 1e7) ||
        !(timeout > 0 && timeout <= 1e7) || !(backboneDelay >= 0 && backboneDelay <= 10))
    {
        FailOnCommandLine("--duration and --timeout must be in (0, 1e7] s, --drain in [0, 1e7] s, "
                          "--backbone-delay in [0, 10] s");
    }
    if (seed < 1 || run < 1 || maxNumSeqs < 1)
    {
        FailOnCommandLine("--seed, --run and --max-num-seqs must be >= 1");
    }
    Ptr<PromptClassMix> mix;
    try
    {
        mix = PromptClassMix::Parse(classes);
    }
    catch (const std::exception& e)
    {
        FailOnCommandLine("--classes: " + std::string(e.what()));
    }
    std::vector<ExpertSpec> expertSpecs;
    for (const std::string& item : CommaList(experts))
    {
        expertSpecs.push_back(ParseExpert(item));
    }
    if (expertSpecs.empty())
    {
        FailOnCommandLine("--experts is empty; accepted: model@device,... (one per class)");
    }
    if (baseline.empty() && expertSpecs.size() > mix->GetN())
    {
        FailOnCommandLine("--experts has " + std::to_string(expertSpecs.size()) + " experts for " +
                          std::to_string(mix->GetN()) +
                          " classes; accepted: at most one per class");
    }
    Ptr<RoutingPolicy> routing;
    try
    {
        routing = RoutingPolicy::ByName(policy);
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
        FailOnCommandLine(e.what());
    }
    if (baseline == "tp" && tpDevice.empty())
    {
        // The experts' GPUs pooled: their common device, N of them.
        for (const ExpertSpec& e : expertSpecs)
        {
            if (e.device != expertSpecs[0].device)
            {
                FailOnCommandLine("--baseline=tp: experts on different devices; give --tp-device");
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
            FailOnCommandLine("--baseline=tp: " + std::string(e.what()));
        }
    }
    RequestTrace traceRows; // read once here: a bad file fails before anything is built
    if (mode == "trace")
    {
        try
        {
            traceRows = RequestTrace::Load(trace);
        }
        catch (const std::exception& e)
        {
            FailOnCommandLine(e.what());
        }
    }
    const uint32_t nodes =
        mode == "closed-loop" ? (users + usersPerNode - 1) / usersPerNode : users;
    const bool tp = baseline == "tp";

    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(run);
    // Full-size segments: ns-3's default TCP MSS is 536 bytes.
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));

    // --- the users' network; its server node is the gateway (or the TP server) ----------
    NodeContainer clientNodes;
    Ptr<Node> entryNode;
    Ipv4Address entryAddress;
    WiredLanHelper lanHelper;
    WifiStarHelper starHelper;
    try
    {
        if (access == "wired")
        {
            WiredLan lan = lanHelper.Install(nodes);
            clientNodes = lan.clients;
            entryNode = lan.server.Get(0);
            entryAddress = lan.serverAddress;
        }
        else
        {
            if (nodes > WifiStarHelper::MAX_STATIONS)
            {
                FailOnCommandLine(
                    "--access=wifi holds " + std::to_string(WifiStarHelper::MAX_STATIONS) +
                    " client nodes at most (802.11 association IDs per access point); asked " +
                    std::to_string(nodes) + ": raise --users-per-node");
            }
            starHelper.SetDistance(distance);
            starHelper.SetStandard(standard);
            WifiStar star = starHelper.Install(nodes, 100);
            clientNodes = star.stations;
            entryNode = star.server.Get(0);
            entryAddress = star.serverAddress;
        }
    }
    catch (const std::invalid_argument& e)
    {
        FailOnCommandLine(e.what());
    }

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
        FailOnCommandLine(e.what());
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
    clientApps.Start(Seconds(1)); // after association on Wi-Fi; harmless on the LAN

    // --- outputs ----------------------------------------------------------------------------
    std::unique_ptr<LlmRunHelper> runner;
    try
    {
        runner = std::make_unique<LlmRunHelper>(out);
    }
    catch (const std::exception& e)
    {
        FailOnCommandLine(e.what());
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

    std::cout << "edge-llm-expert-router: " << users << " users on " << nodes << " " << access
              << " client nodes, " << mode << ", ";
    if (tp)
    {
        std::cout << "TP baseline " << tpModel << " on " << tpDevice;
    }
    else
    {
        std::cout << mix->GetN() << " classes, " << expertSpecs.size() << " experts, policy "
                  << policy;
    }
    std::cout << ", for " << duration << " s" << std::endl;
    RunSummary summary;
    try
    {
        summary = runner->Run(Seconds(1 + duration), Seconds(drain));
    }
    catch (const std::exception& e)
    {
        FailOnCommandLine(e.what());
    }
    Simulator::Destroy();
    std::cout << summary.Table();
    std::cout << "outputs: " << runner->GetOutDir() << std::endl;
    return 0;
}
