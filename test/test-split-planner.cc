/*
 * Split inference planners: the dynamic programme against brute force over every placement,
 * greedy and the fixed splits against it, and the costs of a real model's units and
 * boundaries.
 */

#include "edge-llm-test-fixture.h"

#include "ns3/dp-split-planner.h"
#include "ns3/fixed-split-planner.h"
#include "ns3/greedy-split-planner.h"
#include "ns3/random-variable-stream.h"
#include "ns3/split-costs.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>
#include <limits>
#include <stdexcept>

using namespace ns3;

namespace
{

/// Random costs for `units` units: seconds, work, crossings and memory drawn from `rv`.
SplitCosts
RandomCosts(Ptr<UniformRandomVariable> rv, uint32_t units, bool memoryBinds)
{
    SplitCosts c;
    double allMemory = 0;
    for (uint32_t u = 0; u < units; ++u)
    {
        SplitUnit unit;
        unit.name = "u" + std::to_string(u);
        unit.clientSeconds = rv->GetValue(0.0, 4.0);
        unit.serverSeconds = rv->GetValue(0.0, 1.0);
        unit.serverWork = unit.serverSeconds * rv->GetValue(0.5, 1.5);
        unit.clientMemory = rv->GetValue(1.0, 10.0);
        allMemory += unit.clientMemory;
        c.units.push_back(unit);
    }
    for (uint32_t i = 0; i <= units; ++i)
    {
        c.boundaryUp.push_back(rv->GetValue(0.0, 3.0));
        c.boundaryDown.push_back(rv->GetValue(0.0, 3.0));
    }
    c.clientMemoryLimit = memoryBinds ? allMemory * rv->GetValue(0.3, 0.8) : allMemory * 2;
    return c;
}

/// The least server work of any placement meeting `sla` within `memoryLimit` (brute force);
/// infinity when none does.
double
BruteForceWork(const SplitCosts& costs, double sla, double memoryLimit)
{
    const size_t n = costs.units.size();
    double best = std::numeric_limits<double>::infinity();
    for (uint64_t mask = 0; mask < (uint64_t{1} << n); ++mask)
    {
        std::vector<bool> onServer(n);
        for (size_t u = 0; u < n; ++u)
        {
            onServer[u] = (mask >> u) & 1;
        }
        const SplitPlacement p = SplitPlacement::Evaluate(costs, onServer, sla);
        if (p.latency <= sla && p.clientMemory <= memoryLimit)
        {
            best = std::min(best, p.serverWork);
        }
    }
    return best;
}

class SplitPlannerTest : public ns3::test::SimulationTest
{
};

} // namespace

TEST_F(SplitPlannerTest, DynamicProgrammeMatchesBruteForce)
{
    Ptr<UniformRandomVariable> rv = CreateObject<UniformRandomVariable>();
    rv->SetStream(42);
    Ptr<DpSplitPlanner> dp = CreateObject<DpSplitPlanner>();
    const double R = 1000;
    const double M = 32;
    int feasibleCases = 0;
    for (int trial = 0; trial < 120; ++trial)
    {
        const uint32_t units = 6 + trial % 7; // 6 to 12 units
        const bool memoryBinds = trial % 3 == 0;
        const SplitCosts costs = RandomCosts(rv, units, memoryBinds);
        const SplitPlacement fastest = GreedySplitPlanner().Plan(costs, 1e9);
        const double sla = rv->GetValue(0.5, 1.5) * std::max(1.0, fastest.latency);
        const SplitPlacement plan = dp->Plan(costs, sla);
        const double exact = BruteForceWork(costs, sla, costs.clientMemoryLimit);
        // Rounding each of the n units and n + 1 crossings up loses less than one step each.
        const double tighterSla = sla * (1 - (2 * units + 1) / R);
        const double tighterMemory =
            memoryBinds ? costs.clientMemoryLimit * (1 - units / M) : costs.clientMemoryLimit;
        const double nearlyExact = BruteForceWork(costs, tighterSla, tighterMemory);
        if (plan.feasible)
        {
            ++feasibleCases;
            EXPECT_LE(plan.latency, sla) << trial;
            EXPECT_LE(plan.clientMemory, costs.clientMemoryLimit) << trial;
            EXPECT_GE(plan.serverWork, exact - 1e-9) << trial << ": beats brute force";
        }
        else
        {
            EXPECT_EQ(nearlyExact, std::numeric_limits<double>::infinity())
                << trial << ": a placement meets a tighter SLA but the programme found none";
        }
        if (nearlyExact < std::numeric_limits<double>::infinity())
        {
            ASSERT_TRUE(plan.feasible) << trial;
            EXPECT_LE(plan.serverWork, nearlyExact + 1e-9) << trial;
        }
    }
    EXPECT_GT(feasibleCases, 60);
}

TEST_F(SplitPlannerTest, GreedyAndFixedSplitsNeverBeatTheProgramme)
{
    Ptr<UniformRandomVariable> rv = CreateObject<UniformRandomVariable>();
    rv->SetStream(7);
    Ptr<DpSplitPlanner> dp = CreateObject<DpSplitPlanner>();
    dp->SetAttribute("Resolution", UintegerValue(20000)); // fine: rounding below any gap here
    Ptr<SplitPlanner> greedy = SplitPlanner::ByName("greedy");
    Ptr<SplitPlanner> serverOnly = SplitPlanner::ByName("server-only");
    Ptr<SplitPlanner> clientOnly = SplitPlanner::ByName("client-only");
    int greedyWorse = 0;
    for (int trial = 0; trial < 100; ++trial)
    {
        const SplitCosts costs = RandomCosts(rv, 10, false);
        const double sla = rv->GetValue(5.0, 25.0);
        const SplitPlacement best = dp->Plan(costs, sla);
        const SplitPlacement g = greedy->Plan(costs, sla);
        const SplitPlacement server = serverOnly->Plan(costs, sla);
        const SplitPlacement client = clientOnly->Plan(costs, sla);
        EXPECT_EQ(server.Compact(), std::string(10, 'S'));
        EXPECT_EQ(client.Compact(), std::string(10, 'C'));
        EXPECT_EQ(client.serverWork, 0.0);
        if (g.feasible && g.latency <= sla * (1 - 21.0 / 20000))
        {
            ASSERT_TRUE(best.feasible) << trial;
            EXPECT_LE(best.serverWork, g.serverWork + 1e-9) << trial;
            greedyWorse += best.serverWork < g.serverWork - 1e-9;
        }
        if (best.feasible)
        {
            // The extremes: all work on the server, or none.
            EXPECT_LE(best.serverWork, server.serverWork + 1e-9) << trial;
            EXPECT_GE(best.serverWork, 0.0);
        }
    }
    EXPECT_GT(greedyWorse, 5) << "greedy matched the programme almost always: a weak test";
}

TEST_F(SplitPlannerTest, CostsOfARealModelOverARealLink)
{
    auto client = test::Roofline("llama-3-8b-int4", "jetson-agx-orin");
    auto server = test::Roofline("llama-3-8b-int4", "a100-80gb");
    SplitLink link;
    link.upBitsPerSecond = 50e6;
    link.downBitsPerSecond = 100e6;
    link.rttSeconds = 0.01;
    const SplitCosts c = SplitCosts::Compute(*client, *server, link, 500, 100);
    const ModelSpec& model = client->GetModel();
    ASSERT_EQ(c.units.size(), model.layers + 2u);
    ASSERT_EQ(c.boundaryUp.size(), model.layers + 3u);
    EXPECT_EQ(c.units.front().name, "embedding");
    EXPECT_EQ(c.units.back().name, "head");
    // A block: the whole request on each side; the server is faster.
    const double clientBlock =
        client->PrefillSeconds(500, {0, 1}) + client->DecodeSeconds(99, 500, {0, 1});
    EXPECT_DOUBLE_EQ(c.units[5].clientSeconds, clientBlock);
    EXPECT_LT(c.units[5].serverSeconds, c.units[5].clientSeconds);
    // A hidden-state boundary: the prompt's states, then one token's per decode step.
    const double hiddenBits = model.hidden * 2.0 * 8;
    EXPECT_NEAR(c.boundaryUp[5],
                500 * hiddenBits / 50e6 + 0.005 + 99 * (hiddenBits / 50e6 + 0.005),
                1e-12);
    EXPECT_NEAR(c.boundaryDown[5],
                500 * hiddenBits / 100e6 + 0.005 + 99 * (hiddenBits / 100e6 + 0.005),
                1e-12);
    // Token ids at the ends: 4 bytes each, the sampled ones one per output token.
    EXPECT_NEAR(c.boundaryDown.back(), 100 * (32 / 100e6 + 0.005), 1e-12);
    // Sums: client-only latency is every unit on the client and no crossing.
    const SplitPlacement all = SplitPlanner::ByName("client-only")->Plan(c, 1e9);
    double sum = 0;
    for (const SplitUnit& u : c.units)
    {
        sum += u.clientSeconds;
    }
    EXPECT_NEAR(all.latency, sum, 1e-9);
    EXPECT_LE(all.clientMemory, c.clientMemoryLimit); // 4-bit Llama-3-8B fits a 64 GB Orin
}

TEST_F(SplitPlannerTest, GreedyNeverBeatsTheProgrammeOnARealModel)
{
    // A 32-block model at the default resolution, SLAs from the fastest placement to the
    // client alone: the programme judges latency exactly, so greedy's placements (feasible by
    // construction) never carry less server work than its answer.
    auto server = test::Roofline("llama-3-8b-int4", "edge-server-l4");
    Ptr<SplitPlanner> dp = SplitPlanner::ByName("dp");
    Ptr<SplitPlanner> greedy = SplitPlanner::ByName("greedy");
    int compared = 0;
    int dpBetter = 0;
    for (const char* device : {"jetson-orin-nano", "raspberry-pi-5", "phone-snapdragon-8-gen-3"})
    {
        auto client = test::Roofline("llama-3-8b-int4", device);
        for (double mbps : {5.0, 20.0, 100.0})
        {
            const SplitCosts costs = SplitCosts::Compute(*client,
                                                         *server,
                                                         SplitLink{mbps * 1e6, mbps * 1e6, 0.01},
                                                         256,
                                                         64);
            const double fastest = SplitPlanner::ByName("server-only")->Plan(costs, 1e9).latency;
            const double slowest = SplitPlanner::ByName("client-only")->Plan(costs, 1e9).latency;
            for (int i = 1; i <= 12; ++i)
            {
                const double sla = fastest + (slowest - fastest) * i / 12.0;
                const SplitPlacement g = greedy->Plan(costs, sla);
                const SplitPlacement best = dp->Plan(costs, sla);
                if (!g.feasible)
                {
                    continue;
                }
                ++compared;
                ASSERT_TRUE(best.feasible) << device << " " << mbps << " Mb/s, SLA " << sla;
                EXPECT_LE(best.latency, sla);
                EXPECT_LE(best.serverWork, g.serverWork + 1e-9)
                    << device << " " << mbps << " Mb/s, SLA " << sla << ": dp " << best.Compact()
                    << ", greedy " << g.Compact();
                dpBetter += best.serverWork < g.serverWork - 1e-9;
            }
        }
    }
    EXPECT_GT(compared, 50);
    EXPECT_GT(dpBetter, 5) << "greedy matched the programme almost always: a weak test";
}

TEST_F(SplitPlannerTest, BadInputIsOneLine)
{
    EXPECT_THROW(SplitPlanner::ByName("magic"), std::invalid_argument);
    EXPECT_THROW(SplitPlanner::ByName("split:x"), std::invalid_argument);
    EXPECT_NO_THROW(SplitPlanner::ByName("split:3"));
    auto client = test::Roofline("llama-3-8b", "jetson-agx-orin");
    auto other = test::Roofline("gpt2-124m", "a100-80gb");
    SplitLink link{1e6, 1e6, 0.01};
    EXPECT_THROW(SplitCosts::Compute(*client, *other, link, 10, 10), std::invalid_argument);
    auto server = test::Roofline("llama-3-8b", "a100-80gb");
    EXPECT_THROW(SplitCosts::Compute(*client, *server, SplitLink{0, 1e6, 0}, 10, 10),
                 std::invalid_argument);
    EXPECT_THROW(SplitCosts::Compute(*client, *server, link, 0, 10), std::invalid_argument);
    EXPECT_THROW(SplitCosts::Compute(*client, *server, link, 8000, 500), std::invalid_argument);
}
