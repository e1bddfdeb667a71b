/*
 * Determinism of every program as a user runs it: the same command twice writes the same
 * bytes in every output file (requests, queues, summary, pcaps, timeline, FlowMonitor,
 * NetAnim, plots), wall-clock fields aside; another --RngRun changes them.
 */

#include "example-cli-fixture.h"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace
{

using ns3::test::ExampleRun;
using ns3::test::ReadFile;

/// Drops every member whose name mentions wall-clock time ("wall_s"), at any depth.
void
DropWallClock(nlohmann::json& j)
{
    if (j.is_object())
    {
        for (auto it = j.begin(); it != j.end();)
        {
            if (it.key().find("wall") != std::string::npos)
            {
                it = j.erase(it);
            }
            else
            {
                DropWallClock(it.value());
                ++it;
            }
        }
    }
    else if (j.is_array())
    {
        for (auto& element : j)
        {
            DropWallClock(element);
        }
    }
}

struct Program
{
    const char* example;
    const char* args; //!< a short run with every output the program writes
};

class DeterminismTest : public ns3::test::ExampleCliFixture,
                        public ::testing::WithParamInterface<Program>
{
  protected:
    DeterminismTest()
        : ExampleCliFixture(ns3::test::ExamplePath(GetParam().example))
    {
    }

    /// Every output file of one run, by name, wall-clock fields dropped from summary.json.
    std::map<std::string, std::string> Outputs(const std::string& extra)
    {
        const std::string outDir = m_dir + "/out-" + std::to_string(m_runs++);
        const ExampleRun run =
            Run(std::string(GetParam().args) + " " + extra + " --out='" + outDir + "'");
        ExpectOutputs(run, outDir);
        std::map<std::string, std::string> files;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(outDir))
        {
            if (!entry.is_regular_file())
            {
                continue;
            }
            const std::string name = std::filesystem::relative(entry.path(), outDir).string();
            std::string bytes = ReadFile(entry.path().string());
            if (name == "summary.json")
            {
                nlohmann::json summary = nlohmann::json::parse(bytes);
                DropWallClock(summary);
                bytes = summary.dump(1);
            }
            files[name] = bytes;
        }
        return files;
    }
};

TEST_P(DeterminismTest, SameRunSameBytesOtherRunOtherBytes)
{
    const auto first = Outputs("");
    const auto again = Outputs("");
    const auto other = Outputs("--RngRun=2");
    ASSERT_GE(first.size(), 4u) << "requests, queue, summary and at least one other output";
    ASSERT_EQ(first.size(), again.size());
    for (const auto& [name, bytes] : first)
    {
        ASSERT_EQ(again.count(name), 1u) << name << " missing from the second run";
        EXPECT_TRUE(bytes == again.at(name)) << name << " differs between two identical runs";
    }
    // Another run number draws other arrivals and lengths: the request log must change.
    ASSERT_EQ(other.count("requests.csv"), 1u);
    EXPECT_NE(first.at("requests.csv"), other.at("requests.csv"));
    EXPECT_NE(first.at("summary.json"), other.at("summary.json"));
}

const Program PROGRAMS[] = {
    {"edge-llm-wifi-star",
     "--cost=roofline --phones=2 --duration=20 --drain=60 --load=0.3 --pcap=true --timeline "
     "--flowmon --netanim --plots"},
    {"edge-llm-moa",
     "--nodes=4 --cost=constant --alpha=2 --rho=0.5 --duration=120 --drain=200 --pcap=true "
     "--timeline --flowmon --plots"},
    {"edge-llm-split",
     "--access=wifi --clients=2 --load=0.2 --duration=20 --drain=30 --model=tinyllama-1.1b "
     "--sla=2 --pcap=true --timeline --flowmon --plots"},
    {"edge-llm-expert-router",
     "--access=wifi --users=4 --users-per-node=2 --duration=10 --drain=120 --timeline "
     "--flowmon --plots"},
    {"edge-llm-serving",
     "--access=lte --users=4 --users-per-node=2 --duration=10 --drain=120 --pcap=true "
     "--timeline --flowmon --plots"},
};

INSTANTIATE_TEST_SUITE_P(EveryProgram,
                         DeterminismTest,
                         ::testing::ValuesIn(PROGRAMS),
                         [](const ::testing::TestParamInfo<Program>& info) {
                             std::string name = info.param.example;
                             name.erase(0, std::string("edge-llm-").size());
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

} // namespace
