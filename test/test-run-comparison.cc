/*
 * RunComparison and edge-llm-compare: means and 95 % intervals over runs, the failed share
 * and energy per request from each run's outputs; the tool runs variants x seeds and writes
 * the table, CSV and plot scripts, and refuses bad input in one line.
 */
#include "example-cli-fixture.h"

#include "ns3/edge-llm-module.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace
{

using ns3::MeanInterval;
using ns3::RunComparison;
using ns3::test::ExampleRun;
using ns3::test::ReadFile;

class RunComparisonTest : public ns3::test::SimulationTest
{
  protected:
    /// A run's outputs: `completed` requests of latency `latency` s, one failed, `energy` J.
    std::string WriteRun(double latency, int completed, double energy)
    {
        const std::string dir = TempDir();
        std::ofstream(dir + "/summary.json")
            << "{\"requests\": " << completed + 1 << ", \"states\": {\"completed\": " << completed
            << ", \"failed: timeout\": 1}, \"latency_s\": {\"mean\": " << latency
            << ", \"p50\": " << latency << ", \"p95\": " << latency
            << "}, \"ttft_s\": {\"mean\": null}, \"throughput_rps\": 2, "
               "\"application_bytes\": 100, \"engines\": [{\"energy_j\": "
            << energy << "}]}";
        std::ofstream csv(dir + "/requests.csv");
        csv << "request_id,status,latency_s\n";
        for (int i = 0; i < completed; ++i)
        {
            csv << i << ",completed," << latency << "\n";
        }
        csv << completed << ",failed,\n";
        return dir;
    }
};

TEST_F(RunComparisonTest, MeansIntervalsAndPerRequestMetrics)
{
    RunComparison comparison;
    comparison.AddRun("a", WriteRun(10, 3, 30));
    comparison.AddRun("a", WriteRun(12, 3, 30));
    comparison.AddRun("a", WriteRun(14, 3, 30));
    comparison.AddRun("b", WriteRun(5, 1, 8));

    const MeanInterval a = comparison.Get("a", "latency_mean_s");
    EXPECT_EQ(a.samples, 3u);
    EXPECT_DOUBLE_EQ(a.mean, 12);
    // sd 2 over 3 runs: t(0.975, 2) = 4.3027 -> 4.3027 * 2 / sqrt(3)
    EXPECT_NEAR(a.halfWidth, 4.3027 * 2 / std::sqrt(3.0), 1e-3);
    EXPECT_DOUBLE_EQ(comparison.Get("a", "failed_share").mean, 0.25);
    EXPECT_DOUBLE_EQ(comparison.Get("a", "energy_per_request_j").mean, 10);
    EXPECT_DOUBLE_EQ(comparison.Get("a", "bytes_per_request").mean, 25);
    EXPECT_EQ(comparison.Get("a", "ttft_mean_s").samples, 0u) << "null is no sample";
    const MeanInterval b = comparison.Get("b", "latency_mean_s");
    EXPECT_EQ(b.samples, 1u);
    EXPECT_EQ(b.halfWidth, 0);
    EXPECT_EQ(comparison.Latencies("a").size(), 9u);
    EXPECT_EQ(comparison.GetVariants(), (std::vector<std::string>{"a", "b"}));

    const std::string dir = TempDir();
    comparison.Write(dir, "test");
    const std::string csv = ReadFile(dir + "/compare.csv");
    EXPECT_NE(csv.find("a,latency_mean_s,12,"), std::string::npos) << csv;
    EXPECT_TRUE(std::filesystem::exists(dir + "/latency-cdf.plt"));
    EXPECT_TRUE(std::filesystem::exists(dir + "/per-variant.plt"));
    EXPECT_THROW(comparison.AddRun("c", TempDir()), std::runtime_error);
}

class CompareToolTest : public ns3::test::ExampleCliFixture
{
  protected:
    CompareToolTest()
        : ExampleCliFixture(EDGE_LLM_COMPARE_TOOL)
    {
    }

    std::string Scenario() const
    {
        return std::string(EDGE_LLM_SCENARIOS_DIR) + "/wifi-star.yaml";
    }
};

TEST_F(CompareToolTest, RunsVariantsTimesSeedsAndWritesTheTable)
{
    const std::string outDir = m_dir + "/cmp";
    const ExampleRun run = Run("'" + Scenario() +
                               "' --vary=distance=5,40 --seeds=2 --jobs=2 --phones=2 --load=0.2 "
                               "--duration=20 --drain=60 --pcap=false --out='" +
                               outDir + "'");
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_NE(run.out.find("distance=5 "), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("distance=40 "), std::string::npos) << run.out;
    const auto rows = ns3::test::ReadCsv(outDir + "/compare.csv");
    EXPECT_EQ(rows.size(), 1 + 2 * RunComparison::Metrics().size());
    for (const char* file : {"latency-cdf.plt", "per-variant.plt"})
    {
        EXPECT_TRUE(std::filesystem::exists(outDir + "/" + file)) << file;
    }
    for (const char* variant : {"distance=5", "distance=40"})
    {
        for (int r = 1; r <= 2; ++r)
        {
            EXPECT_TRUE(std::filesystem::exists(outDir + "/runs/" + variant + "/run-" +
                                                std::to_string(r) + "/summary.json"));
        }
    }
    // Two seeds are two run numbers: their outputs differ.
    EXPECT_NE(ReadFile(outDir + "/runs/distance=5/run-1/requests.csv"),
              ReadFile(outDir + "/runs/distance=5/run-2/requests.csv"));
}

// The default scenario on other networks: --vary=topology reaches the wifi-star program's
// --topology, and each variant's phones complete requests on their own network.
TEST_F(CompareToolTest, VariesTheTopologyOfTheWifiStarScenario)
{
    const std::string outDir = m_dir + "/topologies";
    const ExampleRun run = Run("'" + Scenario() +
                               "' --vary=topology=wifi-star,mesh,lte --seeds=1 --jobs=2 "
                               "--phones=2 --load=0.5 --cost=roofline --model=tinyllama-1.1b "
                               "--duration=5 --drain=30 --pcap=false --out='" +
                               outDir + "'");
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto rows = ns3::test::ReadCsv(outDir + "/compare.csv");
    EXPECT_EQ(rows.size(), 1 + 3 * RunComparison::Metrics().size());
    for (const std::string kind : {"wifi-star", "mesh", "lte"})
    {
        EXPECT_NE(run.out.find("topology=" + kind + " "), std::string::npos) << run.out;
        const std::string dir = outDir + "/runs/topology=" + kind + "/run-1";
        EXPECT_EQ(Summary(dir)["scenario"].value("topology", ""), kind);
        EXPECT_GT(Completed(dir), 0u) << dir;
    }
}

TEST_F(CompareToolTest, MpiRanksGiveTheLocalComparison)
{
    // Two ranks on this machine (mpirun as root needs the two OMPI_ALLOW variables; an empty
    // rsh agent starts local ranks without ssh), against one process running all the runs:
    // the merged compare.csv is the same, byte for byte. Under ./edge-llm sanitize, OpenMPI
    // leaks at exit; full stacks (slow unwinding, these ranks only) let
    // test/sanitizers/lsan.supp name its libraries. Without a sanitizer the option is unused.
    const std::string args = "'" + Scenario() +
                             "' --vary=distance=5,40 --seeds=3 --jobs=1 --phones=2 --load=0.2 "
                             "--duration=20 --drain=60 --pcap=false";
    const ExampleRun local = Run(args + " --out='" + m_dir + "/local'");
    ASSERT_EQ(local.exitCode, 0) << local.err;
    const std::string command =
        "ASAN_OPTIONS=\"$ASAN_OPTIONS:fast_unwind_on_malloc=0\" "
        "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_plm_rsh_agent= "
        "mpirun -np 2 --oversubscribe "
        "'" +
        std::string(EDGE_LLM_COMPARE_TOOL) + "' " + args + " --out='" + m_dir + "/mpi' >'" + m_dir +
        "/mpi.log' 2>&1 </dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile(m_dir + "/mpi.log");
    ns3::test::ExpectNoSanitizerReport("mpirun", ReadFile(m_dir + "/mpi.log"));
    EXPECT_EQ(ReadFile(m_dir + "/mpi/compare.csv"), ReadFile(m_dir + "/local/compare.csv"));
    EXPECT_NE(ReadFile(m_dir + "/mpi.log").find("on each of 2 ranks"), std::string::npos);
}

TEST_F(CompareToolTest, RefusesBadInputInOneLine)
{
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"--vary=phones=1", "first argument must be a scenario file"},
        {"'" + Scenario() + "' --vary=phones", "must be KEY=V1,V2"},
        {"'" + Scenario() + "' --seeds=0", "--seeds=0 must be 1 to 1000"},
        {"'" + Scenario() + "' --seeds=2.5", "--seeds=2.5 is not a whole number"},
        {"'" + Scenario() + "' --run=3", "sets --run of each run itself"},
        {"'" + std::string(EDGE_LLM_TEST_DATA_DIR) + "/none.yaml'", "cannot read scenario file"},
        {"'" + Scenario() + "' --vary=phones=0 --duration=5 --pcap=false",
         "failed (exit 2): error: --phones=0 is out of range"},
    };
    for (const auto& [args, message] : rows)
    {
        const ExampleRun run = Run(args + " --out='" + m_dir + "/bad'");
        EXPECT_EQ(run.exitCode, 2) << args;
        const auto lines = ns3::test::Lines(run.err);
        ASSERT_FALSE(lines.empty()) << args;
        EXPECT_NE(lines.back().find(message), std::string::npos)
            << args << ": '" << lines.back() << "' lacks '" << message << "'";
        EXPECT_FALSE(std::filesystem::exists(m_dir + "/bad/compare.csv")) << args;
    }
}

} // namespace
