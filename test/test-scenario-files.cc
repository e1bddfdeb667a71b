/*
 * The shipped scenario files: each runs with its program (shortened from the command line,
 * which overrides the file), a scenario for another program is refused, --RngRun changes the
 * results and an ns-3 attribute the program sets itself takes effect.
 */
#include "example-cli-fixture.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

namespace
{

using ns3::test::ExampleRun;
using ns3::test::ReadFile;

std::string
Scenario(const std::string& name)
{
    return std::string(EDGE_LLM_SCENARIOS_DIR) + "/" + name;
}

/// A shipped file, its program and the command-line keys that shorten it.
struct ShippedScenario
{
    std::string file;
    std::string program;
    std::string shorten;
};

std::ostream&
operator<<(std::ostream& os, const ShippedScenario& s)
{
    return os << s.file;
}

class ScenarioFileTest : public ns3::test::ExampleCliFixture,
                         public ::testing::WithParamInterface<ShippedScenario>
{
  protected:
    ScenarioFileTest()
        : ExampleCliFixture(ns3::test::ExamplePath(GetParam().program))
    {
    }
};

TEST_P(ScenarioFileTest, RunsShortened)
{
    const ShippedScenario& s = GetParam();
    const std::string path = Scenario(s.file);
    ASSERT_NE(ReadFile(path).find("program: " + s.program), std::string::npos) << path;
    const std::string outDir = m_dir + "/out";
    ExpectOutputs(Run("'" + path + "' " + s.shorten + " --out='" + outDir + "'"), outDir);
    EXPECT_GT(ns3::test::ReadCsv(outDir + "/requests.csv").size(), 1u) << path << ": no requests";
}

const std::vector<ShippedScenario> SHIPPED = {
    {"wifi-star.yaml",
     "edge-llm-wifi-star",
     "--phones=2 --load=0.2 --duration=20 --drain=60 --pcap=false"},
    {"moa-single-hop.yaml", "edge-llm-moa", "--nodes=4 --duration=120 --drain=300"},
    {"moa-multi-hop-olsr.yaml", "edge-llm-moa", "--nodes=6 --duration=120 --drain=300"},
    {"moa-mesh-mobility.yaml", "edge-llm-moa", "--duration=120 --drain=200"},
    {"lte-cell.yaml", "edge-llm-serving", "--users=3 --think=2 --duration=20 --drain=60"},
    {"moa-paper-table1.yaml", "edge-llm-moa", "--layers=1 --peers=1"},
    {"campus.yaml", "edge-llm-serving", "--users=8 --duration=20 --drain=60"},
};

INSTANTIATE_TEST_SUITE_P(Shipped, ScenarioFileTest, ::testing::ValuesIn(SHIPPED));

TEST(ScenarioFiles, EveryShippedFileIsCovered)
{
    std::set<std::string> covered;
    for (const auto& s : SHIPPED)
    {
        covered.insert(s.file);
    }
    for (const auto& entry : std::filesystem::directory_iterator(EDGE_LLM_SCENARIOS_DIR))
    {
        EXPECT_TRUE(covered.count(entry.path().filename().string()))
            << entry.path() << " is shipped but not run by ScenarioFileTest";
    }
}

class MoaPaperTableTest : public ns3::test::ExampleCliFixture
{
  protected:
    MoaPaperTableTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-moa"))
    {
    }

    /// Mean over `runs` replications of each run's mean latency, for M layers and k peers.
    double MeanLatency(uint32_t layers, uint32_t peers, uint32_t runs)
    {
        double sum = 0;
        for (uint32_t r = 1; r <= runs; ++r)
        {
            const std::string outDir = m_dir + "/out-" + std::to_string(m_runs++);
            const ExampleRun run =
                Run("'" + Scenario("moa-paper-table1.yaml") +
                    "' --layers=" + std::to_string(layers) + " --peers=" + std::to_string(peers) +
                    " --run=" + std::to_string(r) + " --out='" + outDir + "'");
            ExpectOutputs(run, outDir);
            const auto summary = nlohmann::json::parse(ReadFile(outDir + "/summary.json"));
            EXPECT_EQ(summary["states"]["completed"], summary["requests"]) << outDir;
            sum += summary["latency_s"]["mean"].get<double>();
        }
        return sum / runs;
    }
};

TEST_F(MoaPaperTableTest, ReproducesTheLatenciesOfTableI)
{
    // Table I of the distributed MoA paper (n = 4, lambda = 1/4, about 10 prompts): mean
    // latency 94.01 s at M = 0 and 1074.28 s at M = 2, k = 3. 20 runs of about 10 prompts
    // leave a standard error of about 7 % of the mean.
    EXPECT_NEAR(MeanLatency(0, 0, 20), 94.01, 0.2 * 94.01);
    EXPECT_NEAR(MeanLatency(2, 3, 20), 1074.28, 0.2 * 1074.28);
}

class WifiStarScenarioTest : public ns3::test::ExampleCliFixture
{
  protected:
    WifiStarScenarioTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-wifi-star"))
    {
    }

    std::string RunShort(const std::string& extra)
    {
        const std::string outDir = m_dir + "/out-" + std::to_string(m_runs++);
        const ExampleRun run = Run("'" + Scenario("wifi-star.yaml") +
                                   "' --phones=2 --load=0.2 --duration=20 --drain=60 "
                                   "--pcap=false " +
                                   extra + " --out='" + outDir + "'");
        ExpectOutputs(run, outDir);
        return outDir;
    }
};

TEST_F(WifiStarScenarioTest, RngRunChangesTheResults)
{
    const std::string first = RunShort("");
    const std::string again = RunShort("--RngRun=1");
    const std::string other = RunShort("--RngRun=2");
    EXPECT_EQ(ReadFile(first + "/requests.csv"), ReadFile(again + "/requests.csv"));
    EXPECT_NE(ReadFile(first + "/requests.csv"), ReadFile(other + "/requests.csv"));
}

TEST_F(WifiStarScenarioTest, AnAttributeTheProgramSetsTakesEffect)
{
    // One waiting job at most: under a burst the server refuses some (queue-full); before,
    // the program's --queue-capacity default silently replaced the attribute.
    const std::string outDir =
        RunShort("--load=5 --scheduler=fcfs --ns3::LlmEngine::QueueCapacity=1");
    EXPECT_NE(ReadFile(outDir + "/requests.csv").find("queue-full"), std::string::npos);
}

TEST_F(WifiStarScenarioTest, AScenarioForAnotherProgramIsRefused)
{
    ExpectRejected("'" + Scenario("moa-single-hop.yaml") + "'",
                   {"moa-single-hop.yaml:", "program: edge-llm-moa is not this program"});
    ExpectRejected("--scenario='" + Scenario("wifi-star.yaml") + "' --phones=3.5",
                   {"--phones=3.5 is not a whole number"});
}

} // namespace
