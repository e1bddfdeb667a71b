#include "moa-scenario.h"

#include "access-network-helper.h"
#include "adhoc-network-helper.h"
#include "device-profile.h"
#include "llm-engine-helper.h"
#include "llm-run-helper.h"
#include "moa-agent.h"
#include "moa-helper.h"
#include "model-spec.h"
#include "number-text.h"
#include "queue-stability.h"
#include "service-time-cost-model.h"

#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/node-container.h"
#include "ns3/pointer.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-net-device.h"
#include "ns3/wifi-phy.h"

#include <sstream>
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

bool
OneOf(const std::string& value, const std::vector<std::string>& accepted)
{
    return std::find(accepted.begin(), accepted.end(), value) != accepted.end();
}

/// Switches off every Wi-Fi radio of `node`: it drops off the network.
void
SwitchOffWifi(Ptr<Node> node)
{
    for (uint32_t i = 0; i < node->GetNDevices(); ++i)
    {
        if (Ptr<WifiNetDevice> wifi = DynamicCast<WifiNetDevice>(node->GetDevice(i)))
        {
            wifi->GetPhy()->SetOffMode();
        }
    }
}

/// An infrastructure topology from the scenario's settings (unset ones: the helper's).
void
Configure(AccessNetworkHelper& access, const MoaScenarioConfig& c)
{
    access.SetKind(c.topology);
    if (!c.standard.empty())
    {
        access.SetStandard(c.standard);
    }
    if (c.distance != 0)
    {
        access.SetDistance(c.distance);
    }
    c.networkOptions.Configure(access);
}

/// An ad hoc topology from the scenario's settings (unset ones: the helper's).
void
Configure(AdhocNetworkHelper& topology, const MoaScenarioConfig& c)
{
    topology.SetTopology(c.topology);
    if (!c.standard.empty())
    {
        topology.SetStandard(c.standard);
    }
    if (c.spacing != 0)
    {
        topology.SetSpacing(c.spacing);
    }
    const AccessNetworkOptions& o = c.networkOptions;
    topology.SetMobility(o.mobility, o.speed, o.pause);
    // Buildings' walls count only through ns-3's buildings-aware path loss.
    const std::string propagation =
        o.propagation.empty() && o.buildings > 0 ? "hybrid-buildings" : o.propagation;
    if (!propagation.empty())
    {
        topology.SetPropagation(propagation);
    }
}

/**
 * The options AccessNetworkHelper::Install refuses on a kind without them, for the networks
 * this scenario builds without it (the ad hoc kinds, the ideal network): the same one line,
 * before anything is built.
 */
void
CheckInfrastructureOptions(const MoaScenarioConfig& c)
{
    const AccessNetworkOptions& o = c.networkOptions;
    const std::string network = c.network == "ideal"
                                    ? "--network=ideal"
                                    : "--topology=" + AccessNetworkHelper::Canonical(c.topology);
    if (o.cells > 1)
    {
        Bad(network + " does not offer --cells=" + std::to_string(o.cells) +
            " (LTE cells on one EPC: lte)");
    }
    if (o.fading != "none")
    {
        Bad(network + " does not offer --fading=" + o.fading +
            " (lte only; Wi-Fi fading: --propagation=log-distance-nakagami)");
    }
    if (o.joinWindow > 0)
    {
        Bad(network + " does not offer --join-window=" + NumberText(o.joinWindow) +
            " (Wi-Fi stations joining an AP: wifi-star, campus)");
    }
}

} // namespace

MoaScenario::MoaScenario(const MoaScenarioConfig& config)
    : m_config(config)
{
    Validate();
}

void
MoaScenario::Validate() const
{
    const MoaScenarioConfig& c = m_config;
    if (c.nodes < 2)
    {
        Bad("nodes " + std::to_string(c.nodes) + " is too few; MoA needs at least 2 devices");
    }
    if (c.network == "wireless")
    {
        AccessNetworkHelper().SetKind(c.topology); // throws listing the topologies
    }
    const bool adhoc = AccessNetworkHelper::IsAdhoc(c.topology);
    if (c.network == "wireless" && adhoc && c.nodes > AdhocNetworkHelper::MAX_NODES)
    {
        Bad("nodes " + std::to_string(c.nodes) + " is too many; an ad hoc network holds " +
            std::to_string(AdhocNetworkHelper::MAX_NODES) +
            " at most (the host addresses of "
            "its /16)");
    }
    // A campus of the helper's 4 APs; LTE: one SRS slot per UE in each cell.
    const uint32_t most = AccessNetworkHelper::MaxClients(c.topology, 4, c.networkOptions.cells);
    if (c.network == "wireless" && !adhoc && c.nodes > most)
    {
        Bad("nodes " + std::to_string(c.nodes) + " is too many; topology '" + c.topology +
            "' holds " + std::to_string(most) + " at most");
    }
    if (!OneOf(c.network, {"wireless", "ideal"}))
    {
        Bad("network '" + c.network + "' is not one of: wireless, ideal");
    }
    if (c.layers > 0 && (c.peers < 1 || c.peers > c.nodes - 1))
    {
        Bad("peers (k) " + std::to_string(c.peers) + " must be within 1.." +
            std::to_string(c.nodes - 1) + " (nodes - 1)");
    }
    if (c.layers > 64)
    {
        Bad("layers (M) " + std::to_string(c.layers) + " must be within 0..64");
    }
    if (!OneOf(c.policy, {"uniform", "queue-aware", "proximity"}))
    {
        Bad("policy '" + c.policy + "' is not one of: uniform, queue-aware, proximity");
    }
    if (!OneOf(c.cost, {"profiled", "roofline", "constant", "exponential"}))
    {
        Bad("cost '" + c.cost + "' is not one of: profiled, roofline, constant, exponential");
    }
    if (!OneOf(c.retry, {"replace", "none"}))
    {
        Bad("retry '" + c.retry + "' is not one of: replace, none");
    }
    if (std::isnan(c.lambda) == std::isnan(c.rho))
    {
        Bad("give exactly one of lambda (prompts/s per user) and rho (offered load)");
    }
    if (!std::isnan(c.lambda) && !(c.lambda > 0 && std::isfinite(c.lambda)))
    {
        Bad("lambda " + NumberText(c.lambda) + " must be > 0 prompts per second");
    }
    if (!std::isnan(c.rho) && !(c.rho > 0 && std::isfinite(c.rho)))
    {
        Bad("rho " + NumberText(c.rho) + " must be > 0");
    }
    if (!(c.alpha > 0 && std::isfinite(c.alpha)))
    {
        Bad("alpha " + NumberText(c.alpha) + " must be > 0 seconds");
    }
    const std::vector<std::pair<const char*, double>> positive{{"peer-timeout", c.peerTimeout},
                                                               {"duration", c.duration}};
    for (const auto& [name, seconds] : positive)
    {
        if (!(seconds > 0 && std::isfinite(seconds)))
        {
            Bad(std::string(name) + " " + NumberText(seconds) + " must be > 0 seconds");
        }
    }
    const std::vector<std::pair<const char*, double>> nonNegative{{"drain", c.drain},
                                                                  {"warmup", c.warmUp},
                                                                  {"fail-at", c.failAt}};
    for (const auto& [name, seconds] : nonNegative)
    {
        if (!(seconds >= 0 && std::isfinite(seconds)))
        {
            Bad(std::string(name) + " " + NumberText(seconds) + " must be >= 0 seconds");
        }
    }
    if (c.models.empty() || c.devices.empty())
    {
        Bad("give at least one model and one device");
    }
    for (const auto& m : c.models)
    {
        ModelSpec::Preset(m); // throws naming the bad preset and the list
    }
    for (const auto& d : c.devices)
    {
        DeviceProfile::Preset(d);
    }
    if (c.failNode < -1 || c.failNode >= static_cast<int>(c.nodes))
    {
        Bad("fail-node " + std::to_string(c.failNode) + " is not a node (0.." +
            std::to_string(c.nodes - 1) + ", or -1 for none)");
    }
    if (c.failNode >= 0 && c.network == "ideal")
    {
        Bad("fail-node needs the wireless network (the ideal one has no radios)");
    }
    const std::string kind = AccessNetworkHelper::Canonical(c.topology);
    if (c.failNode >= 0 && c.network == "wireless" && (kind == "wired" || kind == "lte"))
    {
        Bad("fail-node switches a node's Wi-Fi off; topology '" + kind + "' has none");
    }
    const AccessNetworkOptions& o = c.networkOptions;
    if (c.network == "wireless" && !adhoc)
    {
        AccessNetworkHelper access;
        // Throws for a bad standard, distance, mobility, path loss, walls, cell count, fading
        // trace or join window; Install refuses the settings this kind does not offer.
        Configure(access, c);
    }
    else
    {
        CheckInfrastructureOptions(c);
    }
    BuildingLayout().SetBuildings(o.buildings); // throws with the range
    BuildingLayout().SetWalls(o.walls);         // throws listing the wall types
    if (o.buildings > 0)
    {
        // The checks AccessNetworkHelper::Install makes, before anything is built.
        const std::string given = "buildings " + std::to_string(o.buildings);
        if (c.network != "wireless" || kind == "wired")
        {
            Bad(given + " needs a radio: a wireless network on any topology but wired");
        }
        if (o.mobility != "static")
        {
            Bad(given +
                " takes static nodes (ns-3 cannot move a moving node into a "
                "building), not mobility " +
                o.mobility);
        }
        if (!o.propagation.empty() && o.propagation != "hybrid-buildings")
        {
            Bad(given +
                " needs propagation hybrid-buildings (the path loss that sees walls, "
                "the default with buildings), not " +
                o.propagation);
        }
        if (o.buildings > c.nodes)
        {
            Bad(given + ": at most one building per node (" + std::to_string(c.nodes) + ")");
        }
    }
    if (c.network == "wireless" && adhoc)
    {
        AdhocNetworkHelper topology;
        Configure(topology, c); // throws for a bad standard, spacing, mobility, path loss
    }
}

MoaScenarioResult
MoaScenario::Run()
{
    const MoaScenarioConfig& c = m_config;
    Simulator::Destroy();
    RngSeedManager::SetSeed(c.seed);
    RngSeedManager::SetRun(c.run);
    int64_t stream = 1000;

    // Nodes and network.
    NodeContainer nodes;
    AdhocNetwork network;
    AdhocNetworkHelper topology;
    AccessNetwork infrastructure;
    AccessNetworkHelper access;
    const bool adhoc = AccessNetworkHelper::IsAdhoc(c.topology);
    if (c.network == "wireless" && !adhoc)
    {
        // The n devices are the topology's clients; its server node stays idle.
        Configure(access, c);
        infrastructure = access.Install(c.nodes, stream);
        stream += 10000;
        nodes = infrastructure.clients;
    }
    else if (c.network == "wireless")
    {
        Configure(topology, c);
        network = topology.Install(c.nodes, stream);
        stream += 10000;
        nodes = network.nodes;
        const AccessNetworkOptions& o = c.networkOptions;
        if (o.buildings > 0 || o.propagation == "hybrid-buildings")
        {
            BuildingLayout layout; // as AccessNetworkHelper does for the other kinds
            layout.SetBuildings(o.buildings);
            layout.SetWalls(o.walls);
            layout.Install(nodes);
        }
    }
    else
    {
        nodes.Create(c.nodes);
    }

    // Engines: models and devices cycled over the nodes.
    std::vector<Ptr<LlmEngine>> engines;
    for (uint32_t i = 0; i < c.nodes; ++i)
    {
        const std::string& model = c.models[i % c.models.size()];
        const std::string& device = c.devices[i % c.devices.size()];
        LlmEngineHelper engineHelper;
        if (c.cost == "profiled" || c.cost == "roofline")
        {
            engineHelper.SetCostModel(c.cost == "profiled" ? "ns3::ProfiledCostModel"
                                                           : "ns3::RooflineCostModel");
        }
        else
        {
            engineHelper.SetCostModel("ns3::ServiceTimeCostModel");
            engineHelper.SetCostModelAttribute(
                "ServiceTime",
                StringValue(
                    c.cost == "constant"
                        ? "ns3::ConstantRandomVariable[Constant=" + NumberText(c.alpha) + "]"
                        : "ns3::ExponentialRandomVariable[Mean=" + NumberText(c.alpha) + "]"));
        }
        engineHelper.SetCostModelAttribute("Model", StringValue(model));
        engineHelper.SetCostModelAttribute("Device", StringValue(device));
        if (c.queueCapacity > 0)
        {
            engineHelper.SetEngineAttribute("QueueCapacity", UintegerValue(c.queueCapacity));
        }
        engines.push_back(engineHelper.Install(nodes.Get(i)));
        if (auto serviceTime = DynamicCast<ServiceTimeCostModel>(engines.back()->GetCostModel()))
        {
            stream += serviceTime->AssignStreams(stream);
        }
    }

    // Offered load (Theorem 1): alpha from each device's cost model over the workload.
    MoaScenarioResult result;
    // The agents' workload (their token-length defaults), on streams of its own.
    Ptr<LlmWorkload> lengths = CreateObject<LlmWorkload>();
    lengths->AssignStreams(0);
    PointerValue prompt;
    PointerValue output;
    lengths->GetAttribute("PromptTokens", prompt);
    lengths->GetAttribute("OutputTokens", output);
    auto promptRv = prompt.Get<RandomVariableStream>();
    auto outputRv = output.Get<RandomVariableStream>();
    double alphaGrowthMax = 0;
    for (const auto& engine : engines)
    {
        MoaServiceEstimate estimate;
        if (c.cost == "constant" || c.cost == "exponential")
        {
            estimate.base = estimate.withGrowth = c.alpha; // exactly the given mean
        }
        else
        {
            estimate = MoaMeanServiceSeconds(*engine->GetCostModel(),
                                             promptRv,
                                             outputRv,
                                             c.layers,
                                             c.peers,
                                             c.aggregatorTokens,
                                             2000);
        }
        result.alphaMax = std::max(result.alphaMax, estimate.base);
        alphaGrowthMax = std::max(alphaGrowthMax, estimate.withGrowth);
    }
    const double inferences = MoaInferencesPerPrompt(c.layers, c.peers);
    result.lambda = std::isnan(c.lambda) ? c.rho / (result.alphaMax * inferences) : c.lambda;
    result.rho = result.alphaMax * inferences * result.lambda;
    result.rhoWithGrowth = alphaGrowthMax * inferences * result.lambda;

    // Agents and gossip.
    MoaHelper moa;
    moa.SetAgentAttribute("Layers", UintegerValue(c.layers));
    // k means nothing without proposer layers (M = 0, the paper's "M = 0, k = 0"): any valid k.
    moa.SetAgentAttribute("Peers", UintegerValue(c.layers > 0 ? c.peers : 1));
    moa.SetAgentAttribute("AggregatorPromptTokens", UintegerValue(c.aggregatorTokens));
    moa.SetWorkloadAttribute("Interarrival",
                             StringValue("ns3::ExponentialRandomVariable[Mean=" +
                                         NumberText(1.0 / result.lambda) + "]"));
    moa.SetAgentAttribute("PeerPolicy", StringValue(c.policy));
    moa.SetAgentAttribute("Network", StringValue(c.network));
    moa.SetAgentAttribute("PeerTimeout", TimeValue(Seconds(c.peerTimeout)));
    moa.SetAgentAttribute("RetryPolicy", StringValue(c.retry));
    moa.SetAgentAttribute("MaxRetries", UintegerValue(c.maxRetries));
    moa.SetAgentAttribute("WarmUp", TimeValue(Seconds(c.warmUp)));
    moa.SetContacts(std::min<uint32_t>(2, c.nodes - 1));
    const MoaApps apps = moa.Install(nodes);
    // OLSR needs 10-16 s before multi-hop routes exist (doc: Ad hoc topologies); gossip
    // started earlier loses its far bootstrap contacts and can leave islands of nodes that
    // only know each other.
    const Time gossipStart = c.network == "wireless" && c.topology == "olsr"
                                 ? Seconds(std::min(20.0, c.warmUp))
                                 : Time(0);
    for (uint32_t i = 0; i < c.nodes; ++i)
    {
        // A station that joins its AP later (--join-window) starts its agent, hence its user
        // (the agent's WarmUp after), and its gossip then: before, it has no network.
        const Time joined =
            infrastructure.joinTimes.empty() ? Time(0) : infrastructure.joinTimes[i];
        apps.agents.Get(i)->SetStartTime(joined);
        if (i < apps.samplers.GetN())
        {
            apps.samplers.Get(i)->SetStartTime(gossipStart + joined);
        }
    }
    stream += MoaHelper::AssignStreams(apps, stream);

    if (c.failNode >= 0)
    {
        Simulator::Schedule(Seconds(c.failAt), &SwitchOffWifi, nodes.Get(c.failNode));
    }

    LlmRunHelper runner(c.out);
    runner.SetOutputs(c.outputs);
    runner.WatchClients(apps.agents);
    if (c.battery.IsOn())
    {
        BatteryHelper batteries;
        batteries.Set(c.battery);
        runner.WatchBatteries(batteries.Install(nodes));
    }
    for (uint32_t i = 0; i < c.nodes; ++i)
    {
        runner.WatchEngine(engines[i], nodes.Get(i)->GetId());
    }
    if (c.pcap && c.network == "wireless" && adhoc)
    {
        topology.EnablePcap(runner.Path("adhoc"), network);
    }
    else if (c.pcap && c.network == "wireless")
    {
        access.EnablePcap(runner.GetOutDir(), infrastructure);
    }
    std::ostringstream models;
    std::ostringstream devices;
    for (size_t i = 0; i < c.models.size(); ++i)
    {
        models << (i ? "," : "") << c.models[i];
    }
    for (size_t i = 0; i < c.devices.size(); ++i)
    {
        devices << (i ? "," : "") << c.devices[i];
    }
    const std::vector<std::pair<std::string, std::string>> scenario{
        {"example", "edge-llm-moa"},
        {"nodes", std::to_string(c.nodes)},
        {"network", c.network},
        {"topology",
         c.network == "wireless" ? AccessNetworkHelper::Canonical(c.topology) : "ideal"},
        {"spacing_m", c.network == "wireless" && adhoc ? NumberText(topology.GetSpacing()) : ""},
        {"distance_m", c.distance != 0 ? NumberText(c.distance) : ""},
        {"layers", std::to_string(c.layers)},
        {"peers", std::to_string(c.peers)},
        {"aggregator_tokens", std::to_string(c.aggregatorTokens)},
        {"policy", c.policy},
        {"lambda_per_s", NumberText(result.lambda)},
        {"cost", c.cost},
        {"alpha_s", c.cost == "constant" || c.cost == "exponential" ? NumberText(c.alpha) : ""},
        {"alpha_max_s", NumberText(result.alphaMax)},
        {"models", models.str()},
        {"devices", devices.str()},
        {"peer_timeout_s", NumberText(c.peerTimeout)},
        {"retry", c.retry},
        {"warmup_s", NumberText(c.warmUp)},
        {"duration_s", NumberText(c.duration)},
        {"drain_s", NumberText(c.drain)},
        {"fail_node", std::to_string(c.failNode)},
        {"fail_at_s", NumberText(c.failAt)},
        {"seed", std::to_string(c.seed)},
        {"run", std::to_string(c.run)},
    };
    for (const auto& [key, value] : scenario)
    {
        runner.SetScenario(key, value);
    }
    c.networkOptions.Record(runner, c.network == "wireless" ? c.topology : "ideal");
    runner.SetOfferedLoad(result.rho, result.rhoWithGrowth);
    result.summary = runner.Run(Seconds(c.warmUp + c.duration), Seconds(c.drain));
    result.wallSeconds = result.summary.wallSeconds;
    Simulator::Destroy();
    return result;
}

} // namespace ns3
