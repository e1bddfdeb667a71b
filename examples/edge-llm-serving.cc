/*
 * edge-llm-serving: users send prompts to one LLM server that schedules them one at a time
 * (fcfs) or batches them continuously as vLLM does, with a paged KV cache.
 *
 *   client nodes (U users) ==== 1 Gb/s CSMA LAN ==== server (LlmServer + LlmEngine)
 *   client nodes (U users) ))) Wi-Fi AP ==== link ==== server       (--topology=wifi-star)
 *   client nodes (U users) ))) LTE eNB ==== EPC ==== server (behind the PGW; --topology=lte)
 *   client nodes ))) AP 1..K ==== CSMA backbone ==== server             (--topology=campus)
 *   client nodes ))) ... ))) server     (--topology=single-hop, olsr, aodv or mesh: ad hoc)
 *
 * Outputs in --out: requests.csv (with itl_s and preemptions), queue.csv, summary.json (per
 * engine: mean batch size, KV utilisation, preemptions, tokens per second), pcaps with --pcap.
 * Run: ./edge-llm run edge-llm-serving --users=100 --scheduler=continuous
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"

#include <iostream>
#include <memory>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("EdgeLlmServing");

namespace
{

std::string
Exponential(double mean)
{
    return "ns3::ExponentialRandomVariable[Mean=" + NumberText(mean) + "]";
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
    double traceScale = 1.0;
    uint32_t promptTokens = 0;
    uint32_t outputTokens = 0;
    std::string model = "llama-3-8b";
    std::string serverDevice = "a100-80gb";
    std::string cost = "roofline";
    std::string scheduler = "continuous";
    uint32_t maxNumSeqs = 256;
    uint32_t maxBatchedTokens = 8192;
    bool chunkedPrefill = false;
    uint32_t blockSize = 16;
    double memoryUtilization = 0.9;
    uint32_t queueCapacity = 100000;
    std::string topology = "wired";
    std::string standard; // the topology's default
    uint32_t accessPoints = 4;
    double distance = 10;
    double spacing = 0;
    double duration = 300;
    double drain = 300;
    double timeout = 600;
    uint32_t seed = 1;
    uint32_t run = 1;
    bool pcap = false;
    std::string out = "edge-llm-out/edge-llm-serving";

    ProgramOptions cmd("edge-llm-serving",
                       "Users send LLM prompts to one server that batches them (or not).");
    cmd.AddValue("users",
                 "Closed-loop: concurrent users; poisson and trace: client nodes, sharing --rate "
                 "or the trace's rows (1 to 100000)",
                 users);
    cmd.AddValue("users-per-node",
                 "Closed-loop users sharing one client node (>= 1)",
                 usersPerNode);
    cmd.AddValue("mode", "Arrivals: closed-loop, poisson or trace", mode);
    cmd.AddValue("rate", "Total requests per second (poisson, > 0)", rate);
    cmd.AddValue("think", "Mean think time in seconds after an answer (closed-loop, >= 0)", think);
    cmd.AddValue("trace", "Azure-format trace CSV (trace mode); rows are dealt to nodes", trace);
    cmd.AddValue("trace-scale", "Multiply traced arrival times by this (> 0)", traceScale);
    cmd.AddValue("prompt-tokens",
                 "Fixed prompt length (0: the Azure trace's distribution)",
                 promptTokens);
    cmd.AddValue("output-tokens",
                 "Fixed output length (0: the Azure trace's distribution)",
                 outputTokens);
    cmd.AddValue("model", "Model preset served: " + ModelSpec::PresetList(), model);
    cmd.AddValue("server-device",
                 "Server device preset: " + DeviceProfile::PresetList(),
                 serverDevice);
    cmd.AddValue("cost", "Cost model: roofline or profiled", cost);
    cmd.AddValue("scheduler",
                 "fcfs (one job at a time) or continuous (vLLM-style batching)",
                 scheduler);
    cmd.AddValue("max-num-seqs", "Continuous: sequences per batch at most (>= 1)", maxNumSeqs);
    cmd.AddValue("max-batched-tokens",
                 "Continuous: tokens per iteration at most",
                 maxBatchedTokens);
    cmd.AddValue("chunked-prefill",
                 "Continuous: split long prompts across iterations",
                 chunkedPrefill);
    cmd.AddValue("block-size", "Continuous: tokens per KV-cache block (>= 1)", blockSize);
    cmd.AddValue("memory-utilization",
                 "Continuous: share of device memory used, (0, 1]",
                 memoryUtilization);
    cmd.AddValue("queue-capacity", "Jobs that may wait at the server", queueCapacity);
    cmd.AddValue("topology",
                 "Users' network: wired (CSMA LAN), wifi-star (one AP), campus (--aps APs on a "
                 "backbone), lte (one cell), or ad hoc with the server as one more node: "
                 "single-hop, olsr, aodv, mesh",
                 topology);
    cmd.AddValue("access", "Old name of --topology", topology);
    cmd.AddValue("aps",
                 "Access points of a campus (--topology=campus, 1 to 200), 50 m apart",
                 accessPoints);
    cmd.AddValue("standard",
                 "Wi-Fi standard (default: the topology's; wired and lte have none): " +
                     AccessNetworkHelper::StandardList(),
                 standard);
    cmd.AddValue("distance",
                 "Node-to-AP or -eNB distance in metres (--topology=wifi-star, campus or lte)",
                 distance);
    cmd.AddValue("spacing", "Ad hoc grid spacing in metres (0: the topology's default)", spacing);
    AccessNetworkOptions network;
    network.AddOptions(cmd, "client nodes");
    cmd.AddValue("duration", "Seconds during which users issue requests (> 0)", duration);
    cmd.AddValue("drain", "Extra seconds for open requests to finish (>= 0)", drain);
    cmd.AddValue("timeout", "Seconds after which a user gives up on a request (> 0)", timeout);
    cmd.AddValue("seed", "Random seed (>= 1)", seed);
    cmd.AddValue("run", "Run number (independent replications, >= 1)", run);
    cmd.AddValue("pcap", "Write one pcap per device", pcap);
    cmd.AddValue("out", "Output directory", out);
    // Attributes this program sets itself: from an option (giving one sets the option) or
    // fixed (giving one is refused).
    cmd.Alias("ns3::LlmEngine::QueueCapacity", "queue-capacity");
    cmd.Alias("ns3::ContinuousBatchingScheduler::MaxNumSeqs", "max-num-seqs");
    cmd.Alias("ns3::ContinuousBatchingScheduler::MaxNumBatchedTokens", "max-batched-tokens");
    cmd.Alias("ns3::ContinuousBatchingScheduler::ChunkedPrefill", "chunked-prefill");
    cmd.Alias("ns3::ContinuousBatchingScheduler::BlockSize", "block-size");
    cmd.Alias("ns3::ContinuousBatchingScheduler::MemoryUtilization", "memory-utilization");
    cmd.Alias("ns3::LlmClient::Timeout", "timeout");
    cmd.Alias("ns3::LlmClient::Mode", "mode");
    cmd.Alias("ns3::LlmClient::TraceFile", "trace");
    cmd.Alias("ns3::LlmClient::TraceTimeScale", "trace-scale");
    cmd.Fixed("ns3::LlmClient::Users", "--users and --users-per-node deal users to nodes");
    RunOutputs outputs;
    outputs.AddOptions(cmd);
    BatteryOptions battery;
    battery.AddOptions(cmd, "client nodes");
    // Ranges, checked as the options are read, before anything is built.
    cmd.CommonRanges();
    cmd.Range("users", 1, 100000);
    cmd.Range("users-per-node", 1, 100000);
    cmd.Range("rate", 0, 1e6, "requests per second in all");
    cmd.Range("think", 0, 1e6, "seconds");
    cmd.Range("trace-scale", 1e-6, 1e6);
    cmd.Range("prompt-tokens", 0, 1e7);
    cmd.Range("output-tokens", 0, 1e7);
    cmd.Range("max-num-seqs", 1, 1e6);
    cmd.Range("block-size", 1, 1e6);
    cmd.Range("memory-utilization", 1e-6, 1);
    cmd.Range("aps", 1, CampusNetworkHelper::MAX_ACCESS_POINTS);
    cmd.Range("distance", 1e-3, 10000, "metres");
    cmd.Range("spacing", 0, 10000, "metres; 0: the topology's default");
    cmd.Parse(argc, argv);

    // Validate everything before building anything.
    if (!trace.empty() && mode != "trace")
    {
        FailOnCommandLine("--trace=" + trace + " is read in --mode=trace only (the mode is " +
                          mode + ")");
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
    if (cost != "roofline" && cost != "profiled")
    {
        FailOnCommandLine("unknown --cost '" + cost + "'; accepted: roofline, profiled");
    }
    if (scheduler != "fcfs" && scheduler != "continuous")
    {
        FailOnCommandLine("unknown --scheduler '" + scheduler + "'; accepted: fcfs, continuous");
    }
    try
    {
        topology = AccessNetworkOptions::CheckTopology(cmd, topology, battery, "client nodes");
    }
    catch (const std::invalid_argument& e)
    {
        FailOnCommandLine(e.what());
    }
    if (!(traceScale > 0) || !(duration > 0 && duration <= 1e7) || !(drain >= 0 && drain <= 1e7) ||
        !(timeout > 0 && timeout <= 1e7))
    {
        FailOnCommandLine(
            "--trace-scale must be > 0, --duration and --timeout in (0, 1e7] s, --drain in "
            "[0, 1e7] s");
    }
    if (seed < 1 || run < 1)
    {
        FailOnCommandLine("--seed and --run must be >= 1");
    }
    try
    {
        ModelSpec::Preset(model);
        DeviceProfile::Preset(serverDevice);
    }
    catch (const std::invalid_argument& e)
    {
        FailOnCommandLine(e.what());
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

    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(run);
    // Full-size segments: ns-3's default TCP MSS is 536 bytes.
    ProgramOptions::SetDefaultUnlessGiven("ns3::TcpSocket::SegmentSize", UintegerValue(1448));

    // --- the server's engine ------------------------------------------------------------
    LlmEngineHelper engineHelper;
    engineHelper.SetCostModel(cost == "roofline" ? "ns3::RooflineCostModel"
                                                 : "ns3::ProfiledCostModel");
    engineHelper.SetCostModelAttribute("Model", StringValue(model));
    engineHelper.SetCostModelAttribute("Device", StringValue(serverDevice));
    engineHelper.SetEngineAttribute("QueueCapacity", UintegerValue(queueCapacity));
    if (scheduler == "continuous")
    {
        engineHelper.SetScheduler("ns3::ContinuousBatchingScheduler");
        engineHelper.SetSchedulerAttribute("MaxNumSeqs", UintegerValue(maxNumSeqs));
        engineHelper.SetSchedulerAttribute("MaxNumBatchedTokens", UintegerValue(maxBatchedTokens));
        engineHelper.SetSchedulerAttribute("ChunkedPrefill", BooleanValue(chunkedPrefill));
        engineHelper.SetSchedulerAttribute("BlockSize", UintegerValue(blockSize));
        engineHelper.SetSchedulerAttribute("MemoryUtilization", DoubleValue(memoryUtilization));
    }
    else
    {
        engineHelper.SetScheduler("ns3::FcfsScheduler");
    }

    // --- the network --------------------------------------------------------------------
    AccessNetworkHelper accessHelper;
    AccessNetwork net;
    try
    {
        accessHelper.SetKind(topology);
        accessHelper.SetDistance(distance);
        if (!standard.empty())
        {
            accessHelper.SetStandard(standard);
        }
        accessHelper.SetSpacing(spacing);
        network.Configure(accessHelper);
        accessHelper.SetAccessPoints(accessPoints);
        net = accessHelper.Install(nodes, 100);
    }
    catch (const std::invalid_argument& e)
    {
        FailOnCommandLine(
            std::string(e.what()) +
            (nodes > AccessNetworkHelper::MaxClients(topology, accessPoints, network.cells) &&
                     mode == "closed-loop"
                 ? ": raise --users-per-node"
                 : ""));
    }
    if (const std::string warning = network.Warning(topology, nodes); !warning.empty())
    {
        std::cerr << "edge-llm-serving: " << warning << std::endl;
    }
    const NodeContainer& clientNodes = net.clients;
    const Ptr<Node> serverNode = net.server;
    const Ipv4Address serverAddress = net.serverAddress;
    Ptr<LlmEngine> engine;
    try
    {
        engine = engineHelper.Install(serverNode);
    }
    catch (const std::exception& e)
    {
        FailOnCommandLine(e.what());
    }

    // --- applications -------------------------------------------------------------------
    const uint16_t port = 8000;
    LlmServerHelper serverHelper(port);
    serverHelper.Install(NodeContainer(serverNode)).Start(Seconds(0));

    LlmClientHelper clientHelper(serverAddress, port);
    clientHelper.SetAttribute("Timeout", TimeValue(Seconds(timeout)));
    clientHelper.SetAttribute("Mode", StringValue(mode));
    if (promptTokens > 0)
    {
        clientHelper.SetWorkloadAttribute("PromptTokens",
                                          StringValue("ns3::ConstantRandomVariable[Constant=" +
                                                      std::to_string(promptTokens) + "]"));
    }
    if (outputTokens > 0)
    {
        clientHelper.SetWorkloadAttribute("OutputTokens",
                                          StringValue("ns3::ConstantRandomVariable[Constant=" +
                                                      std::to_string(outputTokens) + "]"));
    }
    ApplicationContainer clientApps;
    try
    {
        for (uint32_t i = 0; i < nodes; ++i)
        {
            if (mode == "closed-loop")
            {
                const uint32_t here = std::min(usersPerNode, users - i * usersPerNode);
                clientHelper.SetAttribute("Users", UintegerValue(here));
                clientHelper.SetWorkloadAttribute("ThinkTime", StringValue(Exponential(think)));
            }
            else if (mode == "poisson")
            {
                clientHelper.SetWorkloadAttribute("Interarrival",
                                                  StringValue(Exponential(nodes / rate)));
            }
            else
            {
                clientHelper.SetAttribute("TraceFile", StringValue(trace));
                clientHelper.SetAttribute("TraceStride", UintegerValue(nodes));
                clientHelper.SetAttribute("TraceOffset", UintegerValue(i));
                clientHelper.SetAttribute("TraceTimeScale", DoubleValue(traceScale));
            }
            clientApps.Add(clientHelper.Install(NodeContainer(clientNodes.Get(i))));
        }
    }
    catch (const std::exception& e)
    {
        FailOnCommandLine(e.what());
    }
    LlmClientHelper::AssignStreams(clientApps, 1000);
    clientApps.Start(Seconds(1)); // after association on Wi-Fi, attachment on LTE

    // --- outputs ------------------------------------------------------------------------
    std::unique_ptr<LlmRunHelper> runner;
    try
    {
        runner = std::make_unique<LlmRunHelper>(out);
        runner->SetOutputs(outputs);
    }
    catch (const std::exception& e)
    {
        FailOnCommandLine(e.what());
    }
    if (pcap)
    {
        accessHelper.EnablePcap(runner->GetOutDir(), net);
    }
    if (battery.IsOn())
    {
        BatteryHelper batteries;
        batteries.Set(battery);
        runner->WatchBatteries(batteries.Install(clientNodes));
        runner->SetScenario("battery_j", NumberText(battery.capacityJoules));
    }
    runner->WatchClients(clientApps);
    runner->WatchEngine(engine, serverNode->GetId());
    const auto& costModel = engine->GetCostModel();
    runner->SetScenario("example", "edge-llm-serving");
    runner->SetScenario("users", std::to_string(users));
    runner->SetScenario("client_nodes", std::to_string(nodes));
    runner->SetScenario("mode", mode);
    runner->SetScenario("rate_rps", mode == "poisson" ? NumberText(rate) : "");
    runner->SetScenario("think_s", mode == "closed-loop" ? NumberText(think) : "");
    runner->SetScenario("prompt_tokens", promptTokens ? std::to_string(promptTokens) : "azure");
    runner->SetScenario("output_tokens", outputTokens ? std::to_string(outputTokens) : "azure");
    runner->SetScenario("model", costModel->GetModel().name);
    runner->SetScenario("server_device", costModel->GetDevice().name);
    runner->SetScenario("cost", cost);
    runner->SetScenario("scheduler", scheduler);
    if (scheduler == "continuous")
    {
        runner->SetScenario("max_num_seqs", std::to_string(maxNumSeqs));
        runner->SetScenario("max_batched_tokens", std::to_string(maxBatchedTokens));
        runner->SetScenario("chunked_prefill", chunkedPrefill ? "true" : "false");
        runner->SetScenario("kv_blocks", std::to_string(engine->GetKvBlocks()));
    }
    runner->SetScenario("topology", topology);
    network.Record(*runner, topology);
    if (topology == "campus")
    {
        runner->SetScenario("access_points", std::to_string(accessPoints));
    }
    if (topology == "lte")
    {
        const Ptr<LteHandoverCounter> handovers = net.cell.handovers;
        runner->SetCount("handovers", [handovers]() { return handovers->GetCompleted(); });
        runner->SetCount("handover_failures", [handovers]() { return handovers->GetFailed(); });
    }
    runner->SetScenario("duration_s", NumberText(duration));
    runner->SetScenario("seed", std::to_string(seed));
    runner->SetScenario("run", std::to_string(run));

    std::cout << "edge-llm-serving: " << users << " users on " << nodes << " " << topology
              << " client nodes, " << mode << ", " << costModel->GetModel().name << " on "
              << costModel->GetDevice().name << " (" << cost << ", " << scheduler;
    if (scheduler == "continuous")
    {
        std::cout << ", " << engine->GetKvBlocks() << " KV blocks of " << blockSize << " tokens";
    }
    std::cout << ") for " << duration << " s" << std::endl;
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
