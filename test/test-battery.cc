/*
 * Batteries in ns-3's energy framework: an engine draws its device's idle and active power
 * from the node's BasicEnergySource (LlmEngineEnergyModel), a depleted battery powers the
 * engine off (every job it holds and every later one dropped as energy-depleted) and its radio
 * off, and the examples report each battery in summary.json.
 */

#include "edge-llm-test-fixture.h"
#include "example-cli-fixture.h"

#include "ns3/basic-energy-source.h"
#include "ns3/battery-helper.h"
#include "ns3/double.h"
#include "ns3/llm-engine-helper.h"
#include "ns3/node-container.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <vector>

using namespace ns3;

namespace
{

/// A Jetson Orin Nano (idle 5 W, active 15 W) serving each job in exactly 10 s, one at a time.
struct OneEngine
{
    NodeContainer node;
    Ptr<LlmEngine> engine;
    std::vector<std::pair<uint64_t, std::string>> dropped;
    uint32_t completed{0};

    OneEngine()
    {
        node.Create(1);
        LlmEngineHelper helper;
        helper.SetCostModel("ns3::ServiceTimeCostModel");
        helper.SetCostModelAttribute("ServiceTime",
                                     StringValue("ns3::ConstantRandomVariable[Constant=10]"));
        helper.SetCostModelAttribute("Model", StringValue("tinyllama-1.1b"));
        helper.SetCostModelAttribute("Device", StringValue("jetson-orin-nano"));
        helper.SetScheduler("ns3::FcfsScheduler");
        helper.SetEngineAttribute("QueueCapacity", UintegerValue(1000));
        engine = helper.Install(node.Get(0));
        engine->TraceConnectWithoutContext("Dropped", MakeCallback(&OneEngine::OnDropped, this));
        engine->TraceConnectWithoutContext("Completed",
                                           MakeCallback(&OneEngine::OnCompleted, this));
    }

    void Submit(uint64_t id)
    {
        InferenceJob job;
        job.requestId = id;
        job.promptTokens = 16;
        job.outputTokens = 4;
        engine->Submit(job);
    }

    void OnDropped(const InferenceJob& job, const std::string& reason)
    {
        dropped.emplace_back(job.requestId, reason);
    }

    void OnCompleted(const InferenceJob&)
    {
        ++completed;
    }
};

class BatteryTest : public ns3::test::SimulationTest
{
};

TEST_F(BatteryTest, TheEngineDrawsItsDevicesPowerFromTheBattery)
{
    OneEngine e;
    BatteryHelper helper;
    helper.SetCapacity(1e6);
    const std::vector<Battery> batteries = helper.Install(e.node);
    ASSERT_EQ(batteries.size(), 1u);
    ASSERT_TRUE(batteries[0].engine);
    EXPECT_TRUE(batteries[0].radios.empty()) << "the node has no Wi-Fi device";
    // Busy 0-10 and 10-20 (two jobs at 0 and 5), 30-40: 30 s at 15 W, 70 s at 5 W.
    Simulator::Schedule(Seconds(0), &OneEngine::Submit, &e, 1);
    Simulator::Schedule(Seconds(5), &OneEngine::Submit, &e, 2);
    Simulator::Schedule(Seconds(30), &OneEngine::Submit, &e, 3);
    double remaining = 0;
    Simulator::Schedule(Seconds(100),
                        [&]() { remaining = batteries[0].source->GetRemainingEnergy(); });
    Simulator::Stop(Seconds(100));
    Simulator::Run();
    EXPECT_EQ(e.completed, 3u);
    EXPECT_NEAR(batteries[0].ComputeJoules(), 15 * 30 + 5 * 70, 1e-9);
    EXPECT_NEAR(batteries[0].ComputeJoules(), e.engine->GetEnergyJoules(), 1e-9);
    EXPECT_NEAR(remaining, 1e6 - 800, 1e-6) << "the source charged the same joules";
    EXPECT_TRUE(batteries[0].DepletionTime().IsNegative());
}

TEST_F(BatteryTest, ADepletedBatteryPowersTheEngineOffAndEveryJobEndsOnce)
{
    OneEngine e;
    BatteryHelper helper;
    helper.SetCapacity(1000);
    const std::vector<Battery> batteries = helper.Install(e.node);
    batteries[0].source->SetAttribute("BasicEnergyLowBatteryThreshold", DoubleValue(0));
    // Twenty jobs at once: busy from 0 at 15 W, so 1,000 J are gone at 66.7 s; the source
    // notices at its next update (every second).
    for (uint64_t id = 1; id <= 20; ++id)
    {
        Simulator::Schedule(Seconds(0), &OneEngine::Submit, &e, id);
    }
    Simulator::Schedule(Seconds(100), &OneEngine::Submit, &e, 21);
    double drawnAtDepletion = -1;
    Simulator::Schedule(Seconds(80), [&]() { drawnAtDepletion = batteries[0].ComputeJoules(); });
    Simulator::Stop(Seconds(150));
    Simulator::Run();

    const double depleted = batteries[0].DepletionTime().GetSeconds();
    EXPECT_GE(depleted, 1000.0 / 15);
    EXPECT_LE(depleted, 1000.0 / 15 + 1.0 + 1e-9);
    EXPECT_FALSE(e.engine->IsPoweredOn());
    EXPECT_EQ(e.completed, 6u) << "six 10 s jobs fit in 66.7 s";
    // The running job, the 13 waiting ones and the one submitted later: energy-depleted.
    ASSERT_EQ(e.dropped.size(), 15u);
    for (const auto& [id, reason] : e.dropped)
    {
        EXPECT_EQ(reason, "energy-depleted") << "job " << id;
    }
    EXPECT_EQ(e.dropped.back().first, 21u);
    EXPECT_EQ(e.completed + e.dropped.size(), 21u) << "every job ends exactly once";
    // Off, the engine draws nothing more; both accounts stop at the same instant.
    EXPECT_NEAR(batteries[0].ComputeJoules(), drawnAtDepletion, 1e-9);
    EXPECT_NEAR(batteries[0].ComputeJoules(), 15 * depleted, 1e-6);
    EXPECT_NEAR(e.engine->GetEnergyJoules(), batteries[0].ComputeJoules(), 1e-6);
    EXPECT_EQ(e.engine->GetQueueLength(), 0u);
    EXPECT_FALSE(e.engine->IsBusy());
}

TEST_F(BatteryTest, BadCapacityOrVoltageIsRefused)
{
    BatteryHelper helper;
    EXPECT_THROW(helper.SetCapacity(0), std::invalid_argument);
    EXPECT_THROW(helper.SetCapacity(-5), std::invalid_argument);
    EXPECT_THROW(helper.SetCapacity(std::nan("")), std::invalid_argument);
    EXPECT_THROW(helper.SetVoltage(0), std::invalid_argument);
    EXPECT_THROW(helper.SetVoltage(INFINITY), std::invalid_argument);
}

class BatteryExampleTest : public ns3::test::ExampleCliFixture
{
  protected:
    BatteryExampleTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-wifi-star"))
    {
    }
};

// Phones that also run a model locally on 150 J batteries: their radios (about 1 W idle at
// ns-3's currents) and engines (1 W idle) drain them within the run; the requests they hold then
// end once, as energy-depleted or as a timeout of the dead radio.
TEST_F(BatteryExampleTest, PhonesOnBatteriesRunOut)
{
    const std::string outDir = m_dir + "/out";
    const ns3::test::ExampleRun run =
        Run("--cost=roofline --phones=2 --phone-model=tinyllama-1.1b "
            "--phone-device=phone-snapdragon-8-gen-3 "
            "--local-load=0.05 --load=0.05 --duration=300 --drain=60 --timeout=60 "
            "--battery=150 --out='" +
            outDir + "'");
    ExpectOutputs(run, outDir);
    EXPECT_NE(run.out.find("batteries: 2 nodes"), std::string::npos) << run.out;
    const auto summary = nlohmann::json::parse(ns3::test::ReadFile(outDir + "/summary.json"));
    ASSERT_EQ(summary["batteries"].size(), 2u);
    uint64_t depleted = 0;
    for (const auto& b : summary["batteries"])
    {
        EXPECT_EQ(b["capacity_j"].get<double>(), 150);
        EXPECT_GT(b["radio_j"].get<double>(), 0);
        EXPECT_GT(b["compute_j"].get<double>(), 0);
        // ns-3's BasicEnergySource calls itself depleted at 10 % left (its low-battery
        // threshold): what the devices drew never exceeds the capacity.
        EXPECT_NEAR(b["remaining_j"].get<double>() + b["radio_j"].get<double>() +
                        b["compute_j"].get<double>(),
                    150,
                    1e-6);
        EXPECT_GE(b["remaining_j"].get<double>(), 0);
        if (!b["depleted_at_s"].is_null())
        {
            ++depleted;
            EXPECT_LT(b["depleted_at_s"].get<double>(), 361);
        }
    }
    EXPECT_EQ(depleted, 2u);
    EXPECT_GT(summary["states"].value("failed: energy-depleted", 0), 0) << summary["states"];
    uint64_t ended = 0;
    for (const auto& [state, count] : summary["states"].items())
    {
        ended += count.get<uint64_t>();
    }
    EXPECT_EQ(ended, summary["requests"].get<uint64_t>());
    const auto rows = ns3::test::ReadCsv(outDir + "/requests.csv");
    EXPECT_EQ(rows.size(), summary["requests"].get<uint64_t>() + 1) << "one row per request";
}

} // namespace
