/*
 * The optional outputs of every run: --timeline (Chrome trace events: every job on its
 * engine's track, every request with its stages or transfers), --flowmon (FlowMonitor),
 * --netanim, --plots (gnuplot script and PNGs); none of them without their option.
 */
#include "example-cli-fixture.h"

#include "ns3/device-profile.h"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace
{

using ns3::test::ExampleRun;
using ns3::test::ReadFile;

class RunOutputsTest : public ns3::test::ExampleCliFixture
{
  protected:
    RunOutputsTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-wifi-star"))
    {
    }

    std::string RunShort(const std::string& extra)
    {
        const std::string outDir = m_dir + "/out-" + std::to_string(m_runs++);
        ExpectOutputs(Run("--phones=3 --load=0.1 --duration=60 --drain=60 --pcap=false " + extra +
                          " --out='" + outDir + "'"),
                      outDir);
        return outDir;
    }
};

TEST_F(RunOutputsTest, TimelineHoldsEveryJobAndRequest)
{
    const std::string outDir = RunShort("--timeline");
    const auto summary = nlohmann::json::parse(ReadFile(outDir + "/summary.json"));
    const auto timeline = nlohmann::json::parse(ReadFile(outDir + "/timeline.json"));
    uint64_t jobsBegun = 0;
    uint64_t jobsEnded = 0;
    uint64_t requests = 0;
    uint64_t uplinks = 0;
    uint64_t firstTokens = 0;
    for (const auto& event : timeline["traceEvents"])
    {
        const std::string ph = event["ph"];
        const std::string category = event.value("cat", "");
        const std::string name = event.value("name", "");
        jobsBegun += ph == "b" && category == "job";
        jobsEnded += ph == "e" && category == "job";
        requests += ph == "b" && category == "request" && name == "chat";
        uplinks += ph == "b" && name == "uplink";
        firstTokens += ph == "i" && name == "first token";
        if (ph != "M")
        {
            EXPECT_GE(event["ts"].get<double>(), 0) << event;
        }
    }
    uint64_t jobsCompleted = 0;
    for (const auto& engine : summary["engines"])
    {
        jobsCompleted += engine["jobs_completed"].get<uint64_t>();
    }
    EXPECT_GT(jobsCompleted, 0u);
    EXPECT_EQ(jobsBegun, jobsCompleted);
    EXPECT_EQ(jobsEnded, jobsCompleted);
    EXPECT_EQ(requests, summary["requests"].get<uint64_t>());
    EXPECT_EQ(uplinks, summary["requests"].get<uint64_t>()) << "one job per request here";
    EXPECT_EQ(firstTokens, summary["states"]["completed"].get<uint64_t>());
    EXPECT_FALSE(std::filesystem::exists(outDir + "/timeline.json.partial"));
}

TEST_F(RunOutputsTest, FlowMonitorNetAnimAndPlots)
{
    const std::string outDir = RunShort("--flowmon --netanim --plots");
    const std::string flows = ReadFile(outDir + "/flowmon.xml");
    EXPECT_NE(flows.find("<FlowStats>"), std::string::npos);
    EXPECT_NE(flows.find("<Flow flowId=\"1\""), std::string::npos);
    EXPECT_NE(flows.find("<Ipv4FlowClassifier>"), std::string::npos);
    EXPECT_NE(ReadFile(outDir + "/netanim.xml").find("<anim"), std::string::npos);
    const std::string plt = ReadFile(outDir + "/plots.plt");
    EXPECT_NE(plt.find("latency-cdf.png"), std::string::npos);
    EXPECT_NE(plt.find("engine node"), std::string::npos);
    if (std::system("command -v gnuplot >/dev/null 2>&1") == 0)
    {
        EXPECT_GT(std::filesystem::file_size(outDir + "/latency-cdf.png"), 1000u);
        EXPECT_GT(std::filesystem::file_size(outDir + "/queue.png"), 1000u);
    }
}

TEST_F(RunOutputsTest, EnergyPerRequestIsItsShareOfTheServersBusyEnergy)
{
    // energy_j: the request's compute share at the L4's active power; over all requests, the
    // engine's busy time at that power (its summary energy less the idle part).
    const std::string outDir = RunShort("");
    const auto rows = ns3::test::ReadCsv(outDir + "/requests.csv");
    const auto summary = nlohmann::json::parse(ReadFile(outDir + "/summary.json"));
    const ns3::DeviceProfile l4 = ns3::DeviceProfile::Preset("edge-server-l4");
    ASSERT_GT(l4.activePowerW, l4.idlePowerW);
    double energy = 0;
    for (size_t i = 1; i < rows.size(); ++i)
    {
        const auto& header = rows[0];
        const auto column = [&](const std::string& name) {
            return rows[i][std::find(header.begin(), header.end(), name) - header.begin()];
        };
        const double work = column("work_s").empty() ? 0 : std::stod(column("work_s"));
        const double joules = std::stod(column("energy_j"));
        EXPECT_NEAR(joules, work * l4.activePowerW, 1e-6 * (1 + joules)) << "row " << i;
        energy += joules;
    }
    const auto& engine = summary["engines"][0];
    const double simulated = summary["simulated_s"].get<double>();
    const double busy = engine["utilisation"].get<double>() * simulated;
    EXPECT_GT(energy, 0);
    EXPECT_NEAR(energy, busy * l4.activePowerW, 1e-6 * energy);
    EXPECT_NEAR(engine["energy_j"].get<double>(),
                energy + (simulated - busy) * l4.idlePowerW,
                1e-6 * energy);
}

TEST_F(RunOutputsTest, NothingOptionalWithoutItsOption)
{
    const std::string outDir = RunShort("");
    for (const char* file :
         {"timeline.json", "flowmon.xml", "netanim.xml", "plots.plt", "latency-cdf.png"})
    {
        EXPECT_FALSE(std::filesystem::exists(outDir + "/" + file)) << file;
    }
}

} // namespace
