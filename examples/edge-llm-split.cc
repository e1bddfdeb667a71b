/*
 * edge-llm-split: split inference (SplitLLM). Client devices run part of every request's
 * model themselves and send hidden states to an edge server for the rest; a planner picks,
 * per request, which units run where so that the server works least while the request meets
 * its latency SLA.
 *
 *   devices (SplitClient + LlmEngine, fcfs) ))) Wi-Fi AP ==== 1 Gb/s ==== edge server
 *                                                   (SplitServer + LlmEngine, continuous batching)
 *   devices ))) LTE eNB ==== EPC (SGW/PGW) ==== 10 Gb/s ==== edge server   (--topology=lte)
 *   devices ==== 1 Gb/s CSMA LAN ==== edge server                        (--topology=wired)
 *   devices ))) ... ))) edge server            (--topology=single-hop, olsr, aodv, mesh)
 *
 * Outputs in --out: requests.csv (placement, switches, predicted latency, device and server
 * compute, SLA met), queue.csv, summary.json ("split": SLA attainment, server work per
 * request, ...), pcaps with --pcap (tools/edge-llm.lua decodes the split-hidden messages).
 * Run: ./edge-llm run edge-llm-split --clients=8 --planner=dp --sla=4
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <iostream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    SplitScenarioConfig c;
    std::string devices = "jetson-orin-nano";
    ProgramOptions cmd("edge-llm-split",
                       "Split inference: devices and an edge server share each request's layers.");
    cmd.AddValue("clients", "Client devices (1 to 2007)", c.clients);
    cmd.AddValue("client-device",
                 "Device presets, comma-separated, cycled over the clients: " +
                     DeviceProfile::PresetList(),
                 devices);
    cmd.AddValue("model", "Model preset (both sides): " + ModelSpec::PresetList(), c.model);
    cmd.AddValue("server-device", "Edge server device preset", c.serverDevice);
    cmd.AddValue("cost", "Cost model: roofline or profiled", c.cost);
    cmd.AddValue("planner", "dp, greedy, server-only, client-only or split:K", c.planner);
    cmd.AddValue("sla", "Latency bound of a whole request in seconds (> 0)", c.sla);
    cmd.AddValue("headroom",
                 "Share of the SLA the plans keep free for what they do not model (0 to 0.9)",
                 c.slaHeadroom);
    cmd.AddValue("load", "Requests per second per client (Poisson, > 0)", c.load);
    cmd.AddValue("prompt-tokens",
                 "Fixed prompt length (0: the Azure trace's distribution)",
                 c.promptTokens);
    cmd.AddValue("output-tokens",
                 "Fixed output length (0: the Azure trace's distribution)",
                 c.outputTokens);
    cmd.AddValue("topology",
                 "Devices' network: wifi-star (one AP), lte (one cell, the server behind the "
                 "PGW), wired (CSMA LAN), campus (4 APs on a backbone), or ad hoc with the "
                 "server as one more node: single-hop, olsr, aodv, mesh",
                 c.access);
    cmd.AddValue("access", "Old name of --topology", c.access);
    cmd.AddValue("standard",
                 "Wi-Fi standard (default: the topology's): " + AccessNetworkHelper::StandardList(),
                 c.standard);
    cmd.AddValue("distance",
                 "Device-to-AP or -eNB distance in metres (wifi, campus, lte)",
                 c.distance);
    c.network.AddOptions(cmd, "client devices");
    cmd.AddValue("duration", "Seconds during which devices issue requests (> 0)", c.duration);
    cmd.AddValue("drain", "Extra seconds for open requests to finish (>= 0)", c.drain);
    cmd.AddValue("timeout", "Seconds after which a device gives up on a request (> 0)", c.timeout);
    cmd.AddValue("seed", "Random seed (>= 1)", c.seed);
    cmd.AddValue("run", "Run number (independent replications, >= 1)", c.run);
    cmd.AddValue("pcap", "Write one pcap per device", c.pcap);
    cmd.AddValue("out", "Output directory", c.out);
    // Attributes this program sets itself: from an option (giving one sets the option) or
    // fixed (giving one is refused).
    cmd.Alias("ns3::SplitClient::Sla", "sla");
    cmd.Alias("ns3::SplitClient::SlaHeadroom", "headroom");
    cmd.Alias("ns3::SplitClient::Timeout", "timeout");
    cmd.Fixed(
        "ns3::LlmEngine::QueueCapacity",
        "the server queues every step: a split request is refused by its SLA, not by a queue");
    cmd.Fixed("ns3::LlmEngine::CheckMemory", "devices run the units that fit their memory");
    c.outputs.AddOptions(cmd);
    c.battery.AddOptions(cmd, "client devices");
    // Ranges, checked as the options are read, before anything is built.
    cmd.CommonRanges();
    cmd.Range("clients", 1, 2007);
    cmd.Range("sla", 1e-3, 1e6, "seconds");
    cmd.Range("headroom", 0, 0.99);
    cmd.Range("load", 1e-9, 1000, "requests per second per client");
    cmd.Range("prompt-tokens", 0, 1e7);
    cmd.Range("output-tokens", 0, 1e7);
    cmd.Range("distance", 1e-3, 10000, "metres");
    cmd.Parse(argc, argv);
    c.clientDevices = CommaList(devices);

    SplitScenarioResult result;
    try
    {
        c.access =
            AccessNetworkOptions::CheckTopology(cmd, c.access, c.battery, "client devices", true);
        SplitScenario scenario(c);
        std::cout << "edge-llm-split: " << c.clients << " " << devices << " over " << c.access
                  << ", " << c.model << " split with " << c.serverDevice << ", planner "
                  << c.planner << ", SLA " << c.sla << " s, " << c.load
                  << " requests/s per device for " << c.duration << " s" << std::endl;
        result = scenario.Run();
    }
    catch (const std::exception& e)
    {
        FailOnCommandLine(e.what());
    }
    std::cout << result.summary.Table();
    std::cout << "outputs: " << c.out << std::endl;
    return 0;
}
