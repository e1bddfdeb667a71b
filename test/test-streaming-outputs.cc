/*
 * Streaming outputs: a RequestLog that streams its rows (small chunks, so that several go
 * through temporary files) and a QueueLog that keeps no series give the same requests.csv and
 * summary.json, byte for byte, as logs that keep everything until the end; SpillingSample's
 * figures equal Distribution::Of's for the same values.
 *
 *   clients ==== wired LAN ==== server (LlmServer + LlmEngine, short queue: some refusals)
 */

#include "edge-llm-test-fixture.h"

#include "ns3/csv-number.h"
#include "ns3/llm-app-helper.h"
#include "ns3/llm-engine-helper.h"
#include "ns3/llm-run-helper.h"
#include "ns3/llm-user-application.h"
#include "ns3/request-statistics.h"
#include "ns3/spilling-sample.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"
#include "ns3/wired-lan-helper.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <gtest/gtest.h>
#include <random>
#include <set>
#include <vector>

using namespace ns3;
using ns3::test::ReadFile;

namespace
{

class StreamingOutputsTest : public ns3::test::SimulationTest
{
};

/// Bit-for-bit equality of two doubles (NaN equal to NaN).
void
ExpectSameBits(double a, double b, const char* what)
{
    EXPECT_EQ(std::memcmp(&a, &b, sizeof(double)), 0) << what << ": " << a << " vs " << b;
}

void
ExpectSame(const Distribution& a, const Distribution& b)
{
    EXPECT_EQ(a.count, b.count);
    ExpectSameBits(a.mean, b.mean, "mean");
    ExpectSameBits(a.p50, b.p50, "p50");
    ExpectSameBits(a.p95, b.p95, "p95");
    ExpectSameBits(a.p99, b.p99, "p99");
    ExpectSameBits(a.max, b.max, "max");
}

} // namespace

TEST(CsvNumber, SameTextAsPrintf)
{
    std::mt19937_64 random(11);
    std::uniform_real_distribution<double> seconds(0, 100000);
    std::vector<double> values = {0.0, -0.0, 1.0, 0.1, 1e-9, 123456789.0, 1234567890.0, 5e-324};
    for (int i = 0; i < 200000; ++i)
    {
        uint64_t bits = random();
        double any;
        std::memcpy(&any, &bits, sizeof(double));
        if (std::isfinite(any))
        {
            values.push_back(any);
        }
        values.push_back(seconds(random));
        values.push_back(std::round(seconds(random) * 1e6) / 1e6);
        values.push_back(i * 1e-9);
    }
    for (double v : values)
    {
        char expected[64];
        std::snprintf(expected, sizeof(expected), "%.9g", v);
        std::string text;
        AppendCsvNumber(text, v);
        ASSERT_EQ(text, expected);
    }
}

TEST(SpillingSample, SameFiguresAsAVectorForAnyChunk)
{
    std::mt19937_64 random(7);
    std::lognormal_distribution<double> draw(0, 1.5);
    for (const size_t n : {0, 1, 2, 3, 10, 101, 5000})
    {
        std::vector<double> values;
        for (size_t i = 0; i < n; ++i)
        {
            // Ties too: a third of the values repeat an earlier one.
            values.push_back(i > 0 && i % 3 == 0 ? values[i / 2] : draw(random));
        }
        const Distribution expected = Distribution::Of(values);
        for (const uint64_t chunk : {1, 2, 7, 1000, 1 << 18})
        {
            SCOPED_TRACE("n " + std::to_string(n) + ", chunk " + std::to_string(chunk));
            SpillingSample sample(chunk);
            for (double v : values)
            {
                sample.Add(v);
            }
            EXPECT_EQ(sample.GetCount(), n);
            ExpectSame(sample.Summarise(), expected);
        }
    }
}

TEST_F(StreamingOutputsTest, StreamedOutputsEqualKeptOnes)
{
    WiredLanHelper lanHelper;
    const WiredLan lan = lanHelper.Install(6);
    LlmEngineHelper engines;
    engines.SetCostModel("ns3::RooflineCostModel");
    engines.SetCostModelAttribute("Model", StringValue("llama-3-8b"));
    engines.SetCostModelAttribute("Device", StringValue("edge-server-l4"));
    engines.SetEngineAttribute("QueueCapacity", UintegerValue(3));
    engines.SetScheduler("ns3::FcfsScheduler");
    Ptr<LlmEngine> engine = engines.Install(lan.server.Get(0));
    const uint32_t serverNode = lan.server.Get(0)->GetId();
    LlmServerHelper servers(8000);
    servers.Install(lan.server).Start(Seconds(0));
    LlmClientHelper clients(lan.serverAddress, 8000);
    clients.SetWorkloadAttribute("Interarrival",
                                 StringValue("ns3::ExponentialRandomVariable[Mean=2]"));
    clients.SetWorkloadAttribute("PromptTokens",
                                 StringValue("ns3::UniformRandomVariable[Min=20|Max=400]"));
    clients.SetWorkloadAttribute("OutputTokens",
                                 StringValue("ns3::UniformRandomVariable[Min=2|Max=60]"));
    clients.SetAttribute("Timeout", TimeValue(Seconds(20)));
    ApplicationContainer apps = clients.Install(lan.clients);
    LlmClientHelper::AssignStreams(apps, 1000);
    apps.Start(Seconds(0.1));

    const std::string dir = TempDir();
    LlmRunHelper runner(dir + "/streamed");
    // Chunks of 3 rows: most rows go through the temporary file and the merge.
    runner.GetRequestLog()->Open(runner.Path("requests.csv"), 3);
    runner.WatchClients(apps);
    runner.WatchEngine(engine, serverNode);
    // The same run seen by logs that keep everything until the end.
    Ptr<RequestLog> kept = CreateObject<RequestLog>();
    Ptr<QueueLog> keptQueues = CreateObject<QueueLog>();
    keptQueues->Open(dir + "/queue.csv");
    for (auto it = apps.Begin(); it != apps.End(); ++it)
    {
        kept->WatchClient(DynamicCast<LlmUserApplication>(*it));
    }
    kept->WatchEngine(engine, serverNode);
    keptQueues->Watch(engine, serverNode);

    const Time issueUntil = Seconds(60);
    RunSummary streamed = runner.Run(issueUntil, Seconds(30));
    EXPECT_TRUE(runner.GetRequestLog()->GetRows().empty()) << "every row was written";
    EXPECT_EQ(runner.GetRequestLog()->GetLateEvents(), 0u);

    Time firstArrival = issueUntil;
    for (const auto& [id, row] : kept->GetRows())
    {
        firstArrival = Min(firstArrival, row.record.arrival);
    }
    RunSummary expected = RunSummary::Compute(*kept,
                                              *keptQueues,
                                              {{serverNode, engine}},
                                              Simulator::Now(),
                                              firstArrival,
                                              Min(issueUntil, Simulator::Now()));
    keptQueues->Close();
    kept->WriteCsv(dir + "/requests.csv");
    ASSERT_GT(kept->GetRows().size(), 100u);
    const auto states = kept->CountByState();
    EXPECT_GT(states.count("failed: queue-full"), 0u) << "refusals are among the rows";
    EXPECT_EQ(streamed.requests, kept->GetRows().size());

    EXPECT_EQ(ReadFile(runner.Path("requests.csv")), ReadFile(dir + "/requests.csv"));
    EXPECT_EQ(ReadFile(runner.Path("queue.csv")), ReadFile(dir + "/queue.csv"));
    expected.scenario = streamed.scenario;
    expected.wallSeconds = streamed.wallSeconds;
    expected.WriteJson(dir + "/summary.json");
    EXPECT_EQ(ReadFile(runner.Path("summary.json")), ReadFile(dir + "/summary.json"));
    ExpectSame(streamed.latency, expected.latency);
    EXPECT_EQ(streamed.engines.at(0).queueTrend.windowMeans,
              expected.engines.at(0).queueTrend.windowMeans);
}

TEST_F(StreamingOutputsTest, EventsAfterARowWasWrittenAreCountedNotDuplicated)
{
    // Users give up (timeout 0.5 s) before their request has even crossed a 0.2 s link: the
    // row is written at the timeout, and the server's job for it comes later.
    WiredLanHelper lanHelper;
    lanHelper.SetDelay(0.2);
    const WiredLan lan = lanHelper.Install(2);
    LlmEngineHelper engines;
    engines.SetCostModel("ns3::RooflineCostModel");
    engines.SetCostModelAttribute("Model", StringValue("llama-3-8b"));
    engines.SetCostModelAttribute("Device", StringValue("a100-80gb"));
    Ptr<LlmEngine> engine = engines.Install(lan.server.Get(0));
    LlmServerHelper servers(8000);
    servers.Install(lan.server).Start(Seconds(0));
    LlmClientHelper clients(lan.serverAddress, 8000);
    clients.SetWorkloadAttribute("Interarrival",
                                 StringValue("ns3::ExponentialRandomVariable[Mean=3]"));
    clients.SetAttribute("Timeout", TimeValue(Seconds(0.5)));
    ApplicationContainer apps = clients.Install(lan.clients);
    LlmClientHelper::AssignStreams(apps, 1000);
    apps.Start(Seconds(0.1));

    LlmRunHelper runner(TempDir());
    runner.GetRequestLog()->Open(runner.Path("requests.csv"), 2);
    runner.WatchClients(apps);
    runner.WatchEngine(engine, lan.server.Get(0)->GetId());
    const RunSummary summary = runner.Run(Seconds(30), Seconds(10));
    EXPECT_GT(runner.GetRequestLog()->GetLateEvents(), 0u);
    const auto rows = ns3::test::ReadCsv(runner.Path("requests.csv"));
    ASSERT_GT(rows.size(), 3u);
    EXPECT_EQ(rows.size() - 1, summary.requests);
    std::set<std::string> ids;
    for (size_t i = 1; i < rows.size(); ++i)
    {
        EXPECT_TRUE(ids.insert(rows[i][0]).second) << "request " << rows[i][0] << " twice";
        EXPECT_EQ(rows[i][7], "failed");
        EXPECT_EQ(rows[i][8], "timeout");
    }
    EXPECT_EQ(summary.states.at("failed: timeout"), summary.requests);
}
