/*
 * edge-llm-wifi-star: N phones send prompts over one 802.11 access point to an edge server
 * whose LLM inference time comes from a libtorch profile scaled to the server's hardware.
 *
 *   phones (STA) ))) AP ==== 1 Gb/s link ==== edge server (LlmServer + LlmEngine)
 *   phones ))) LTE eNB ==== EPC ==== edge server (behind the PGW)         (--topology=lte)
 *   phones ))) AP 1..4 ==== CSMA backbone ==== edge server              (--topology=campus)
 *   phones ==== 1 Gb/s CSMA LAN ==== edge server                         (--topology=wired)
 *   phones ))) ... ))) edge server     (--topology=single-hop, olsr, aodv or mesh: ad hoc)
 *
 * Outputs in --out: one pcap per device, requests.csv, queue.csv, summary.json.
 * Run: ./edge-llm run edge-llm-wifi-star --phones=8 --load=0.01 --model=llama-3-8b
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"

#include <iostream>
#include <map>
#include <memory>
#include <sstream>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("EdgeLlmWifiStar");

int
main(int argc, char* argv[])
{
    uint32_t phones = 8;
    std::string topology = "wifi-star";
    double distance = 10;
    std::string standardName = "80211ax"; // the stars'; the ad hoc kinds' own unless given
    std::string model = "llama-3-8b";
    std::string serverDevice = "edge-server-l4";
    std::string phoneDevice = "phone-snapdragon-8-gen-3";
    std::string phoneModel;
    double localLoad = 0;
    std::string cost = "profiled";
    std::string profile;
    std::string mode = "poisson";
    double load = 0.01;
    uint32_t users = 1;
    double think = 10;
    std::string trace;
    double traceScale = 1.0;
    double duration = 600;
    double drain = 300;
    double timeout = 300;
    std::string scheduler = "continuous";
    uint32_t maxNumSeqs = 256;
    uint32_t queueCapacity = 64;
    uint32_t bytesPerToken = 4;
    uint32_t seed = 1;
    uint32_t run = 1;
    bool pcap = true;
    std::string out = "edge-llm-out/edge-llm-wifi-star";

    ProgramOptions cmd("edge-llm-wifi-star",
                       "N phones send LLM prompts over one Wi-Fi access point to an edge server.");
    cmd.AddValue("phones",
                 "Number of phones (1 to the topology's limit: 2007 on wifi-star)",
                 phones);
    cmd.AddValue("topology",
                 "Phones' network: wifi-star (one AP), wired (CSMA LAN), campus (4 APs on a "
                 "backbone), lte (one cell, the server behind the PGW), or ad hoc with the server "
                 "as one more node: single-hop, olsr, aodv, mesh",
                 topology);
    cmd.AddValue("distance",
                 "Phone-to-AP or -eNB distance in metres (--topology=wifi-star, campus or lte)",
                 distance);
    cmd.AddValue("standard",
                 "Wi-Fi standard of wifi-star and campus; the ad hoc kinds take it when given, "
                 "else their own (wired and lte have none): " +
                     AccessNetworkHelper::StandardList(),
                 standardName);
    AccessNetworkOptions network;
    network.AddOptions(cmd, "phones");
    cmd.AddValue("model", "Model preset served: " + ModelSpec::PresetList(), model);
    cmd.AddValue("server-device",
                 "Edge server device preset: " + DeviceProfile::PresetList(),
                 serverDevice);
    cmd.AddValue("phone-device", "Phone device preset (for --phone-model)", phoneDevice);
    cmd.AddValue("phone-model",
                 "Model each phone runs itself (empty: phones only use the server)",
                 phoneModel);
    cmd.AddValue("local-load",
                 "Requests per second per phone served on the phone (needs --phone-model)",
                 localLoad);
    cmd.AddValue("cost", "Cost model: profiled, roofline or live", cost);
    cmd.AddValue("profile", "Profile file (default: the shipped one for --model)", profile);
    cmd.AddValue("mode", "Arrivals: poisson, closed-loop or trace", mode);
    cmd.AddValue("load", "Requests per second per phone (poisson, > 0)", load);
    cmd.AddValue("users", "Concurrent users per phone (closed-loop, >= 1)", users);
    cmd.AddValue("think", "Mean think time in seconds (closed-loop, >= 0)", think);
    cmd.AddValue("trace", "Azure-format trace CSV (trace mode); rows are dealt to phones", trace);
    cmd.AddValue("trace-scale", "Multiply traced arrival times by this (> 0)", traceScale);
    cmd.AddValue("duration", "Seconds during which users issue requests (> 0)", duration);
    cmd.AddValue("drain", "Extra seconds for open requests to finish (>= 0)", drain);
    cmd.AddValue("timeout", "Seconds after which a user gives up on a request (> 0)", timeout);
    cmd.AddValue("scheduler",
                 "Server: continuous (batching as vLLM) or fcfs (one request at a time)",
                 scheduler);
    cmd.AddValue("max-num-seqs", "Continuous: sequences per batch at most (>= 1)", maxNumSeqs);
    cmd.AddValue("queue-capacity", "Jobs that may wait at the server", queueCapacity);
    cmd.AddValue("bytes-per-token", "Bytes on the wire per token (>= 1)", bytesPerToken);
    cmd.AddValue("seed", "Random seed (>= 1)", seed);
    cmd.AddValue("run", "Run number (independent replications, >= 1)", run);
    cmd.AddValue("pcap", "Write one pcap per device", pcap);
    cmd.AddValue("out", "Output directory", out);
    // Attributes this program sets from its options: giving one sets the option.
    cmd.Alias("ns3::LlmEngine::QueueCapacity", "queue-capacity");
    cmd.Alias("ns3::ContinuousBatchingScheduler::MaxNumSeqs", "max-num-seqs");
    cmd.Alias("ns3::LlmServer::BytesPerToken", "bytes-per-token");
    cmd.Alias("ns3::LlmClient::BytesPerToken", "bytes-per-token");
    cmd.Alias("ns3::LlmClient::Timeout", "timeout");
    cmd.Alias("ns3::LlmClient::Mode", "mode");
    cmd.Alias("ns3::LlmClient::Users", "users");
    cmd.Alias("ns3::LlmClient::TraceFile", "trace");
    cmd.Alias("ns3::LlmClient::TraceTimeScale", "trace-scale");
    RunOutputs outputs;
    outputs.AddOptions(cmd);
    BatteryOptions battery;
    battery.AddOptions(cmd, "phones");
    // Ranges, checked as the options are read, before anything is built.
    cmd.CommonRanges();
    cmd.Range("phones",
              1,
              AccessNetworkHelper::MaxClients("wired"),
              "the most a topology holds; --topology sets the limit");
    cmd.Range("distance", 1e-3, 10000, "metres");
    cmd.Range("local-load", 0, 1000, "requests per second per phone");
    cmd.Range("load", 0, 1000, "requests per second per phone");
    cmd.Range("users", 1, 100000);
    cmd.Range("think", 0, 1e6, "seconds");
    cmd.Range("trace-scale", 1e-6, 1e6);
    cmd.Range("max-num-seqs", 1, 1e6);
    cmd.Range("bytes-per-token", 1, 1e6);
    cmd.Parse(argc, argv);

    // Validate everything before building anything.
    if (!trace.empty() && mode != "trace")
    {
        FailOnCommandLine("--trace=" + trace + " is read in --mode=trace only (the mode is " +
                          mode + ")");
    }
    // The network's settings, checked here; the phones' count against the kind's limit too.
    AccessNetworkHelper accessHelper;
    const bool starStandard = topology == "wifi-star" || topology == "wifi" || topology == "campus";
    try
    {
        topology = AccessNetworkOptions::CheckTopology(cmd,
                                                       topology,
                                                       battery,
                                                       "phones",
                                                       !phoneModel.empty());
        accessHelper.SetKind(topology);
        accessHelper.SetDistance(distance);
        if (starStandard || (AccessNetworkHelper::IsAdhoc(topology) && cmd.WasGiven("standard")))
        {
            accessHelper.SetStandard(standardName);
        }
        else
        {
            standardName.clear(); // not used: recorded as none
        }
        network.Configure(accessHelper);
    }
    catch (const std::invalid_argument& e)
    {
        FailOnCommandLine(e.what());
    }
    if (phones < 1 || phones > AccessNetworkHelper::MaxClients(topology, 4, network.cells))
    {
        FailOnCommandLine(
            "--phones=" + std::to_string(phones) + " must be 1 to " +
            std::to_string(AccessNetworkHelper::MaxClients(topology, 4, network.cells)) +
            " on --topology=" + topology);
    }
    if (const std::string warning = network.Warning(topology, phones); !warning.empty())
    {
        std::cerr << "edge-llm-wifi-star: " << warning << std::endl;
    }
    try
    {
        ModelSpec::Preset(model);
        DeviceProfile::Preset(serverDevice);
        DeviceProfile::Preset(phoneDevice);
        if (!phoneModel.empty())
        {
            ModelSpec::Preset(phoneModel);
        }
    }
    catch (const std::invalid_argument& e)
    {
        FailOnCommandLine(e.what());
    }
    if (cost != "profiled" && cost != "roofline" && cost != "live")
    {
        FailOnCommandLine("unknown --cost '" + cost + "'; accepted: profiled, roofline, live");
    }
    if (cost == "live")
    {
        const std::string why = LoadLiveCostModelPlugin(); // libtorch only when asked for
        if (!why.empty())
        {
            FailOnCommandLine(why);
        }
    }
    if (scheduler != "continuous" && scheduler != "fcfs")
    {
        FailOnCommandLine("unknown --scheduler '" + scheduler + "'; accepted: continuous, fcfs");
    }
    if (mode != "poisson" && mode != "closed-loop" && mode != "trace")
    {
        FailOnCommandLine("unknown --mode '" + mode + "'; accepted: poisson, closed-loop, trace");
    }
    // A million requests per second per phone would never end: refused with the limit.
    if (mode == "poisson" && !(load > 0 && load <= 1000))
    {
        FailOnCommandLine("--load=" + NumberText(load) +
                          " must be > 0 and at most 1000 requests per second per phone");
    }
    if (localLoad < 0 || (localLoad > 0 && phoneModel.empty()))
    {
        FailOnCommandLine("--local-load=" + NumberText(localLoad) +
                          " must be >= 0, and > 0 only with --phone-model");
    }
    if (mode == "closed-loop" && (users < 1 || !(think >= 0)))
    {
        FailOnCommandLine("closed-loop needs --users >= 1 and --think >= 0");
    }
    if (mode == "trace" && trace.empty())
    {
        FailOnCommandLine(
            "--mode=trace needs --trace=FILE (TIMESTAMP,ContextTokens,GeneratedTokens)");
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
    // Times within 1 ms and 10^7 s: ns-3's Time (in ns) holds them, and a timeout below a
    // millisecond would fire before any answer could come.
    if (!(traceScale > 0 && traceScale <= 1e6) || !(duration >= 1e-3 && duration <= 1e7) ||
        !(drain >= 0 && drain <= 1e7) || !(timeout >= 1e-3 && timeout <= 1e7))
    {
        FailOnCommandLine("--duration=" + NumberText(duration) +
                          ", --timeout=" + NumberText(timeout) + ", --drain=" + NumberText(drain) +
                          ", --trace-scale=" + NumberText(traceScale) +
                          ": accepted --duration and --timeout 0.001 to 1e7 s, --drain 0 to 1e7 "
                          "s, --trace-scale (0, 1e6]");
    }
    if (bytesPerToken < 1 || seed < 1 || run < 1)
    {
        FailOnCommandLine("--bytes-per-token, --seed and --run must be >= 1");
    }

    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(run);
    // Full-size segments: ns-3's default TCP MSS is 536 bytes.
    ProgramOptions::SetDefaultUnlessGiven("ns3::TcpSocket::SegmentSize", UintegerValue(1448));

    // The network: phones around an access point (or the --topology chosen), the edge server
    // wired to it.
    AccessNetwork net;
    try
    {
        net = accessHelper.Install(phones, 100);
    }
    catch (const std::invalid_argument& e)
    {
        FailOnCommandLine(e.what()); // a standard or path loss the kind does not offer
    }
    const NodeContainer& phoneNodes = net.clients;
    const NodeContainer serverNode(net.server);

    // --- compute: the server's engine ---------------------------------------------------
    LlmEngineHelper engineHelper;
    if (cost == "profiled")
    {
        engineHelper.SetCostModel("ns3::ProfiledCostModel");
        engineHelper.SetCostModelAttribute("Model", StringValue(model));
        engineHelper.SetCostModelAttribute("ProfileFile", StringValue(profile));
        engineHelper.SetCostModelAttribute("Device", StringValue(serverDevice));
    }
    else if (cost == "roofline")
    {
        engineHelper.SetCostModel("ns3::RooflineCostModel");
        engineHelper.SetCostModelAttribute("Model", StringValue(model));
        engineHelper.SetCostModelAttribute("Device", StringValue(serverDevice));
    }
    else
    {
        engineHelper.SetCostModel("ns3::LiveCostModel");
        engineHelper.SetCostModelAttribute("Model", StringValue(model));
    }
    engineHelper.SetEngineAttribute("QueueCapacity", UintegerValue(queueCapacity));
    if (scheduler == "continuous")
    {
        engineHelper.SetScheduler("ns3::ContinuousBatchingScheduler");
        engineHelper.SetSchedulerAttribute("MaxNumSeqs", UintegerValue(maxNumSeqs));
    }
    else
    {
        engineHelper.SetScheduler("ns3::FcfsScheduler");
    }
    Ptr<LlmEngine> engine;
    try
    {
        engine = engineHelper.Install(serverNode.Get(0));
    }
    catch (const std::exception& e)
    {
        FailOnCommandLine(e.what());
    }

    // Phones that run a model of their own serve their local prompts over loopback.
    std::vector<Ptr<LlmEngine>> phoneEngines;
    if (!phoneModel.empty())
    {
        LlmEngineHelper phoneEngineHelper;
        phoneEngineHelper.SetCostModel(cost == "roofline" ? "ns3::RooflineCostModel"
                                                          : "ns3::ProfiledCostModel");
        phoneEngineHelper.SetCostModelAttribute("Model", StringValue(phoneModel));
        phoneEngineHelper.SetCostModelAttribute("Device", StringValue(phoneDevice));
        phoneEngineHelper.SetEngineAttribute("QueueCapacity", UintegerValue(queueCapacity));
        try
        {
            phoneEngines = phoneEngineHelper.Install(phoneNodes);
        }
        catch (const std::exception& e)
        {
            FailOnCommandLine(e.what());
        }
    }

    // --- applications -------------------------------------------------------------------
    const uint16_t port = 8000;
    LlmServerHelper serverHelper(port);
    serverHelper.SetAttribute("BytesPerToken", UintegerValue(bytesPerToken));
    ApplicationContainer serverApps = serverHelper.Install(serverNode);
    serverApps.Start(Seconds(0));

    LlmClientHelper clientHelper(net.serverAddress, port);
    clientHelper.SetAttribute("BytesPerToken", UintegerValue(bytesPerToken));
    clientHelper.SetAttribute("Timeout", TimeValue(Seconds(timeout)));
    clientHelper.SetAttribute("Mode", StringValue(mode));
    if (mode == "poisson")
    {
        clientHelper.SetWorkloadAttribute(
            "Interarrival",
            StringValue("ns3::ExponentialRandomVariable[Mean=" + std::to_string(1.0 / load) + "]"));
    }
    else if (mode == "closed-loop")
    {
        clientHelper.SetAttribute("Users", UintegerValue(users));
        clientHelper.SetWorkloadAttribute(
            "ThinkTime",
            StringValue("ns3::ExponentialRandomVariable[Mean=" + std::to_string(think) + "]"));
    }
    ApplicationContainer clientApps;
    try
    {
        if (mode == "trace")
        {
            // Deal the trace's rows to the phones in turn: phone i replays rows i, i+N, ...
            clientHelper.SetAttribute("TraceFile", StringValue(trace));
            clientHelper.SetAttribute("TraceStride", UintegerValue(phones));
            clientHelper.SetAttribute("TraceTimeScale", DoubleValue(traceScale));
            for (uint32_t i = 0; i < phones; ++i)
            {
                clientHelper.SetAttribute("TraceOffset", UintegerValue(i));
                clientApps.Add(clientHelper.Install(phoneNodes.Get(i)));
            }
        }
        else
        {
            clientApps = clientHelper.Install(phoneNodes);
        }
    }
    catch (const std::exception& e)
    {
        FailOnCommandLine(e.what());
    }
    if (!phoneModel.empty())
    {
        serverHelper.Install(phoneNodes).Start(Seconds(0));
        if (localLoad > 0)
        {
            LlmClientHelper localHelper(Ipv4Address::GetLoopback(), port);
            localHelper.SetAttribute("Kind", StringValue("local"));
            localHelper.SetAttribute("BytesPerToken", UintegerValue(bytesPerToken));
            localHelper.SetAttribute("Timeout", TimeValue(Seconds(timeout)));
            localHelper.SetWorkloadAttribute("Interarrival",
                                             StringValue("ns3::ExponentialRandomVariable[Mean=" +
                                                         std::to_string(1.0 / localLoad) + "]"));
            clientApps.Add(localHelper.Install(phoneNodes));
        }
    }
    LlmClientHelper::AssignStreams(clientApps, 1000);
    // Users start after association (a few beacon intervals), attachment on LTE; a phone
    // that joins later (--join-window) starts that much later.
    std::map<uint32_t, Time> joinOfNode;
    for (uint32_t i = 0; i < phoneNodes.GetN(); ++i)
    {
        joinOfNode[phoneNodes.Get(i)->GetId()] = net.joinTimes[i];
    }
    for (uint32_t a = 0; a < clientApps.GetN(); ++a)
    {
        Ptr<Application> app = clientApps.Get(a);
        app->SetStartTime(Seconds(1) + joinOfNode[app->GetNode()->GetId()]);
    }

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
        accessHelper.EnablePcap(runner->GetOutDir(), net); // wifi-star: wifi-*, wired-*
    }
    if (battery.IsOn())
    {
        // Each phone's radio (and its engine, with --phone-model) draws from its battery.
        BatteryHelper batteries;
        batteries.Set(battery);
        runner->WatchBatteries(batteries.Install(phoneNodes));
        runner->SetScenario("battery_j", NumberText(battery.capacityJoules));
    }
    runner->WatchClients(clientApps);
    runner->WatchEngine(engine, serverNode.Get(0)->GetId());
    for (uint32_t i = 0; i < phoneEngines.size(); ++i)
    {
        runner->WatchEngine(phoneEngines[i], phoneNodes.Get(i)->GetId());
    }
    const auto& costModel = engine->GetCostModel();
    runner->SetScenario("example", "edge-llm-wifi-star");
    runner->SetScenario("phones", std::to_string(phones));
    runner->SetScenario("topology", topology);
    network.Record(*runner, topology);
    runner->SetScenario("distance_m", NumberText(distance));
    runner->SetScenario("standard", standardName);
    runner->SetScenario("model", costModel->GetModel().name);
    runner->SetScenario("server_device", costModel->GetDevice().name);
    runner->SetScenario("phone_device", phoneDevice);
    runner->SetScenario("phone_model", phoneModel);
    runner->SetScenario("local_load_rps_per_phone", NumberText(localLoad));
    runner->SetScenario("cost", cost);
    runner->SetScenario("scheduler", scheduler);
    runner->SetScenario("mode", mode);
    runner->SetScenario("load_rps_per_phone", NumberText(load));
    runner->SetScenario("duration_s", NumberText(duration));
    runner->SetScenario("seed", std::to_string(seed));
    runner->SetScenario("run", std::to_string(run));
    // The server's offered load rho = arrival rate x mean service time, both from the workload
    // and the cost model alone (closed loop has no fixed arrival rate); it is the load of a
    // server that serves one request at a time, which a batching server is not.
    if (mode == "poisson" && scheduler == "fcfs")
    {
        // The clients' workload (their length distributions), on streams of its own.
        Ptr<LlmWorkload> lengths = CreateObject<LlmWorkload>();
        lengths->AssignStreams(5000);
        const double alpha = lengths->MeanServiceSeconds(*costModel, 20000);
        runner->SetOfferedLoad(alpha * phones * load);
    }
    else if (mode == "trace" && scheduler == "fcfs")
    {
        double sum = 0;
        for (const TracedRequest& r : traceRows.GetRequests())
        {
            if (r.promptTokens + r.outputTokens <= costModel->GetModel().maxContext)
            {
                sum += costModel->PrefillSeconds(r.promptTokens, costModel->AllLayers()) +
                       costModel->DecodeSeconds(r.outputTokens - 1,
                                                r.promptTokens,
                                                costModel->AllLayers());
            }
        }
        // Work offered per second of (scaled) trace time.
        runner->SetOfferedLoad(sum / (traceRows.GetDurationSeconds() * traceScale));
    }
    if (cost == "profiled")
    {
        runner->SetScenario("profile",
                            DynamicCast<ProfiledCostModel>(costModel)->GetProfile().hostName + " " +
                                DynamicCast<ProfiledCostModel>(costModel)->GetProfile().createdUtc);
    }

    std::cout << "edge-llm-wifi-star: " << phones << " phones"
              << (topology == "wifi-star" ? "" : " on " + topology)
              << (standardName.empty() ? "" : ", " + standardName) << ", " << distance << " m, "
              << costModel->GetModel().name << " on " << costModel->GetDevice().name << " (" << cost
              << ", " << scheduler << "), " << mode << " for " << duration << " s" << std::endl;
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
