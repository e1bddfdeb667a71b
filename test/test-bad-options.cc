/*
 * Bad input, table-driven, for every example: each row a command line and the fragment its
 * one-line refusal must hold. Rows come from two places: the ranges each program declares
 * (read from its --help: for every ranged option a value below, a value above and text), and
 * a fixed table of inputs users tried. A row that crashes, hangs (10 s), is accepted or writes
 * more than one line fails.
 */
#include "example-cli-fixture.h"

#include <cmath>
#include <filesystem>
#include <gtest/gtest.h>
#include <iomanip>
#include <regex>
#include <sstream>

namespace
{

using ns3::test::ExampleRun;

struct BadRow
{
    std::string program;
    std::string args;
    std::string fragment; //!< the one line must contain it
};

/// Runs `program` with `args` under a 10 s limit.
ExampleRun
RunLimited(const std::string& program, const std::string& args, const std::string& dir)
{
    const std::string out = dir + "/stdout";
    const std::string err = dir + "/stderr";
    const std::string command = "timeout 10 '" + ns3::test::ExamplePath(program) + "' " + args +
                                " --out='" + dir + "/out' >'" + out + "' 2>'" + err +
                                "' </dev/null";
    const int status = std::system(command.c_str());
    ExampleRun run;
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = ns3::test::ReadFile(out);
    run.err = ns3::test::ReadFile(err);
    ns3::test::ExpectNoSanitizerReport(program + " " + args, run.err);
    return run;
}

const std::vector<std::string> PROGRAMS = {"edge-llm-wifi-star",
                                           "edge-llm-serving",
                                           "edge-llm-moa",
                                           "edge-llm-split",
                                           "edge-llm-expert-router"};

/// Rows from the ranges a program's --help shows: "  --name  help [default] (min to max)".
std::vector<BadRow>
RangeRows(const std::string& program, const std::string& dir)
{
    const ExampleRun help = RunLimited(program, "--help", dir);
    EXPECT_EQ(help.exitCode, 0) << program << " --help";
    std::vector<BadRow> rows;
    const std::regex line(R"(^  --([a-z-]+) .*\] \((\S+) to (\S+)\)$)");
    std::stringstream ss(help.out);
    std::string text;
    while (std::getline(ss, text))
    {
        std::smatch m;
        if (!std::regex_match(text, m, line))
        {
            continue;
        }
        const std::string name = m[1];
        const double min = std::stod(m[2]);
        const double max = std::stod(m[3]);
        std::ostringstream below;
        below << (min > 0 ? min / 2 : min - 1);
        std::ostringstream above;
        above << std::setprecision(17) << (max * 10 + 1);
        rows.push_back({program, "--" + name + "=" + below.str(), "--" + name + "="});
        rows.push_back({program, "--" + name + "=" + above.str(), "--" + name + "="});
        rows.push_back({program, "--" + name + "=abc", "--" + name + "=abc is not"});
    }
    return rows;
}

class BadOptionsTest : public ns3::test::SimulationTest
{
  protected:
    void Check(const BadRow& row)
    {
        const ExampleRun run = RunLimited(row.program, row.args, m_dir);
        const std::string where = row.program + " " + row.args;
        EXPECT_EQ(run.exitCode, 2) << where << " (124: hung; -1: crashed)\n" << run.err;
        const auto lines = ns3::test::Lines(run.err);
        ASSERT_EQ(lines.size(), 1u) << where << " wrote:\n" << run.err;
        EXPECT_EQ(lines[0].rfind("error: ", 0), 0u) << where << ": " << lines[0];
        EXPECT_NE(lines[0].find(row.fragment), std::string::npos)
            << where << ": '" << lines[0] << "' lacks '" << row.fragment << "'";
        EXPECT_FALSE(std::filesystem::exists(m_dir + "/out/summary.json")) << where;
    }

    void SetUp() override
    {
        SimulationTest::SetUp();
        m_dir = TempDir();
    }

    std::string m_dir;
};

TEST_F(BadOptionsTest, EveryDeclaredRangeIsEnforced)
{
    size_t rows = 0;
    for (const auto& program : PROGRAMS)
    {
        const std::vector<BadRow> table = RangeRows(program, m_dir);
        EXPECT_GE(table.size(), 9u) << program << " declares few ranges";
        for (const auto& row : table)
        {
            Check(row);
        }
        rows += table.size();
    }
    EXPECT_GE(rows, 200u);
}

TEST_F(BadOptionsTest, InputsUsersTried)
{
    const std::vector<BadRow> table = {
        {"edge-llm-wifi-star", "--seed=0", "--seed=0 is out of range"},
        {"edge-llm-wifi-star", "--seed=-1", "--seed=-1 is not a whole number"},
        {"edge-llm-wifi-star", "--timeout=1e308", "--timeout=1e308 is out of range"},
        {"edge-llm-wifi-star", "--timeout=1e-12", "--timeout=1e-12 is out of range"},
        {"edge-llm-wifi-star", "--phones=-1", "--phones=-1 is not a whole number"},
        {"edge-llm-wifi-star", "--phones=3.7", "--phones=3.7 is not a whole number"},
        {"edge-llm-wifi-star", "--load=0.5abc", "--load=0.5abc is not a finite number"},
        {"edge-llm-wifi-star", "--load=1e308", "--load=1e308 is out of range"},
        {"edge-llm-wifi-star", "--bytes-per-token=-1", "is not a whole number"},
        {"edge-llm-wifi-star", "--ns3::LlmEngine::QueueCapacity=abc", "is not a whole number"},
        {"edge-llm-wifi-star", "--RngRun=abc", "--RngRun=abc is not a whole number"},
        {"edge-llm-wifi-star", "--phonez=3", "unknown option --phonez"},
        {"edge-llm-wifi-star", "--trace=x", "--mode=trace only"},
        {"edge-llm-wifi-star", "--topology=5g", "unknown --topology '5g'"},
        {"edge-llm-wifi-star", "--mobility=jog --speed=1", "unknown mobility model 'jog'"},
        {"edge-llm-wifi-star", "--topology=wired --battery=100", "draw nothing from a battery"},
        {"edge-llm-wifi-star", "--topology=mesh --standard=80211ax", "80211a"},
        {"edge-llm-wifi-star",
         "--topology=lte --join-window=5",
         "--topology=lte does not offer --join-window=5"},
        {"edge-llm-wifi-star", "--join-window=-1", "--join-window=-1 is out of range"},
        {"edge-llm-split", "--topology=wired --fading=epa-3kmh", "does not offer --fading"},
        {"edge-llm-expert-router", "--buildings=2", "wired"},
        {"edge-llm-serving",
         "--topology=lte --distance=2000",
         "--distance=2000: a UE there loses 156.3 dB to its eNB (path loss cost231), more than "
         "the 136.7 dB"},
        {"edge-llm-serving",
         "--topology=campus --aps=4 --buildings=2 --users=8 --users-per-node=1",
         "--buildings=2 on a campus of 4 access points: accepted a multiple of --aps"},
        {"edge-llm-moa", "--alpha=1e308", "--alpha=1e308 is out of range"},
        {"edge-llm-moa", "--peer-timeout=1e308", "--peer-timeout=1e308 is out of range"},
        {"edge-llm-moa", "--spacing=1e308", "--spacing=1e308 is out of range"},
        {"edge-llm-moa", "--nodes=100000", "--nodes=100000 is out of range"},
        {"edge-llm-moa", "--lambda=1e308", "--lambda=1e308 is out of range"},
        {"edge-llm-moa", "--ns3::MoaAgent::PeerTimeout=soon", "is not a time"},
        {"edge-llm-moa",
         "--topology=single-hop --cells=2",
         "--topology=single-hop does not offer --cells=2"},
        {"edge-llm-moa",
         "--topology=wifi-star --fading=epa-3kmh",
         "--topology=wifi-star does not offer --fading=epa-3kmh"},
        {"edge-llm-moa",
         "--topology=lte --join-window=5",
         "--topology=lte does not offer --join-window=5"},
        {"edge-llm-moa",
         "--network=ideal --fading=epa-3kmh",
         "--network=ideal does not offer --fading=epa-3kmh"},
        {"edge-llm-serving", "--users=-1", "--users=-1 is not a whole number"},
        {"edge-llm-serving", "--access=5g", "unknown --access '5g'"},
        {"edge-llm-split",
         "--ns3::LlmEngine::QueueCapacity=3",
         "sets ns3::LlmEngine::QueueCapacity itself"},
        {"edge-llm-split", "--topology=5g", "unknown --topology '5g'"},
        {"edge-llm-split", "--mobility=random-walk", "needs a finite speed > 0"},
        {"edge-llm-expert-router", "--topology=wifi-star --propagation=nope", "'nope'"},
        {"edge-llm-expert-router", "--backbone-rate=-1", "is not a data rate"},
        {"edge-llm-expert-router", "--tp-model=llama-3-8b", "for --baseline=tp only"},
        {"edge-llm-expert-router", "stray", "unexpected argument 'stray'"},
    };
    for (const auto& row : table)
    {
        Check(row);
    }
}

} // namespace
