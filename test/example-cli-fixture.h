/*
 * Running an example program as a user does: its exit code, stdout and stderr, and the checks
 * every example must pass (a bad option: one line, non-zero exit, no output directory; a good
 * run: the outputs and a last line naming them).
 */
#ifndef EDGE_LLM_EXAMPLE_CLI_FIXTURE_H
#define EDGE_LLM_EXAMPLE_CLI_FIXTURE_H

#include "edge-llm-test-fixture.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace ns3
{
namespace test
{

struct ExampleRun
{
    int exitCode{-1};
    std::string out;
    std::string err;
};

/// Lines of `text`, without empty ones.
inline std::vector<std::string>
Lines(const std::string& text)
{
    std::vector<std::string> lines;
    std::stringstream ss(text);
    std::string line;
    while (std::getline(ss, line))
    {
        if (!line.empty())
        {
            lines.push_back(line);
        }
    }
    return lines;
}

/// The path of the built example `name`.
inline std::string
ExamplePath(const std::string& name)
{
    return std::string(EDGE_LLM_EXAMPLES_DIR) + "/" + name;
}

class ExampleCliFixture : public ns3::test::SimulationTest
{
  protected:
    explicit ExampleCliFixture(std::string example)
        : m_example(std::move(example))
    {
    }

    void SetUp() override
    {
        SimulationTest::SetUp();
        ASSERT_TRUE(std::filesystem::exists(m_example))
            << m_example << " is not built (it is part of the default build)";
        m_dir = TempDir();
    }

    /// Runs the example with `args` (already shell-quoted where needed).
    ExampleRun Run(const std::string& args)
    {
        const std::string out = m_dir + "/stdout";
        const std::string err = m_dir + "/stderr";
        const std::string command =
            "'" + m_example + "' " + args + " >'" + out + "' 2>'" + err + "' </dev/null";
        const int status = std::system(command.c_str());
        ExampleRun run;
        run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        run.out = ReadFile(out);
        run.err = ReadFile(err);
        ExpectNoSanitizerReport(m_example + " " + args, run.err);
        return run;
    }

    /// A bad option: non-zero exit, exactly one line on stderr containing every `needle`, and
    /// no output directory created.
    void ExpectRejected(const std::string& args, const std::vector<std::string>& needles)
    {
        const std::string outDir = m_dir + "/out-" + std::to_string(m_runs++);
        const ExampleRun run = Run(args + " --out='" + outDir + "'");
        EXPECT_NE(run.exitCode, 0) << args;
        m_rejectedExitCode = run.exitCode;
        const auto lines = Lines(run.err);
        EXPECT_EQ(lines.size(), 1u) << args << " wrote on stderr:\n" << run.err;
        for (const auto& needle : needles)
        {
            EXPECT_NE(run.err.find(needle), std::string::npos)
                << args << ": stderr '" << run.err << "' lacks '" << needle << "'";
        }
        EXPECT_FALSE(std::filesystem::exists(outDir)) << args << " created " << outDir;
    }

    /// ExpectRejected, with exit code 2: the code of every program for bad input.
    void ExpectRefused(const std::string& args, const std::vector<std::string>& needles)
    {
        ExpectRejected(args, needles);
        EXPECT_EQ(m_rejectedExitCode, 2) << args;
    }

    /// A run's summary.json (an empty object if it cannot be read).
    static nlohmann::json Summary(const std::string& outDir)
    {
        const auto summary =
            nlohmann::json::parse(ReadFile(outDir + "/summary.json"), nullptr, false);
        return summary.is_discarded() ? nlohmann::json::object() : summary;
    }

    /// The completed requests of a run (0 if its summary has none).
    static uint64_t Completed(const std::string& outDir)
    {
        const auto summary = Summary(outDir);
        return summary.contains("states") ? summary["states"].value("completed", uint64_t{0}) : 0;
    }

    /// A good run: exit 0, a last line naming `outDir`, and the three outputs in it.
    static void ExpectOutputs(const ExampleRun& run, const std::string& outDir)
    {
        ASSERT_EQ(run.exitCode, 0) << run.err;
        const auto lines = Lines(run.out);
        ASSERT_FALSE(lines.empty());
        EXPECT_NE(lines.back().find(outDir), std::string::npos)
            << "last line '" << lines.back() << "' does not name " << outDir;
        for (const char* file : {"requests.csv", "queue.csv", "summary.json"})
        {
            EXPECT_TRUE(std::filesystem::exists(outDir + "/" + file)) << file;
        }
    }

    std::string m_example;
    std::string m_dir;
    int m_runs{0};
    int m_rejectedExitCode{-1}; //!< of the last ExpectRejected
};

} // namespace test
} // namespace ns3

#endif // EDGE_LLM_EXAMPLE_CLI_FIXTURE_H
