/*
 * edge-llm-serving as a user meets it: bad options fail fast with one line, a good run writes
 * its outputs; continuous batching against fcfs on the same users, over the LAN and Wi-Fi,
 * read from requests.csv and summary.json.
 */

#include "example-cli-fixture.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace ns3;
using ns3::test::ExampleRun;
using ns3::test::ReadCsv;
using ns3::test::ReadFile;

namespace
{

class ServingExampleTest : public ns3::test::ExampleCliFixture
{
  protected:
    ServingExampleTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-serving"))
    {
    }

    /// Runs with `args` into a fresh directory; returns summary.json (fails the test on error).
    nlohmann::json RunSummary(const std::string& args, std::string* outDir = nullptr)
    {
        const std::string dir = m_dir + "/run-" + std::to_string(m_runs++);
        const ExampleRun run = Run(args + " --out='" + dir + "'");
        ExpectOutputs(run, dir);
        if (outDir)
        {
            *outDir = dir;
        }
        return nlohmann::json::parse(ReadFile(dir + "/summary.json"), nullptr, false);
    }
};

/// The value of `column` in each data row of a requests.csv.
std::vector<std::string>
Column(const std::vector<std::vector<std::string>>& rows, const std::string& column)
{
    std::vector<std::string> values;
    if (rows.empty())
    {
        return values;
    }
    const auto& header = rows[0];
    const size_t index = std::find(header.begin(), header.end(), column) - header.begin();
    for (size_t i = 1; i < rows.size(); ++i)
    {
        values.push_back(index < rows[i].size() ? rows[i][index] : "");
    }
    return values;
}

} // namespace

TEST_F(ServingExampleTest, BadOptionsAreOneLine)
{
    ExpectRejected("--scheduler=magic", {"magic", "fcfs", "continuous"});
    ExpectRejected("--mode=burst", {"burst", "closed-loop"});
    ExpectRejected("--access=5g", {"5g", "wired", "wifi", "lte"});
    ExpectRejected("--access=lte --users=400 --users-per-node=1", {"400", "319"});
    ExpectRejected("--users=0", {"--users=0"});
    ExpectRejected("--max-num-seqs=0", {"--max-num-seqs=0 is out of range", "1 to"});
    ExpectRejected("--max-batched-tokens=8", {"MaxNumBatchedTokens=8"});
    ExpectRejected("--memory-utilization=1.5",
                   {"--memory-utilization=1.5 is out of range", "to 1)"});
    ExpectRejected("--memory-utilization=0", {"--memory-utilization=0 is out of range"});
    ExpectRejected("--model=llama-3-8b --server-device=edge-server-l4 --memory-utilization=0.6",
                   {"weights take"});
    ExpectRejected("--model=llama-3-70b --server-device=a100-80gb", {"llama-3-70b", "a100-80gb"});
    ExpectRejected("--mode=poisson --rate=0", {"--rate=0"});
    ExpectRejected("--mode=trace", {"--trace"});
    ExpectRejected("--access=wifi --users=2008 --users-per-node=1", {"2008", "2007"});
}

TEST_F(ServingExampleTest, BatchingServesTheSameUsersFasterThanFcfs)
{
    // 40 closed-loop users, fixed lengths, 120 s: a batching A100 against one at a time.
    const std::string common = "--users=40 --think=2 --prompt-tokens=256 --output-tokens=64 "
                               "--duration=120 --drain=600 --timeout=1000";
    std::string batchedDir;
    const nlohmann::json batched = RunSummary(common + " --scheduler=continuous", &batchedDir);
    const nlohmann::json fcfs = RunSummary(common + " --scheduler=fcfs");
    ASSERT_FALSE(HasFatalFailure());
    const auto& b = batched["engines"][0];
    const auto& f = fcfs["engines"][0];
    EXPECT_EQ(b["scheduler"], "continuous");
    EXPECT_EQ(f["scheduler"], "fcfs");
    EXPECT_GT(b["mean_batch_size"].get<double>(), 5.0);
    EXPECT_DOUBLE_EQ(f["mean_batch_size"].get<double>(), 1.0);
    EXPECT_GT(b["kv_blocks"].get<uint64_t>(), 1000u);
    EXPECT_EQ(f["kv_blocks"].get<uint64_t>(), 0u);
    // Batching: several times the throughput, far shorter latency for the same users.
    EXPECT_GT(batched["output_tokens_per_s"].get<double>(),
              3 * fcfs["output_tokens_per_s"].get<double>());
    EXPECT_LT(batched["latency_s"]["mean"].get<double>(),
              fcfs["latency_s"]["mean"].get<double>() / 3);
    // Every request ended once; with room for all, nothing was preempted.
    EXPECT_EQ(batched["states"].size(), 1u) << batched["states"].dump();
    EXPECT_EQ(b["preemptions"].get<uint64_t>(), 0u);
    const auto rows = ReadCsv(batchedDir + "/requests.csv");
    ASSERT_GT(rows.size(), 100u);
    for (const std::string& itl : Column(rows, "itl_s"))
    {
        ASSERT_FALSE(itl.empty());
        EXPECT_GT(std::stod(itl), 0.005); // an A100 decode step of Llama-3-8B is ~10 ms
        EXPECT_LT(std::stod(itl), 0.1);
    }
    for (const std::string& p : Column(rows, "preemptions"))
    {
        EXPECT_EQ(p, "0");
    }
}

TEST_F(ServingExampleTest, TightMemoryPreemptsAndEveryRequestEndsOnce)
{
    std::string dir;
    const nlohmann::json s = RunSummary("--users=60 --think=0.5 --prompt-tokens=1500 "
                                        "--output-tokens=1500 --memory-utilization=0.21 "
                                        "--duration=60 --drain=0",
                                        &dir);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_GT(s["engines"][0]["preemptions"].get<uint64_t>(), 0u);
    const auto rows = ReadCsv(dir + "/requests.csv");
    uint64_t preempted = 0;
    for (const std::string& p : Column(rows, "preemptions"))
    {
        preempted += std::stoul(p);
    }
    EXPECT_GT(preempted, 0u);
    uint64_t ended = 0;
    for (const auto& [state, count] : s["states"].items())
    {
        ended += count.get<uint64_t>();
    }
    EXPECT_EQ(ended, s["requests"].get<uint64_t>());
    EXPECT_EQ(rows.size() - 1, s["requests"].get<uint64_t>());
}

TEST_F(ServingExampleTest, UsersBehindWifi)
{
    const nlohmann::json s = RunSummary("--access=wifi --users=20 --think=2 --prompt-tokens=200 "
                                        "--output-tokens=50 --duration=30 --drain=120");
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(s["scenario"]["topology"], "wifi-star"); // --access=wifi: the old names
    EXPECT_GT(s["states"]["completed"].get<uint64_t>(), 20u);
    // The radio is in the path: some network time, more than on a LAN.
    EXPECT_GT(s["network_s"]["mean"].get<double>(), 0.0005);
}
