/*
 * edge-llm-expert-router: users send prompts to a gateway that classifies each one and
 * forwards it to the expert server of its class (Expert Router, Pichlmeier et al. 2024); or,
 * with --baseline=tp, to one large model served with tensor parallelism on the same GPUs.
 *
 *   users ==== 1 Gb/s CSMA LAN ==== gateway (ExpertRouter) ==== backbone ==== expert 0..N-1
 *   users ))) Wi-Fi AP ==== link ==== gateway ...                       (--topology=wifi-star)
 *   users ))) LTE eNB ==== EPC ==== gateway (behind the PGW) ...         (--topology=lte)
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

#include <iostream>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("EdgeLlmExpertRouter");

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
    std::string classifierCost = "profiled";
    uint32_t maxConcurrent = 0;
    std::string baseline;
    std::string tpModel = "llama-3-70b";
    std::string tpDevice;
    uint32_t maxNumSeqs = 256;
    std::string access = "wired";
    std::string standard; // the topology's default
    double distance = 10;
    std::string backboneRate = "10Gbps";
    double backboneDelay = 0.0005;
    double duration = 300;
    double drain = 300;
    double timeout = 600;
    uint32_t seed = 1;
    uint32_t run = 1;
    std::string out = "edge-llm-out/edge-llm-expert-router";

    ProgramOptions cmd(
        "edge-llm-expert-router",
        "Users send prompts to a gateway that routes each to the expert of its class, or "
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
    cmd.AddValue("classifier-cost",
                 "Classifier cost model: profiled (bert-base-110m's libtorch profile scaled to "
                 "the device) or roofline",
                 classifierCost);
    cmd.AddValue("max-concurrent",
                 "Requests the gateway holds at once (0: no limit)",
                 maxConcurrent);
    cmd.AddValue("baseline", "tp: one tensor-parallel model instead of the router", baseline);
    cmd.AddValue("tp-model", "Model of the TP baseline", tpModel);
    cmd.AddValue("tp-device",
                 "Device of the TP baseline (default: the experts' device xN)",
                 tpDevice);
    cmd.AddValue("max-num-seqs", "Sequences per batch at most, every engine (>= 1)", maxNumSeqs);
    cmd.AddValue("topology",
                 "Users' network: " + AccessNetworkHelper::KindList() +
                     " (campus: 4 APs; ad hoc: the gateway is one more node)",
                 access);
    cmd.AddValue("access", "Old name of --topology", access);
    cmd.AddValue("standard",
                 "Wi-Fi standard (default: the topology's): " + AccessNetworkHelper::StandardList(),
                 standard);
    cmd.AddValue("distance",
                 "Node-to-AP or -eNB distance in metres (--topology=wifi-star, campus or lte)",
                 distance);
    AccessNetworkOptions network;
    network.AddOptions(cmd, "client nodes");
    cmd.AddValue("backbone-rate", "Gateway-to-expert link rate (ns-3 DataRate)", backboneRate);
    cmd.AddValue("backbone-delay", "Gateway-to-expert link delay in seconds (>= 0)", backboneDelay);
    cmd.AddValue("duration", "Seconds during which users issue requests (> 0)", duration);
    cmd.AddValue("drain", "Extra seconds for open requests to finish (>= 0)", drain);
    cmd.AddValue("timeout", "Seconds after which a user gives up on a request (> 0)", timeout);
    cmd.AddValue("seed", "Random seed (>= 1)", seed);
    cmd.AddValue("run", "Run number (independent replications, >= 1)", run);
    cmd.AddValue("out", "Output directory", out);
    // Attributes this program sets itself: from an option (giving one sets the option) or
    // fixed (giving one is refused).
    cmd.Alias("ns3::ExpertRouter::MaxConcurrent", "max-concurrent");
    cmd.Alias("ns3::ExpertRouter::Timeout", "timeout");
    cmd.Alias("ns3::LlmClient::Timeout", "timeout");
    cmd.Alias("ns3::LlmClient::Mode", "mode");
    cmd.Alias("ns3::LlmClient::TraceFile", "trace");
    cmd.Alias("ns3::PromptClassifier::ConfusionMatrix", "confusion");
    cmd.Alias("ns3::ContinuousBatchingScheduler::MaxNumSeqs", "max-num-seqs");
    cmd.Fixed("ns3::LlmEngine::QueueCapacity",
              "experts queue every forwarded prompt; the gateway's --max-concurrent bounds them");
    cmd.Fixed("ns3::LlmClient::Users", "--users and --users-per-node deal users to nodes");
    RunOutputs outputs;
    outputs.AddOptions(cmd);
    // Ranges, checked as the options are read, before anything is built.
    cmd.CommonRanges();
    cmd.Range("users", 1, 100000);
    cmd.Range("users-per-node", 1, 100000);
    cmd.Range("rate", 0, 1e6, "prompts per second in all");
    cmd.Range("think", 0, 1e6, "seconds");
    cmd.Range("max-concurrent", 0, 1e7);
    cmd.Range("max-num-seqs", 1, 1e6);
    cmd.Range("distance", 1e-3, 10000, "metres");
    cmd.Range("backbone-delay", 0, 1, "seconds");
    cmd.Parse(argc, argv);

    if (baseline.empty() && (cmd.WasGiven("tp-model") || cmd.WasGiven("tp-device")))
    {
        FailOnCommandLine("--tp-model and --tp-device are for --baseline=tp only");
    }
    try
    {
        access = AccessNetworkOptions::CheckTopology(cmd, access, BatteryOptions(), "client nodes");
    }
    catch (const std::invalid_argument& e)
    {
        FailOnCommandLine(e.what());
    }
    RouterScenarioConfig c;
    c.outputs = outputs;
    c.users = users;
    c.usersPerNode = usersPerNode;
    c.mode = mode;
    c.rate = rate;
    c.think = think;
    c.trace = trace;
    c.classes = classes;
    c.experts = experts;
    c.policy = policy;
    c.confusion = confusion;
    c.classifierDevice = classifierDevice;
    c.classifierCost = classifierCost;
    c.maxConcurrent = maxConcurrent;
    c.baseline = baseline;
    c.tpModel = tpModel;
    c.tpDevice = tpDevice;
    c.maxNumSeqs = maxNumSeqs;
    c.access = access;
    c.standard = standard;
    c.distance = distance;
    c.network = network;
    c.backboneRate = backboneRate;
    c.backboneDelay = backboneDelay;
    c.duration = duration;
    c.drain = drain;
    c.timeout = timeout;
    c.seed = seed;
    c.run = run;
    c.out = out;
    RunSummary summary;
    try
    {
        summary = RouterScenario(c).Run(&std::cout);
    }
    catch (const std::exception& e)
    {
        FailOnCommandLine(e.what());
    }
    std::cout << summary.Table();
    std::cout << "outputs: " << out << std::endl;
    return 0;
}
