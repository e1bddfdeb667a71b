/*
 * The edge-llm-split example as a user meets it: bad options fail fast with one line naming
 * the bad value, a good run writes its outputs with the split columns and section.
 */

#include "example-cli-fixture.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using ns3::test::ExampleRun;

namespace
{

class SplitExampleCliTest : public ns3::test::ExampleCliFixture
{
  protected:
    SplitExampleCliTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-split"))
    {
    }
};

} // namespace

TEST_F(SplitExampleCliTest, UnknownAccessListsTheKinds)
{
    ExpectRejected("--access=5g", {"5g", "wifi", "wired", "lte"});
    ExpectRejected("--access=lte --clients=400", {"400", "319"});
}

TEST_F(SplitExampleCliTest, UnknownPlannerListsThePlanners)
{
    ExpectRejected("--planner=magic", {"magic", "dp", "greedy", "server-only", "split:K"});
}

TEST_F(SplitExampleCliTest, BadNumbersNameTheirValue)
{
    ExpectRejected("--sla=-1", {"--sla=-1 is out of range"});
    ExpectRejected("--load=0", {"--load=0 is out of range"});
    ExpectRejected("--headroom=0.95", {"headroom 0.95"});
    ExpectRejected("--clients=0", {"--clients=0 is out of range"});
    ExpectRejected("--distance=0", {"--distance=0 is out of range"});
}

TEST_F(SplitExampleCliTest, UnknownDeviceInTheList)
{
    ExpectRejected("--client-device=jetson-orin-nano,phone-x", {"phone-x"});
}

TEST_F(SplitExampleCliTest, FixedPlacementThatDoesNotFitNamesTheSizes)
{
    ExpectRejected("--planner=client-only --model=llama-3-8b --client-device=raspberry-pi-5",
                   {"client-only", "raspberry-pi-5", "15.0 GiB", "8.0 GiB"});
}

TEST_F(SplitExampleCliTest, ShortRunWritesTheSplitColumnsAndSection)
{
    const std::string outDir = m_dir + "/run";
    const ExampleRun run = Run("--access=wired --clients=2 --load=0.2 --duration=20 --drain=30 "
                               "--model=tinyllama-1.1b --sla=2 --out='" +
                               outDir + "'");
    ExpectOutputs(run, outDir);
    const auto rows = ns3::test::ReadCsv(outDir + "/requests.csv");
    ASSERT_GT(rows.size(), 1u);
    const auto& header = rows[0];
    auto column = [&header](const std::string& name) {
        return std::find(header.begin(), header.end(), name) - header.begin();
    };
    const size_t placement = column("placement");
    const size_t slaMet = column("sla_met");
    ASSERT_LT(placement, header.size());
    ASSERT_LT(slaMet, header.size());
    for (size_t i = 1; i < rows.size(); ++i)
    {
        ASSERT_EQ(rows[i].size(), header.size()) << "row " << i;
        EXPECT_EQ(rows[i][placement].size(), 22u + 2) << "C/S per unit of TinyLlama";
        EXPECT_TRUE(rows[i][slaMet] == "0" || rows[i][slaMet] == "1") << rows[i][slaMet];
    }
    const auto summary = nlohmann::json::parse(ns3::test::ReadFile(outDir + "/summary.json"));
    ASSERT_TRUE(summary.contains("split"));
    EXPECT_EQ(summary["split"]["requests"].get<uint64_t>(), rows.size() - 1);
    EXPECT_GT(summary["split"]["server_work_s"]["count"].get<uint64_t>(), 0u);
}

TEST_F(SplitExampleCliTest, SameSeedSameBytesOtherRunOtherBytes)
{
    const std::string args = "--access=wired --clients=2 --load=0.2 --duration=20 --drain=30 "
                             "--model=tinyllama-1.1b --sla=2";
    std::vector<std::string> csv;
    for (const char* run : {"a", "b", "c"})
    {
        const std::string outDir = m_dir + "/" + run;
        const std::string runNumber = std::string(run) == "c" ? " --run=2" : "";
        ExpectOutputs(Run(args + runNumber + " --out='" + outDir + "'"), outDir);
        csv.push_back(ns3::test::ReadFile(outDir + "/requests.csv"));
    }
    EXPECT_FALSE(csv[0].empty());
    EXPECT_EQ(csv[0], csv[1]) << "the same seed and run must give the same requests.csv";
    EXPECT_NE(csv[0], csv[2]) << "another run number must draw other arrivals";
}

TEST_F(SplitExampleCliTest, BadNetworkOptionsAreRefusedInOneLine)
{
    ExpectRefused("--topology=5g", {"unknown --topology '5g'", "wifi-star"});
    ExpectRefused("--mobility=jog --speed=1", {"'jog'", "random-walk"});
    ExpectRefused("--mobility=random-walk", {"random-walk", "speed > 0"});
    ExpectRefused("--speed=101", {"--speed=101 is out of range"});
    ExpectRefused("--pause=-1", {"--pause=-1 is out of range"});
    ExpectRefused("--topology=lte --cells=17", {"--cells=17", "1 to 16"});
    ExpectRefused("--topology=lte --propagation=log-distance-nakagami",
                  {"lte", "log-distance-nakagami", "cost231"});
    ExpectRefused("--topology=lte --battery=100", {"--battery", "lte", "radio energy model"});
}

// Devices that walk around the AP, and devices in an LTE cell, still split their requests
// with the server; summary.json records the network.
TEST_F(SplitExampleCliTest, RunsWithMovingDevicesAndOnLte)
{
    const std::string args = "--clients=2 --load=0.2 --duration=20 --drain=30 "
                             "--model=tinyllama-1.1b --sla=2";
    const std::string walk = m_dir + "/walk";
    ExpectOutputs(
        Run(args + " --topology=wifi-star --mobility=random-walk --speed=1.5 --out='" + walk + "'"),
        walk);
    const std::string lte = m_dir + "/lte";
    ExpectOutputs(Run(args + " --topology=lte --out='" + lte + "'"), lte);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(Summary(walk)["scenario"].value("mobility", ""), "random-walk");
    EXPECT_EQ(Summary(walk)["scenario"].value("speed_mps", ""), "1.5");
    EXPECT_GT(Completed(walk), 0u);
    EXPECT_EQ(Summary(lte)["scenario"].value("topology", ""), "lte");
    EXPECT_EQ(Summary(lte)["scenario"].value("cells", ""), "1");
    EXPECT_GT(Completed(lte), 0u);
}
