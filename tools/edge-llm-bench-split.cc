/*
 * edge-llm-bench-split: what split inference costs the simulator.
 *
 *   ./edge-llm bench split [--plans=N] [--clients=N] [--duration=S] [--access=wired|wifi]
 *
 * 1. Planning: microseconds per request of each planner on Llama-3-8B-int4 (34 units) at the
 *    default resolution, over requests of random lengths (16-2048 prompt, 16-512 output
 *    tokens), links (5-200 Mb/s, 2-50 ms) and SLAs (between the server alone and the device
 *    alone), from a fixed seed.
 * 2. Simulation: the split scenario (dp) with N clients: simulated requests per wall second.
 *
 * A benchmark, not a test: figures depend on the machine.
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

using namespace ns3;

namespace
{

Ptr<InferenceCostModel>
Roofline(const std::string& model, const std::string& device)
{
    Ptr<RooflineCostModel> m = CreateObject<RooflineCostModel>();
    m->SetAttribute("Model", StringValue(model));
    m->SetAttribute("Device", StringValue(device));
    return m;
}

void
BenchPlanners(uint32_t plans)
{
    Ptr<InferenceCostModel> client = Roofline("llama-3-8b-int4", "jetson-orin-nano");
    Ptr<InferenceCostModel> server = Roofline("llama-3-8b-int4", "edge-server-l4");
    Ptr<UniformRandomVariable> rv = CreateObject<UniformRandomVariable>();
    rv->SetStream(1);
    std::vector<std::pair<SplitCosts, double>> inputs;
    for (uint32_t i = 0; i < plans; ++i)
    {
        const auto prompt = static_cast<uint32_t>(rv->GetInteger(16, 2048));
        const auto output = static_cast<uint32_t>(rv->GetInteger(16, 512));
        const double mbps = rv->GetValue(5, 200);
        const double rtt = rv->GetValue(0.002, 0.05);
        const SplitCosts costs = SplitCosts::Compute(*client,
                                                     *server,
                                                     SplitLink{mbps * 1e6, mbps * 1e6, rtt},
                                                     prompt,
                                                     output);
        const double fastest = SplitPlanner::ByName("server-only")->Plan(costs, 1e9).latency;
        const double slowest = SplitPlanner::ByName("client-only")->Plan(costs, 1e9).latency;
        inputs.emplace_back(costs, fastest + rv->GetValue(0, 1) * (slowest - fastest));
    }
    std::printf("planning, llama-3-8b-int4 (34 units), jetson-orin-nano + edge-server-l4, %u "
                "requests:\n",
                plans);
    for (const char* name : {"dp", "greedy"})
    {
        Ptr<SplitPlanner> planner = SplitPlanner::ByName(name);
        std::vector<double> micros;
        uint32_t feasible = 0;
        for (const auto& [costs, sla] : inputs)
        {
            const auto start = std::chrono::steady_clock::now();
            const SplitPlacement p = planner->Plan(costs, sla);
            micros.push_back(
                std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                    .count());
            feasible += p.feasible;
        }
        std::sort(micros.begin(), micros.end());
        double sum = 0;
        for (double m : micros)
        {
            sum += m;
        }
        std::printf("  %-7s mean %8.1f us, p50 %8.1f us, p95 %8.1f us per request (%u of %u "
                    "feasible)\n",
                    name,
                    sum / micros.size(),
                    micros[micros.size() / 2],
                    micros[micros.size() * 95 / 100],
                    feasible,
                    plans);
    }
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t plans = 1000;
    SplitScenarioConfig c;
    c.clients = 32;
    c.duration = 120;
    c.drain = 60;
    c.access = "wired";
    c.out = "edge-llm-out/bench-split";
    ProgramOptions cmd(
        "edge-llm-bench-split",
        "Plans split-inference requests in a simulated run and prints the planner's time.");
    cmd.AddValue("plans", "Requests to plan (>= 1)", plans);
    cmd.AddValue("clients", "Client devices in the simulated run", c.clients);
    cmd.AddValue("duration", "Seconds the clients issue requests", c.duration);
    cmd.AddValue("load", "Requests per second per client", c.load);
    cmd.AddValue("access", "wired or wifi", c.access);
    cmd.Parse(argc, argv);
    if (plans < 1)
    {
        FailOnCommandLine("--plans must be >= 1");
    }
    BenchPlanners(plans);
    try
    {
        const SplitScenarioResult r = SplitScenario(c).Run();
        std::printf("simulation, %u clients (%s), dp, %.0f s issuing at %.3f req/s each: %llu "
                    "requests (%llu completed) in %.2f wall s: %.1f requests per wall second, "
                    "%.1f simulated s per wall s\n",
                    c.clients,
                    c.access.c_str(),
                    c.duration,
                    c.load,
                    static_cast<unsigned long long>(r.summary.requests),
                    static_cast<unsigned long long>(r.summary.completed),
                    r.summary.wallSeconds,
                    r.summary.requests / r.summary.wallSeconds,
                    r.summary.simulatedSeconds / r.summary.wallSeconds);
    }
    catch (const std::exception& e)
    {
        FailOnCommandLine(e.what());
    }
    return 0;
}
