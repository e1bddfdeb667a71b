#include "split-scenario.h"

#include "access-network-helper.h"
#include "access-network-options.h"
#include "battery-helper.h"
#include "device-profile.h"
#include "llm-app-helper.h"
#include "llm-engine-helper.h"
#include "llm-engine.h"
#include "llm-run-helper.h"
#include "model-spec.h"
#include "number-text.h"
#include "program-options.h"
#include "roofline-cost-model.h"
#include "split-costs.h"
#include "split-planner.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/pointer.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace ns3
{

namespace
{

[[noreturn]] void
Bad(const std::string& message)
{
    throw std::invalid_argument(message);
}

std::string
Constant(uint32_t value)
{
    return "ns3::ConstantRandomVariable[Constant=" + std::to_string(value) + "]";
}

std::string
CostModelType(const std::string& cost)
{
    return cost == "profiled" ? "ns3::ProfiledCostModel" : "ns3::RooflineCostModel";
}

} // namespace

SplitScenario::SplitScenario(const SplitScenarioConfig& config)
    : m_config(config)
{
    Validate();
}

void
SplitScenario::Validate() const
{
    const SplitScenarioConfig& c = m_config;
    const std::string kind = AccessNetworkOptions::Kind(c.access); // throws, listing the kinds
    AccessNetworkOptions::CheckBattery(c.battery, kind, "client devices", true);
    AccessNetworkHelper access;
    access.SetKind(kind);
    if (!c.standard.empty())
    {
        access.SetStandard(c.standard);
    }
    access.SetDistance(c.distance);
    c.network.Configure(access); // throws for a bad mobility, path loss or cell count
    const uint32_t most = AccessNetworkHelper::MaxClients(kind, 4, c.network.cells);
    if (c.clients < 1 || c.clients > most)
    {
        Bad("clients " + std::to_string(c.clients) + ": --topology=" + kind + " holds 1 to " +
            std::to_string(most));
    }
    if (c.cost != "roofline" && c.cost != "profiled")
    {
        Bad("cost '" + c.cost + "' is not one of: roofline, profiled");
    }
    SplitPlanner::ByName(c.planner); // throws, listing the planners
    for (const auto& name : c.shadowPlanners)
    {
        SplitPlanner::ByName(name);
    }
    if (!(c.sla > 0 && std::isfinite(c.sla)))
    {
        Bad("sla " + NumberText(c.sla) + " must be > 0 seconds");
    }
    if (!(c.slaHeadroom >= 0 && c.slaHeadroom <= 0.9))
    {
        Bad("headroom " + NumberText(c.slaHeadroom) + ": accepted 0 to 0.9 (a share of the SLA)");
    }
    if (!(c.load > 0 && c.load <= 1000))
    {
        Bad("load " + NumberText(c.load) + ": accepted (0, 1000] requests per second per client");
    }
    if (!(c.duration > 0 && c.duration <= 1e7) || !(c.drain >= 0 && c.drain <= 1e7) ||
        !(c.timeout > 0 && c.timeout <= 1e7))
    {
        Bad("duration and timeout must be in (0, 1e7] s, drain in [0, 1e7] s");
    }
    if (c.seed < 1 || c.run < 1)
    {
        Bad("seed and run must be >= 1");
    }
    if (c.clientDevices.empty())
    {
        Bad("give at least one client device");
    }
    const ModelSpec model = ModelSpec::Preset(c.model); // throws, listing the presets
    if (c.promptTokens + static_cast<uint64_t>(c.outputTokens) > model.maxContext)
    {
        Bad("prompt-tokens + output-tokens = " +
            std::to_string(c.promptTokens + static_cast<uint64_t>(c.outputTokens)) +
            " exceed the model's context of " + std::to_string(model.maxContext));
    }
    DeviceProfile::Preset(c.serverDevice);
    for (const auto& device : c.clientDevices)
    {
        DeviceProfile::Preset(device);
    }
    // A fixed placement the user chose must fit every device (dp and greedy keep each
    // placement within memory themselves).
    Ptr<SplitPlanner> planner = SplitPlanner::ByName(c.planner);
    if (planner->GetName() == "fixed")
    {
        Ptr<RooflineCostModel> server = CreateObject<RooflineCostModel>();
        server->SetAttribute("Model", StringValue(c.model));
        server->SetAttribute("Device", StringValue(c.serverDevice));
        for (const auto& device : c.clientDevices)
        {
            Ptr<RooflineCostModel> client = CreateObject<RooflineCostModel>();
            client->SetAttribute("Model", StringValue(c.model));
            client->SetAttribute("Device", StringValue(device));
            const SplitCosts costs = SplitCosts::Compute(*client,
                                                         *server,
                                                         SplitLink{1e9, 1e9, 0.001},
                                                         std::max(c.promptTokens, 1u),
                                                         std::max(c.outputTokens, 1u));
            const SplitPlacement p = planner->Plan(costs, c.sla);
            if (p.clientMemory > costs.clientMemoryLimit)
            {
                constexpr double GIB = 1024.0 * 1024 * 1024;
                char sizes[128];
                std::snprintf(sizes,
                              sizeof(sizes),
                              "%.1f GiB on device '%s' (the weights of its units and their KV "
                              "cache), which has %.1f GiB",
                              p.clientMemory / GIB,
                              device.c_str(),
                              costs.clientMemoryLimit / GIB);
                Bad("planner '" + c.planner + "' puts " + sizes +
                    "; accepted: a placement that fits, or --planner=dp or greedy");
            }
        }
    }
}

SplitScenarioResult
SplitScenario::Run()
{
    const SplitScenarioConfig& c = m_config;
    RngSeedManager::SetSeed(c.seed);
    RngSeedManager::SetRun(c.run);
    // Full-size segments (ns-3's default MSS is 536 bytes) and Linux's initial window of 10
    // segments (RFC 6928; ns-3's default is 1): every split request opens a connection.
    ProgramOptions::SetDefaultUnlessGiven("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    ProgramOptions::SetDefaultUnlessGiven("ns3::TcpSocket::InitialCwnd", UintegerValue(10));

    // --- the network --------------------------------------------------------------------
    AccessNetworkHelper access;
    access.SetKind(c.access);
    access.SetDistance(c.distance);
    if (!c.standard.empty())
    {
        access.SetStandard(c.standard);
    }
    c.network.Configure(access);
    const AccessNetwork net = access.Install(c.clients, 100);
    const NodeContainer& clientNodes = net.clients;
    const Ptr<Node> serverNode = net.server;
    const Ipv4Address serverAddress = net.serverAddress;

    // --- engines: a batching server, one user per device --------------------------------
    LlmEngineHelper serverEngines;
    serverEngines.SetCostModel(CostModelType(c.cost));
    serverEngines.SetCostModelAttribute("Model", StringValue(c.model));
    serverEngines.SetCostModelAttribute("Device", StringValue(c.serverDevice));
    serverEngines.SetScheduler("ns3::ContinuousBatchingScheduler");
    serverEngines.SetEngineAttribute("QueueCapacity", UintegerValue(100000));
    Ptr<LlmEngine> serverEngine = serverEngines.Install(serverNode);

    std::vector<Ptr<LlmEngine>> clientEngines;
    for (uint32_t i = 0; i < c.clients; ++i)
    {
        LlmEngineHelper device;
        device.SetCostModel(CostModelType(c.cost));
        device.SetCostModelAttribute("Model", StringValue(c.model));
        device.SetCostModelAttribute("Device",
                                     StringValue(c.clientDevices[i % c.clientDevices.size()]));
        device.SetScheduler("ns3::FcfsScheduler");
        // The planner keeps each placement within the device's memory: the device need not
        // hold the whole model.
        device.SetEngineAttribute("CheckMemory", BooleanValue(false));
        clientEngines.push_back(device.Install(clientNodes.Get(i)));
    }

    // --- applications -------------------------------------------------------------------
    const uint16_t port = 8200;
    SplitClientHelper::InstallServer(NodeContainer(serverNode), port).Start(Seconds(0));
    SplitClientHelper clientHelper(serverAddress, port);
    clientHelper.SetAttribute("Planner", PointerValue(SplitPlanner::ByName(c.planner)));
    clientHelper.SetAttribute("ServerCostModel", PointerValue(serverEngine->GetCostModel()));
    clientHelper.SetAttribute("Sla", TimeValue(Seconds(c.sla)));
    clientHelper.SetAttribute("SlaHeadroom", DoubleValue(c.slaHeadroom));
    clientHelper.SetAttribute("Timeout", TimeValue(Seconds(c.timeout)));
    clientHelper.SetWorkloadAttribute(
        "Interarrival",
        StringValue("ns3::ExponentialRandomVariable[Mean=" + NumberText(1.0 / c.load) + "]"));
    if (c.promptTokens > 0)
    {
        clientHelper.SetWorkloadAttribute("PromptTokens", StringValue(Constant(c.promptTokens)));
    }
    if (c.outputTokens > 0)
    {
        clientHelper.SetWorkloadAttribute("OutputTokens", StringValue(Constant(c.outputTokens)));
    }
    ApplicationContainer clientApps = clientHelper.Install(clientNodes);

    // Shadow planners see each request's inputs as the client had them.
    struct ShadowSamples
    {
        Ptr<SplitPlanner> planner;
        std::vector<double> work;
        std::vector<double> latency;
        uint64_t feasible{0};
    };

    std::map<std::string, ShadowSamples> shadows;
    for (const std::string& name : c.shadowPlanners)
    {
        shadows[name].planner = SplitPlanner::ByName(name);
    }
    if (!shadows.empty())
    {
        auto onPlanned =
            [&shadows](uint64_t, const SplitCosts& costs, double sla, const SplitPlacement&) {
                for (auto& [name, shadow] : shadows)
                {
                    const SplitPlacement p = shadow.planner->Plan(costs, sla);
                    shadow.work.push_back(p.serverWork);
                    shadow.latency.push_back(p.latency);
                    shadow.feasible += p.feasible;
                }
            };
        for (auto it = clientApps.Begin(); it != clientApps.End(); ++it)
        {
            const bool connected = (*it)->TraceConnectWithoutContext(
                "Planned",
                Callback<void, uint64_t, const SplitCosts&, double, const SplitPlacement&>(
                    onPlanned));
            NS_ABORT_MSG_UNLESS(connected, "SplitScenario: no Planned trace source");
        }
    }
    LlmClientHelper::AssignStreams(clientApps, 1000);
    clientApps.Start(Seconds(1)); // after association on Wi-Fi and attachment on LTE

    // --- outputs ------------------------------------------------------------------------
    LlmRunHelper runner(c.out);
    runner.SetOutputs(c.outputs);
    if (c.pcap)
    {
        access.EnablePcap(runner.GetOutDir(), net);
    }
    if (c.battery.IsOn())
    {
        BatteryHelper batteries;
        batteries.Set(c.battery);
        runner.WatchBatteries(batteries.Install(clientNodes));
        runner.SetScenario("battery_j", NumberText(c.battery.capacityJoules));
    }
    runner.WatchClients(clientApps);
    runner.WatchEngine(serverEngine, serverNode->GetId());
    for (uint32_t i = 0; i < c.clients; ++i)
    {
        runner.WatchEngine(clientEngines[i], clientNodes.Get(i)->GetId());
    }
    std::string devices;
    for (const auto& d : c.clientDevices)
    {
        devices += (devices.empty() ? "" : ",") + d;
    }
    runner.SetScenario("example", "edge-llm-split");
    runner.SetScenario("clients", std::to_string(c.clients));
    runner.SetScenario("client_devices", devices);
    runner.SetScenario("model", c.model);
    runner.SetScenario("server_device", c.serverDevice);
    runner.SetScenario("cost", c.cost);
    runner.SetScenario("planner", c.planner);
    runner.SetScenario("sla_s", NumberText(c.sla));
    runner.SetScenario("sla_headroom", NumberText(c.slaHeadroom));
    runner.SetScenario("load_rps_per_client", NumberText(c.load));
    runner.SetScenario("prompt_tokens", c.promptTokens ? std::to_string(c.promptTokens) : "azure");
    runner.SetScenario("output_tokens", c.outputTokens ? std::to_string(c.outputTokens) : "azure");
    runner.SetScenario("topology", AccessNetworkHelper::Canonical(c.access));
    runner.SetScenario("distance_m", c.access != "wired" ? NumberText(c.distance) : "");
    c.network.Record(runner, c.access);
    runner.SetScenario("duration_s", NumberText(c.duration));
    runner.SetScenario("seed", std::to_string(c.seed));
    runner.SetScenario("run", std::to_string(c.run));

    SplitScenarioResult result;
    result.summary = runner.Run(Seconds(1 + c.duration), Seconds(c.drain));
    result.serverUtilisation =
        result.summary.engines.empty() ? 0 : result.summary.engines[0].utilisation;
    for (const auto& [name, shadow] : shadows)
    {
        ShadowPlanning& planning = result.shadows[name];
        planning.serverWork = Distribution::Of(shadow.work);
        planning.latency = Distribution::Of(shadow.latency);
        planning.feasibleShare =
            shadow.work.empty() ? 0 : double(shadow.feasible) / shadow.work.size();
    }
    Simulator::Destroy();
    return result;
}

} // namespace ns3
