/*
 * edge-llm-moa: distributed Mixture-of-Agents (Mitra, Kaswan, Ulukus 2024) on an ad hoc
 * wireless network, or as clients of an infrastructure (Wi-Fi star, campus, LAN, LTE cell). n
 * devices, each with its own user and LLM, gossip membership over UDP and ask k peers per proposer
 * layer over TCP; every device has one FCFS queue.
 *
 *   device ))) device ))) device     (single-hop, OLSR/AODV multi-hop or 802.11s mesh)
 *   device ))) AP ))) device          (wifi-star; campus: APs on a backbone)
 *   device === CSMA LAN === device    (wired)
 *   UE ))) eNB === EPC (PGW) === eNB ))) UE   (lte: UE to UE through the PGW)
 *
 * Outputs in --out: requests.csv (one row per user prompt, with per-layer times and peers),
 * queue.csv, summary.json (rho = alpha_max ((k+1)M + 1) lambda, stability, per-layer
 * latency) and, with --pcap, one radiotap pcap per device.
 * Run: ./edge-llm run edge-llm-moa --nodes=8 --layers=2 --peers=2 --rho=0.7
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <iostream>
#include <sstream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    MoaScenarioConfig c;
    c.out = "edge-llm-out/edge-llm-moa";
    c.duration = 1800;
    c.drain = 600;
    // Llama 3 8B (8k context: room for prompts that grow by k+1 responses per layer) on
    // edge boxes with the memory for it in fp16.
    std::string models = "llama-3-8b";
    std::string devices = "jetson-agx-orin,edge-server-l4";
    double lambda = 0;
    double rho = 0;

    ProgramOptions cmd("edge-llm-moa",
                       "Distributed Mixture-of-Agents over gossip on an ad hoc wireless network.");
    cmd.AddValue("nodes", "Devices n (>= 2)", c.nodes);
    cmd.AddValue("layers", "Proposer layers M (0 = local inference only)", c.layers);
    cmd.AddValue("peers", "Peers k asked per layer (1..n-1)", c.peers);
    cmd.AddValue("aggregator-tokens", "Tokens of the aggregator system prompt", c.aggregatorTokens);
    cmd.AddValue("policy", "Peer choice: uniform, queue-aware, proximity", c.policy);
    cmd.AddValue("lambda", "Prompts per second per user (or give --rho)", lambda);
    cmd.AddValue("rho", "Offered load alpha_max((k+1)M+1)lambda to run at (sets lambda)", rho);
    cmd.AddValue("network", "wireless, or ideal (instant, loss-free: the theorem)", c.network);
    cmd.AddValue("topology",
                 "Network for --network=wireless: " + AccessNetworkHelper::KindList(),
                 c.topology);
    cmd.AddValue("standard",
                 "Wi-Fi standard (default: the topology's): " + AccessNetworkHelper::StandardList(),
                 c.standard);
    cmd.AddValue("spacing", "Ad hoc grid spacing in metres (0: the topology's default)", c.spacing);
    cmd.AddValue("distance",
                 "Device-to-AP or -eNB distance in metres (wifi-star, campus, lte; 0: 10 m)",
                 c.distance);
    // --mobility, --speed, --pause, --propagation, --buildings, --walls, --cells, --fading and
    // --join-window, declared once for every program.
    c.networkOptions.AddOptions(cmd, "MoA devices");
    cmd.AddValue("models",
                 "Model presets, cycled over the nodes: " + ModelSpec::PresetList(),
                 models);
    cmd.AddValue("devices",
                 "Device presets, cycled over the nodes: " + DeviceProfile::PresetList(),
                 devices);
    cmd.AddValue("cost",
                 "Service time: profiled, roofline, constant or exponential (mean --alpha)",
                 c.cost);
    cmd.AddValue("alpha", "Mean service seconds for --cost=constant|exponential", c.alpha);
    cmd.AddValue("peer-timeout", "Seconds before an unanswered peer is replaced", c.peerTimeout);
    cmd.AddValue("retry", "When a peer fails: replace or none", c.retry);
    cmd.AddValue("max-retries", "Peers replaced per prompt at most", c.maxRetries);
    cmd.AddValue("warmup", "Seconds of gossip and routing before users start", c.warmUp);
    cmd.AddValue("duration", "Seconds users issue prompts (after the warm-up)", c.duration);
    cmd.AddValue("drain", "Seconds after that for open prompts to finish", c.drain);
    cmd.AddValue("queue-capacity",
                 "Jobs waiting per device at most (0: engine default)",
                 c.queueCapacity);
    cmd.AddValue("fail-node",
                 "Node whose Wi-Fi is switched off at --fail-at (-1: none)",
                 c.failNode);
    cmd.AddValue("fail-at", "Simulated second at which --fail-node goes off", c.failAt);
    cmd.AddValue("pcap", "Write one radiotap pcap per device", c.pcap);
    cmd.AddValue("seed", "RNG seed", c.seed);
    cmd.AddValue("run", "RNG run number", c.run);
    cmd.AddValue("out", "Output directory", c.out);
    // Attributes this program sets from its options: giving one sets the option.
    cmd.Alias("ns3::LlmEngine::QueueCapacity", "queue-capacity");
    cmd.Alias("ns3::MoaAgent::Layers", "layers");
    cmd.Alias("ns3::MoaAgent::Peers", "peers");
    cmd.Alias("ns3::MoaAgent::AggregatorPromptTokens", "aggregator-tokens");
    cmd.Alias("ns3::MoaAgent::PeerPolicy", "policy");
    cmd.Alias("ns3::MoaAgent::Network", "network");
    cmd.Alias("ns3::MoaAgent::PeerTimeout", "peer-timeout");
    cmd.Alias("ns3::MoaAgent::RetryPolicy", "retry");
    cmd.Alias("ns3::MoaAgent::MaxRetries", "max-retries");
    cmd.Alias("ns3::MoaAgent::WarmUp", "warmup");
    c.outputs.AddOptions(cmd);
    c.battery.AddOptions(cmd, "MoA devices");
    // Ranges, checked as the options are read, before anything is built.
    cmd.CommonRanges();
    cmd.Range("nodes", 2, 65534, "the address plan's /16");
    cmd.Range("layers", 0, 64);
    cmd.Range("peers", 0, 1024);
    cmd.Range("aggregator-tokens", 0, 1e6);
    cmd.Range("lambda", 0, 1000, "prompts per second per user; 0: from --rho");
    cmd.Range("rho", 0, 1000, "0: the default 0.7 unless --lambda");
    cmd.Range("spacing", 0, 10000, "metres");
    cmd.Range("distance", 0, 10000, "metres; 0: 10 m");
    cmd.Range("alpha", 1e-6, 1e6, "seconds");
    cmd.Range("peer-timeout", 1e-3, 1e9, "seconds; 1e9 is none");
    cmd.Range("max-retries", 0, 1000);
    cmd.Range("warmup", 0, 1e7, "seconds");
    cmd.Range("fail-node", -1, 65533);
    cmd.Range("fail-at", 0, 1e7, "seconds");
    cmd.Parse(argc, argv);

    c.models = CommaList(models);
    c.devices = CommaList(devices);
    c.lambda = lambda > 0 ? lambda : std::nan("");
    c.rho = rho > 0 ? rho : std::nan("");
    if (lambda == 0 && rho == 0)
    {
        c.rho = 0.7; // below the threshold by default
    }
    if (lambda < 0)
    {
        FailOnCommandLine("--lambda=" + NumberText(lambda) +
                          " must be > 0 prompts per second per user");
    }
    if (rho < 0)
    {
        FailOnCommandLine("--rho=" + NumberText(rho) + " must be > 0");
    }
    try
    {
        MoaScenario scenario(c);
        const MoaScenarioResult result = scenario.Run();
        std::cout << result.summary.Table();
        std::cout << "lambda " << result.lambda << " prompts/s per user, alpha_max "
                  << result.alphaMax
                  << " s, (k+1)M+1 = " << MoaInferencesPerPrompt(c.layers, c.peers)
                  << " inferences per prompt\n";
        std::cout << "outputs: " << c.out << std::endl;
    }
    catch (const std::exception& e)
    {
        FailOnCommandLine(e.what());
    }
    return 0;
}
