/*
 * edge-llm-plan: where each unit of one request runs, client or server, and what it costs.
 *
 *   ./edge-llm plan --model=M --client-device=D --server-device=S --bandwidth=MBPS --rtt=MS
 *       --sla=SECONDS --prompt-tokens=P --output-tokens=G [--planner=dp|greedy|...] [--json]
 *
 * Units are the embedding, each block and the head, costed over the whole request (prefill and
 * every decode step) by each side's cost model; boundaries are the transfers between them.
 * With --json one object: units (name, client_s, server_s, server_work_s), boundary_up_s and
 * boundary_down_s (one more than the units: boundary i before unit i), placement, latency_s,
 * server_work_s, sla_s, feasible; sums of those figures, so anyone can check it by brute force.
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

using namespace ns3;

namespace
{

Ptr<InferenceCostModel>
CostModel(const std::string& cost, const std::string& model, const std::string& device)
{
    ObjectFactory factory;
    factory.SetTypeId(cost == "profiled" ? "ns3::ProfiledCostModel" : "ns3::RooflineCostModel");
    factory.Set("Model", StringValue(model));
    factory.Set("Device", StringValue(device));
    Ptr<InferenceCostModel> m = factory.Create<InferenceCostModel>();
    m->GetModel(); // loads a profile now, so that a missing one fails here
    return m;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string model = "llama-3-8b-int4";
    std::string clientDevice = "jetson-agx-orin";
    std::string serverDevice = "a100-80gb";
    std::string cost = "roofline";
    double bandwidth = 50;
    double uplink = 0;
    double rtt = 10;
    double sla = 10;
    uint32_t promptTokens = 512;
    uint32_t outputTokens = 128;
    std::string planner = "dp";
    bool json = false;
    ProgramOptions cmd("edge-llm-plan",
                       "Plans where each unit of one split-inference request runs.");
    cmd.AddValue("model", "Model preset: " + ModelSpec::PresetList(), model);
    cmd.AddValue("client-device", "Client device preset", clientDevice);
    cmd.AddValue("server-device", "Server device preset", serverDevice);
    cmd.AddValue("cost", "Cost model: roofline or profiled", cost);
    cmd.AddValue("bandwidth",
                 "Link rate in Mb/s (downlink; also uplink unless --uplink)",
                 bandwidth);
    cmd.AddValue("uplink", "Uplink rate in Mb/s (0: same as --bandwidth)", uplink);
    cmd.AddValue("rtt", "Round-trip time in ms", rtt);
    cmd.AddValue("sla", "Latency bound of the whole request in seconds (> 0)", sla);
    cmd.AddValue("prompt-tokens", "Prompt tokens P (>= 1)", promptTokens);
    cmd.AddValue("output-tokens", "Output tokens G (>= 1)", outputTokens);
    cmd.AddValue("planner", "dp, greedy, server-only, client-only or split:K", planner);
    cmd.AddValue("json", "Print one JSON object", json);
    cmd.Parse(argc, argv);

    if (!(bandwidth > 0 && bandwidth <= 1e6) || !(uplink >= 0 && uplink <= 1e6))
    {
        FailOnCommandLine("--bandwidth=" + NumberText(bandwidth) + " and --uplink=" +
                          NumberText(uplink) + ": accepted (0, 1e6] Mb/s (uplink 0: the same)");
    }
    if (!(rtt >= 0 && rtt <= 1e5) || !(sla > 0 && sla <= 1e7))
    {
        FailOnCommandLine("--rtt=" + NumberText(rtt) + " ms and --sla=" + NumberText(sla) +
                          " s: accepted rtt 0 to 1e5 ms, sla (0, 1e7] s");
    }
    if (cost != "roofline" && cost != "profiled")
    {
        FailOnCommandLine("unknown --cost '" + cost + "'; accepted: roofline, profiled");
    }
    SplitCosts costs;
    Ptr<SplitPlanner> plan;
    try
    {
        ModelSpec::Preset(model);
        DeviceProfile::Preset(clientDevice);
        DeviceProfile::Preset(serverDevice);
        plan = SplitPlanner::ByName(planner);
        SplitLink link;
        link.downBitsPerSecond = bandwidth * 1e6;
        link.upBitsPerSecond = (uplink > 0 ? uplink : bandwidth) * 1e6;
        link.rttSeconds = rtt / 1000;
        costs = SplitCosts::Compute(*CostModel(cost, model, clientDevice),
                                    *CostModel(cost, model, serverDevice),
                                    link,
                                    promptTokens,
                                    outputTokens);
    }
    catch (const std::exception& e)
    {
        FailOnCommandLine(e.what());
    }
    const auto start = std::chrono::steady_clock::now();
    const SplitPlacement p = plan->Plan(costs, sla);
    const double planSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    if (json)
    {
        nlohmann::json units = nlohmann::json::array();
        std::vector<std::string> placement;
        for (size_t u = 0; u < costs.units.size(); ++u)
        {
            const SplitUnit& unit = costs.units[u];
            units.push_back({{"name", unit.name},
                             {"client_s", unit.clientSeconds},
                             {"server_s", unit.serverSeconds},
                             {"server_work_s", unit.serverWork},
                             {"client_memory_bytes", unit.clientMemory}});
            placement.push_back(p.onServer[u] ? "server" : "client");
        }
        nlohmann::json out = {{"model", model},
                              {"client_device", clientDevice},
                              {"server_device", serverDevice},
                              {"planner", planner},
                              {"units", units},
                              {"boundary_up_s", costs.boundaryUp},
                              {"boundary_down_s", costs.boundaryDown},
                              {"client_memory_limit_bytes", costs.clientMemoryLimit},
                              {"placement", placement},
                              {"latency_s", p.latency},
                              {"server_work_s", p.serverWork},
                              {"client_memory_bytes", p.clientMemory},
                              {"sla_s", sla},
                              {"feasible", p.feasible},
                              {"plan_wall_s", planSeconds}};
        std::cout << out.dump(2) << std::endl;
        return 0;
    }
    double serverOnly = 0;
    for (const SplitUnit& unit : costs.units)
    {
        serverOnly += unit.serverWork;
    }
    std::printf("%s, client %s, server %s, %u + %u tokens, %.1f Mb/s, %.1f ms RTT, SLA %.3f s\n",
                model.c_str(),
                clientDevice.c_str(),
                serverDevice.c_str(),
                promptTokens,
                outputTokens,
                bandwidth,
                rtt,
                sla);
    std::printf("planner %s: %s (C client, S server; embedding, %zu blocks, head)\n",
                planner.c_str(),
                p.Compact().c_str(),
                costs.units.size() - 2);
    std::printf("latency %.3f s (%s the SLA), server work %.3f s (server-only %.3f s: %.1f %% "
                "saved), client memory %.2f GiB of %.2f\n",
                p.latency,
                p.latency <= sla ? "within" : "over",
                p.serverWork,
                serverOnly,
                serverOnly > 0 ? 100 * (1 - p.serverWork / serverOnly) : 0.0,
                p.clientMemory / (1024.0 * 1024 * 1024),
                costs.clientMemoryLimit / (1024.0 * 1024 * 1024));
    std::printf("%s; planned in %.0f us\n",
                p.feasible ? "feasible" : "NOT feasible (best effort)",
                planSeconds * 1e6);
    return 0;
}
