/*
 * edge-llm-serving on LTE: moving UEs hand over between cells and keep being served (the
 * handovers in summary.json), static ones stay; fading makes the network time vary.
 */

#include "example-cli-fixture.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace ns3;
using ns3::test::ExampleRun;
using ns3::test::ReadFile;

namespace
{

class LteServingTest : public ns3::test::ExampleCliFixture
{
  protected:
    LteServingTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-serving"))
    {
    }

    /// Runs with `args` into a fresh directory; returns summary.json (fails the test on error).
    nlohmann::json RunSummary(const std::string& args)
    {
        const std::string dir = m_dir + "/run-" + std::to_string(m_runs++);
        const ExampleRun run = Run(args + " --out='" + dir + "'");
        ExpectOutputs(run, dir);
        return nlohmann::json::parse(ReadFile(dir + "/summary.json"), nullptr, false);
    }

    /// Requests in a final state: completed or failed with a reason, none left open.
    static void ExpectEveryRequestEnded(const nlohmann::json& summary)
    {
        uint64_t ended = 0;
        for (const auto& [state, count] : summary["states"].items())
        {
            EXPECT_NE(state, "pending");
            ended += count.get<uint64_t>();
        }
        EXPECT_EQ(ended, summary["requests"].get<uint64_t>());
    }
};

} // namespace

TEST_F(LteServingTest, RefusesFadingItDoesNotOffer)
{
    ExpectRejected("--topology=lte --fading=rayleigh", {"rayleigh", "none", "epa-3kmh"});
    ExpectRejected("--topology=lte --fading=epa-7kmh", {"epa-7kmh.fad", "edge-llm-fading-trace"});
    ExpectRejected("--topology=wifi-star --fading=epa-3kmh",
                   {"--topology=wifi-star", "--fading=epa-3kmh", "lte only"});
}

// Two cells, one UE each starting 240 m from its eNB (10 m short of the cell edge), the UEs
// driving between random points of the two cells at 50 m/s: 1.5 km each in 30 s. (2 to 4
// handovers over --run=1 to 5 when this was written.)
TEST_F(LteServingTest, MovingUesHandOverAndKeepBeingServed)
{
    const std::string common =
        "--topology=lte --cells=2 --distance=240 --users=2 --users-per-node=1 --think=1 "
        "--prompt-tokens=50 --output-tokens=10 --model=tinyllama-1.1b --drain=30";
    const nlohmann::json moving =
        RunSummary(common + " --duration=30 --mobility=random-waypoint --speed=50");
    ASSERT_TRUE(moving.contains("handovers"));
    EXPECT_GT(moving["handovers"].get<uint64_t>(), 0u);
    EXPECT_EQ(moving["handover_failures"].get<uint64_t>(), 0u);
    EXPECT_GT(moving["states"].value("completed", 0u), 0u);
    ExpectEveryRequestEnded(moving);

    const nlohmann::json still = RunSummary(common + " --duration=10");
    EXPECT_EQ(still["handovers"].get<uint64_t>(), 0u);
    ExpectEveryRequestEnded(still);
}

// One cell, two UEs 200 m from the eNB: without fading every request spends about 35 ms in
// the network, p95 within a millisecond of the median; EVA at 60 km/h (102 Hz Doppler) makes
// the channel change faster than the eNB learns of it (CQI), so transport blocks fail and
// HARQ and RLC retransmit: the network time spreads over tens of milliseconds.
TEST_F(LteServingTest, FadingSpreadsTheNetworkTime)
{
    const std::string common =
        "--topology=lte --distance=200 --users=2 --users-per-node=1 --think=1 "
        "--prompt-tokens=50 --output-tokens=10 --model=tinyllama-1.1b --duration=10 "
        "--drain=30";
    const nlohmann::json flat = RunSummary(common);
    const nlohmann::json fading = RunSummary(common + " --fading=eva-60kmh");
    EXPECT_EQ(fading["scenario"]["fading"], "eva-60kmh");
    ExpectEveryRequestEnded(flat);
    ExpectEveryRequestEnded(fading);
    ASSERT_GT(flat["network_s"]["count"].get<uint64_t>(), 5u);
    ASSERT_GT(fading["network_s"]["count"].get<uint64_t>(), 5u);
    const auto spread = [](const nlohmann::json& s) {
        return s["network_s"]["p95"].get<double>() - s["network_s"]["p50"].get<double>();
    };
    ::testing::Test::RecordProperty("spread_none_s", std::to_string(spread(flat)));
    ::testing::Test::RecordProperty("spread_eva60_s", std::to_string(spread(fading)));
    EXPECT_GT(spread(fading), 10 * spread(flat));
    EXPECT_GT(fading["network_s"]["mean"].get<double>(), flat["network_s"]["mean"].get<double>());
}
