/*
 * The edge-llm-wifi-star and edge-llm-moa examples as a user meets them: bad options fail fast with
 * one line on stderr, a good run writes its outputs and says where.
 */

#include "example-cli-fixture.h"

#include "ns3/device-profile.h"
#include "ns3/model-spec.h"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <set>
#include <string>
#include <sys/wait.h>

using namespace ns3;
using ns3::test::ExampleRun;
using ns3::test::ReadFile;

namespace
{

/// The checks on edge-llm-wifi-star.
class ExampleCliTest : public ns3::test::ExampleCliFixture
{
  protected:
    ExampleCliTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-wifi-star"))
    {
    }
};

/// The same checks on edge-llm-moa.
class MoaExampleCliTest : public ns3::test::ExampleCliFixture
{
  protected:
    MoaExampleCliTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-moa"))
    {
    }
};

bool
StartsWithPcapMagic(const std::string& path)
{
    const std::string bytes = ReadFile(path);
    if (bytes.size() < 24) // a pcap global header is 24 bytes
    {
        return false;
    }
    const unsigned char* b = reinterpret_cast<const unsigned char*>(bytes.data());
    const bool little = b[0] == 0xd4 && b[1] == 0xc3 && b[2] == 0xb2 && b[3] == 0xa1;
    const bool big = b[0] == 0xa1 && b[1] == 0xb2 && b[2] == 0xc3 && b[3] == 0xd4;
    return little || big;
}

} // namespace

TEST_F(ExampleCliTest, UnknownModelListsAcceptedModels)
{
    std::vector<std::string> needles = {"nope"};
    for (const auto& name : ModelSpec::PresetNames())
    {
        needles.push_back(name);
    }
    ExpectRejected("--model=nope", needles);
}

TEST_F(ExampleCliTest, UnknownServerDevice)
{
    ExpectRejected("--server-device=nope", {"nope", "raspberry-pi-5"});
}

TEST_F(ExampleCliTest, ZeroPhones)
{
    ExpectRejected("--phones=0", {"--phones=0"});
}

TEST_F(ExampleCliTest, MorePhonesThanTheAccessPointHolds)
{
    ExpectRejected("--phones=2008", {"--phones=2008", "2007"});
}

TEST_F(ExampleCliTest, NegativeLoad)
{
    ExpectRejected("--load=-1", {"--load=-1"});
}

TEST_F(ExampleCliTest, TraceModeWithoutTrace)
{
    ExpectRejected("--mode=trace", {"--trace"});
}

TEST_F(ExampleCliTest, MissingTraceFile)
{
    ExpectRejected("--mode=trace --trace=/nonexistent --cost=roofline", {"/nonexistent"});
}

TEST_F(ExampleCliTest, UnknownStandard)
{
    ExpectRejected("--standard=wifi9", {"wifi9", "80211ax"});
}

TEST_F(ExampleCliTest, ModelThatDoesNotFit)
{
    ExpectRejected("--model=llama-3-70b --server-device=raspberry-pi-5 --cost=roofline",
                   {"llama-3-70b", "raspberry-pi-5"});
}

TEST_F(ExampleCliTest, UnknownCostModel)
{
    ExpectRejected("--cost=magic", {"magic"});
}

TEST_F(ExampleCliTest, ShortRunWritesOutputs)
{
    const std::string outDir = m_dir + "/run";
    const ExampleRun run = Run("--cost=roofline --phones=2 --duration=30 --drain=60 --load=0.2 "
                               "--pcap=false --out='" +
                               outDir + "'");
    ExpectOutputs(run, outDir);
    ASSERT_FALSE(HasFatalFailure());
    for (const auto& entry : std::filesystem::directory_iterator(outDir))
    {
        EXPECT_NE(entry.path().extension(), ".pcap") << "--pcap=false wrote " << entry.path();
    }
    const auto rows = ns3::test::ReadCsv(outDir + "/requests.csv");
    EXPECT_GT(rows.size(), 1u) << "no requests in 30 s at 0.2 req/s on each of 2 phones";

    // Same seed, same run: the same requests, byte for byte, from a fresh process.
    const std::string again = m_dir + "/again";
    ASSERT_EQ(Run("--cost=roofline --phones=2 --duration=30 --drain=60 --load=0.2 --pcap=false "
                  "--out='" +
                  again + "'")
                  .exitCode,
              0);
    EXPECT_EQ(ReadFile(again + "/requests.csv"), ReadFile(outDir + "/requests.csv"));
    // Another run number: other arrivals.
    const std::string other = m_dir + "/other";
    ASSERT_EQ(Run("--cost=roofline --phones=2 --duration=30 --drain=60 --load=0.2 --pcap=false "
                  "--run=2 --out='" +
                  other + "'")
                  .exitCode,
              0);
    EXPECT_NE(ReadFile(other + "/requests.csv"), ReadFile(outDir + "/requests.csv"));
}

TEST_F(ExampleCliTest, PcapsStartWithTheMagicNumber)
{
    const std::string outDir = m_dir + "/pcap";
    const ExampleRun run =
        Run("--cost=roofline --phones=2 --duration=5 --drain=30 --load=0.5 --pcap=true --out='" +
            outDir + "'");
    ASSERT_EQ(run.exitCode, 0) << run.err;
    int wifi = 0;
    int wired = 0;
    for (const auto& entry : std::filesystem::directory_iterator(outDir))
    {
        if (entry.path().extension() != ".pcap")
        {
            continue;
        }
        const std::string name = entry.path().filename().string();
        wifi += name.rfind("wifi", 0) == 0 ? 1 : 0;
        wired += name.rfind("wired", 0) == 0 ? 1 : 0;
        EXPECT_TRUE(StartsWithPcapMagic(entry.path().string())) << name;
        EXPECT_GT(std::filesystem::file_size(entry.path()), 24u) << name << " has no packets";
    }
    EXPECT_EQ(wifi, 3) << "AP and two phones";
    EXPECT_EQ(wired, 2) << "both ends of the wired link";
}

TEST_F(ExampleCliTest, BadNetworkOptionsAreRefusedInOneLine)
{
    ExpectRefused("--topology=5g", {"unknown --topology '5g'", "wifi-star", "mesh"});
    ExpectRefused("--mobility=random-walk", {"random-walk", "speed > 0"});
    ExpectRefused("--speed=101", {"--speed=101 is out of range"});
    ExpectRefused("--pause=-1", {"--pause=-1 is out of range"});
    ExpectRefused("--topology=lte --cells=17", {"--cells=17", "1 to 16"});
    ExpectRefused("--topology=lte --phones=400", {"--phones=400", "319"});
    ExpectRefused("--topology=lte --propagation=log-distance-nakagami",
                  {"lte", "log-distance-nakagami", "cost231"});
    ExpectRefused("--topology=lte --battery=100", {"--battery", "lte", "draw nothing"});
    ExpectRefused("--topology=wired --battery=100 --phone-model=tinyllama-1.1b",
                  {"--battery", "wired", "engines alone"});
}

// Phones that walk around the AP, and phones in an LTE cell (its pcaps on the SGi link),
// reach the edge server; summary.json records the network.
TEST_F(ExampleCliTest, RunsWithMovingPhonesAndOnLte)
{
    const std::string args = "--cost=roofline --phones=2 --duration=10 --drain=30 --load=0.5 "
                             "--model=tinyllama-1.1b";
    const std::string walk = m_dir + "/walk";
    ExpectOutputs(
        Run(args + " --pcap=false --mobility=random-walk --speed=1.5 --out='" + walk + "'"),
        walk);
    const std::string lte = m_dir + "/lte";
    ExpectOutputs(Run(args + " --pcap=true --topology=lte --out='" + lte + "'"), lte);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(Summary(walk)["scenario"].value("topology", ""), "wifi-star");
    EXPECT_EQ(Summary(walk)["scenario"].value("mobility", ""), "random-walk");
    EXPECT_GT(Completed(walk), 0u);
    EXPECT_EQ(Summary(lte)["scenario"].value("topology", ""), "lte");
    EXPECT_EQ(Summary(lte)["scenario"].value("standard", "?"), "");
    EXPECT_GT(Completed(lte), 0u);
    int sgi = 0;
    for (const auto& entry : std::filesystem::directory_iterator(lte))
    {
        sgi += entry.path().filename().string().rfind("sgi", 0) == 0;
    }
    EXPECT_GT(sgi, 0) << "no SGi pcap";
}

TEST_F(ExampleCliTest, PhonesThatJoinLaterStartLater)
{
    // Phone i joins the AP at 2i s (--join-window=8 over 4 phones), its user 1 s later.
    const std::string out = m_dir + "/join";
    ExpectOutputs(Run("--cost=roofline --phones=4 --duration=12 --drain=30 --load=1 "
                      "--model=tinyllama-1.1b --pcap=false --join-window=8 --out='" +
                      out + "'"),
                  out);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(Summary(out)["scenario"].value("join_window_s", ""), "8");
    const auto rows = ns3::test::ReadCsv(out + "/requests.csv");
    ASSERT_GT(rows.size(), 1u);
    const size_t node = ns3::test::CsvColumn(rows, "node");
    const size_t arrival = ns3::test::CsvColumn(rows, "arrival_s");
    const size_t status = ns3::test::CsvColumn(rows, "status");
    const size_t reason = ns3::test::CsvColumn(rows, "reason");
    std::set<std::string> phones;
    for (size_t r = 1; r < rows.size(); ++r)
    {
        const uint32_t phone = std::stoul(rows[r].at(node)); // phones are nodes 0-3
        ASSERT_LT(phone, 4u);
        EXPECT_GE(std::stod(rows[r].at(arrival)), 1 + 2.0 * phone) << "phone " << phone;
        // Every request reached the server: answered, or refused there (tinyllama's 2,048
        // tokens hold not every sampled prompt).
        EXPECT_TRUE(rows[r].at(status) == "completed" || rows[r].at(reason) == "context-too-long")
            << "phone " << phone << ": " << rows[r].at(status) << " " << rows[r].at(reason);
        phones.insert(rows[r].at(node));
    }
    EXPECT_EQ(phones.size(), 4u) << "every phone joined and sent";
}

TEST_F(MoaExampleCliTest, TooFewNodes)
{
    ExpectRejected("--nodes=1", {"1"});
}

TEST_F(MoaExampleCliTest, MorePeersThanOtherNodes)
{
    ExpectRejected("--nodes=3 --peers=3", {"3"});
}

TEST_F(MoaExampleCliTest, UnknownPolicyListsThePolicies)
{
    ExpectRejected("--policy=closest", {"closest", "uniform", "queue-aware", "proximity"});
}

TEST_F(MoaExampleCliTest, UnknownTopologyListsTheTopologies)
{
    ExpectRejected("--topology=star", {"star", "single-hop", "olsr", "aodv", "mesh"});
}

TEST_F(MoaExampleCliTest, UnknownModelInTheList)
{
    ExpectRejected("--models=llama-3-8b,gpt-5", {"gpt-5"});
}

TEST_F(MoaExampleCliTest, NegativeLambda)
{
    ExpectRejected("--lambda=-0.5", {"--lambda=-0.5"});
}

TEST_F(MoaExampleCliTest, BothLambdaAndRho)
{
    ExpectRejected("--lambda=0.01 --rho=0.5", {"lambda", "rho"});
}

TEST_F(MoaExampleCliTest, ShortIdealRunWritesOutputs)
{
    const std::string outDir = m_dir + "/moa";
    const ExampleRun run = Run("--network=ideal --nodes=4 --cost=constant --alpha=2 --rho=0.5 "
                               "--duration=300 --drain=200 --out='" +
                               outDir + "'");
    ExpectOutputs(run, outDir);
    ASSERT_FALSE(HasFatalFailure());
    const auto rows = ns3::test::ReadCsv(outDir + "/requests.csv");
    EXPECT_GT(rows.size(), 5u);
}
