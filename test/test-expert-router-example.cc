/*
 * edge-llm-expert-router as a user meets it: bad options fail fast with one line (LTE says it
 * is not built), a routed run writes the routing columns and the router section, and the TP
 * baseline runs one engine on the pooled device with no gateway.
 */

#include "example-cli-fixture.h"

#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>

using namespace ns3;
using ns3::test::ExampleRun;
using ns3::test::ReadCsv;
using ns3::test::ReadFile;

namespace
{

class ExpertRouterExampleTest : public ns3::test::ExampleCliFixture
{
  protected:
    ExpertRouterExampleTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-expert-router"))
    {
    }

    /// Runs with `args` into a fresh directory; returns summary.json and the csv's rows.
    nlohmann::json RunSummary(const std::string& args, std::vector<std::vector<std::string>>* rows)
    {
        const std::string dir = m_dir + "/run-" + std::to_string(m_runs++);
        const ExampleRun run = Run(args + " --out='" + dir + "'");
        ExpectOutputs(run, dir);
        *rows = ReadCsv(dir + "/requests.csv");
        return nlohmann::json::parse(ReadFile(dir + "/summary.json"), nullptr, false);
    }
};

/// Column `name` of each data row.
std::vector<std::string>
Column(const std::vector<std::vector<std::string>>& rows, const std::string& name)
{
    std::vector<std::string> values;
    const auto& header = rows.at(0);
    const size_t index = std::find(header.begin(), header.end(), name) - header.begin();
    EXPECT_LT(index, header.size()) << name;
    for (size_t i = 1; i < rows.size(); ++i)
    {
        values.push_back(index < rows[i].size() ? rows[i][index] : "");
    }
    return values;
}

} // namespace

TEST_F(ExpertRouterExampleTest, UnknownAccessListsTheKinds)
{
    ExpectRejected("--access=5g", {"'5g'", "wired, wifi-star, campus, lte"});
    ExpectRejected("--access=lte --users=400 --users-per-node=1", {"400", "319"});
}

TEST_F(ExpertRouterExampleTest, BadOptionsAreRefusedInOneLine)
{
    ExpectRejected("--experts=llama-3-8b@nope", {"llama-3-8b@nope", "nope", "a100-80gb"});
    ExpectRejected("--experts=llama-3-8b", {"'llama-3-8b'", "model@device"});
    ExpectRejected("--experts=bert-base-110m@a100-80gb", {"bert-base-110m", "encoder"});
    ExpectRejected("--classes=chat --experts=llama-3-8b@a100-80gb,llama-3-8b@a100-80gb",
                   {"2 experts for 1 classes"});
    ExpectRejected("--policy=fastest", {"'fastest'", "by-class", "overflow"});
    ExpectRejected("--classes=chat:0", {"chat:0", "> 0"});
    ExpectRejected("--classes=a,b --experts=llama-3-8b@a100-80gb --confusion='1,0,0;0,1,0;0,0,1'",
                   {"--confusion", "(2)"});
    ExpectRejected("--baseline=pp", {"'pp'", "tp"});
    ExpectRejected("--classifier-cost=magic", {"--classifier-cost=magic", "profiled, roofline"});
    ExpectRejected("--baseline=tp --experts=llama-3-8b@a100-80gb,llama-3-8b@h100-sxm",
                   {"--tp-device"});
}

TEST_F(ExpertRouterExampleTest, BadNetworkOptionsAreRefusedInOneLine)
{
    ExpectRefused("--topology=5g", {"unknown --topology '5g'", "wifi-star"});
    ExpectRefused("--topology=wifi-star --mobility=jog --speed=1", {"'jog'", "random-walk"});
    ExpectRefused("--speed=101", {"--speed=101 is out of range"});
    ExpectRefused("--pause=-1", {"--pause=-1 is out of range"});
    ExpectRefused("--topology=lte --cells=17", {"--cells=17", "1 to 16"});
    ExpectRefused("--topology=lte --propagation=log-distance-nakagami --users=4 --users-per-node=2",
                  {"lte", "log-distance-nakagami", "cost231"});
    ExpectRefused("--topology=lte --cells=2 --users=700 --users-per-node=1",
                  {"700", "638", "raise --users-per-node"});
}

// Users that walk around the AP, and users in an LTE cell, reach the gateway and its experts;
// summary.json records the network.
TEST_F(ExpertRouterExampleTest, RunsWithMovingUsersAndOnLte)
{
    const std::string args = "--users=4 --users-per-node=2 --duration=10 --drain=60";
    std::vector<std::vector<std::string>> rows;
    const auto walk =
        RunSummary(args + " --topology=wifi-star --mobility=random-waypoint --speed=2 --pause=1",
                   &rows);
    EXPECT_EQ(walk["scenario"].value("mobility", ""), "random-waypoint");
    EXPECT_EQ(walk["scenario"].value("speed_mps", ""), "2");
    EXPECT_GT(walk["states"].value("completed", 0), 0) << walk.dump();
    const auto lte = RunSummary(args + " --topology=lte --cells=2", &rows);
    EXPECT_EQ(lte["scenario"].value("topology", ""), "lte");
    EXPECT_EQ(lte["scenario"].value("cells", ""), "2");
    EXPECT_GT(lte["states"].value("completed", 0), 0) << lte.dump();
}

TEST_F(ExpertRouterExampleTest, RoutedRunWritesTheRoutingColumnsAndTheRouterSection)
{
    std::vector<std::vector<std::string>> rows;
    const nlohmann::json summary =
        RunSummary("--users=20 --duration=20 --drain=120 --classes=chat,code "
                   "--experts=llama-3-8b@a100-80gb,tinyllama-1.1b@edge-server-l4 "
                   "--confusion='0.7,0.3;0.2,0.8' --seed=3",
                   &rows);
    ASSERT_TRUE(summary.is_object());
    ASSERT_TRUE(summary.contains("router"));
    ASSERT_EQ(summary["engines"].size(), 2u);
    EXPECT_EQ(summary["engines"][0]["model"], "llama-3-8b");
    EXPECT_EQ(summary["engines"][1]["device"], "edge-server-l4");
    const auto kind = Column(rows, "kind");
    const auto cls = Column(rows, "prompt_class");
    const auto given = Column(rows, "classified_as");
    const auto expert = Column(rows, "expert");
    const auto misrouted = Column(rows, "misrouted");
    const auto gateway = Column(rows, "gateway_s");
    const auto classifier = Column(rows, "classifier_s");
    uint64_t routed = 0;
    uint64_t misroutedCount = 0;
    for (size_t i = 0; i < cls.size(); ++i)
    {
        if (cls[i].empty())
        {
            continue;
        }
        ++routed;
        EXPECT_EQ(kind[i], cls[i] == "0" ? "chat" : "code") << i;
        // by-class: the expert is the classified class's; misrouted when it is not the class's.
        EXPECT_EQ(expert[i], given[i]) << i;
        EXPECT_EQ(misrouted[i], expert[i] != cls[i] ? "1" : "0") << i;
        misroutedCount += misrouted[i] == "1";
        EXPECT_GE(std::stod(gateway[i]), std::stod(classifier[i]) - 1e-9) << i;
    }
    EXPECT_GT(routed, 20u);
    EXPECT_EQ(summary["router"]["routed"], routed);
    EXPECT_EQ(summary["router"]["misrouted"], misroutedCount);
    EXPECT_GT(misroutedCount, 0u);
}

TEST_F(ExpertRouterExampleTest, ClassifierCostIsTheProfiledEncoderByDefaultOrTheRoofline)
{
    // Three prompts of 128, 512 and 2,000 tokens, 10 s apart (no queue at the gateway).
    const std::string trace = EDGE_LLM_TEST_DATA_DIR "/../../doc/classifier-prompts.csv";
    std::map<std::string, std::vector<double>> seconds; // cost -> classifier_s per prompt
    for (const std::string cost : {"", "profiled", "roofline"})
    {
        std::vector<std::vector<std::string>> rows;
        const nlohmann::json summary =
            RunSummary("--mode=trace --trace='" + trace + "' --users=1 --duration=30" +
                           (cost.empty() ? "" : " --classifier-cost=" + cost),
                       &rows);
        ASSERT_TRUE(summary.is_object());
        EXPECT_EQ(summary["scenario"]["classifier_cost"], cost.empty() ? "profiled" : cost);
        const auto prompt = Column(rows, "prompt_tokens");
        const auto classifier = Column(rows, "classifier_s");
        ASSERT_EQ(prompt.size(), 3u) << cost;
        for (size_t i = 0; i < prompt.size(); ++i)
        {
            EXPECT_EQ(prompt[i], std::vector<std::string>({"128", "512", "2000"})[i]);
            seconds[cost].push_back(std::stod(classifier[i]));
        }
    }
    EXPECT_EQ(seconds[""], seconds["profiled"]);
    EXPECT_NE(seconds["profiled"], seconds["roofline"]);
    for (const auto& [cost, values] : seconds)
    {
        // Milliseconds on the L4; longer prompts cost more, up to the 512-token truncation.
        EXPECT_GT(values[0], 1e-4) << cost;
        EXPECT_LT(values[1], 2e-2) << cost;
        EXPECT_GT(values[1], values[0]) << cost;
        EXPECT_DOUBLE_EQ(values[2], values[1]) << cost;
    }
}

TEST_F(ExpertRouterExampleTest, TpBaselineIsOneEngineOnThePooledDevice)
{
    std::vector<std::vector<std::string>> rows;
    const nlohmann::json summary =
        RunSummary("--users=10 --duration=10 --drain=300 --baseline=tp --classes=chat,code "
                   "--experts=llama-3-8b@a100-80gb,llama-3-8b@a100-80gb",
                   &rows);
    ASSERT_TRUE(summary.is_object());
    EXPECT_FALSE(summary.contains("router"));
    ASSERT_EQ(summary["engines"].size(), 1u);
    EXPECT_EQ(summary["engines"][0]["model"], "llama-3-70b");
    EXPECT_EQ(summary["engines"][0]["device"], "a100-80gb-x2");
    EXPECT_GT(summary["states"].value("completed", 0u), 0u);
    for (const auto& value : Column(rows, "prompt_class"))
    {
        EXPECT_EQ(value, ""); // no gateway
    }
    for (const auto& value : Column(rows, "kind"))
    {
        EXPECT_TRUE(value == "chat" || value == "code") << value;
    }
}

namespace
{

class ExpertRouterSweepTest : public ns3::test::ExampleCliFixture
{
  protected:
    ExpertRouterSweepTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-expert-router-sweep"))
    {
    }
};

} // namespace

TEST_F(ExpertRouterSweepTest, BadOptionsAreRefusedBeforeAnyRun)
{
    ExpectRejected("--users-list=1,0", {"'0'", "1 to 100000"});
    ExpectRejected("--policies=fastest", {"'fastest'", "by-class"});
    ExpectRejected("--access=5g", {"'5g'", "wired, wifi-star, campus, lte"});
    ExpectRefused("--access=5g", {"unknown --access '5g'"});
    ExpectRefused("--topology=wifi-star --mobility=jog --speed=1", {"'jog'", "random-walk"});
    ExpectRefused("--topology=lte --cells=17", {"--cells=17", "1 to 16"});
}

TEST_F(ExpertRouterSweepTest, WritesOneRowPerConfigurationAndUserCount)
{
    const std::string dir = m_dir + "/sweep";
    const ExampleRun run = Run(
        "--users-list=1,4 --policies=by-class,least-outstanding --duration=20 --out='" + dir + "'");
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto rows = ReadCsv(dir + "/sweep.csv");
    ASSERT_EQ(rows.size(), 1u + 3 * 2); // header, then 3 configurations x 2 user counts
    const auto config = Column(rows, "config");
    const auto users = Column(rows, "users");
    const auto gateway = Column(rows, "gateway_mean_s");
    EXPECT_EQ(config,
              (std::vector<std::string>{"by-class",
                                        "by-class",
                                        "least-outstanding",
                                        "least-outstanding",
                                        "tp",
                                        "tp"}));
    EXPECT_EQ(users, (std::vector<std::string>{"1", "4", "1", "4", "1", "4"}));
    // The baseline has no gateway; the router configurations do.
    EXPECT_FALSE(gateway[0].empty());
    EXPECT_TRUE(gateway[5].empty());
    for (const char* point : {"by-class-1", "least-outstanding-4", "tp-4"})
    {
        EXPECT_TRUE(std::filesystem::exists(dir + "/" + point + "/summary.json")) << point;
    }
}
