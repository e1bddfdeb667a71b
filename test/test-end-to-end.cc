/*
 * End to end: phones on an 802.11ax access point send prompts to a wired edge server; the run
 * helper writes requests.csv, queue.csv and summary.json, which must agree with each other,
 * with what the clients issued, and with the cost model.
 *
 *   phones (STA) ))) AP ==== 1 Gb/s ==== server (LlmServer + LlmEngine)
 */

#include "edge-llm-test-fixture.h"

#include "ns3/double.h"
#include "ns3/llm-app-helper.h"
#include "ns3/llm-client.h"
#include "ns3/llm-engine-helper.h"
#include "ns3/llm-run-helper.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-star-helper.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

using namespace ns3;
using ns3::test::ReadCsv;

namespace
{

struct Scenario
{
    uint32_t phones{4};
    double loadPerPhone{0.25}; //!< requests per second
    uint32_t queueCapacity{64};
    double issueSeconds{30};
    double drainSeconds{60};
};

/// What a run left behind.
struct Outcome
{
    std::string dir;
    RunSummary summary;
    std::map<uint64_t, RequestRecord> issued; //!< from the clients' RequestIssued traces
    Ptr<InferenceCostModel> cost;
    uint32_t serverNode{0};
};

Outcome
RunWifiStar(const Scenario& s, const std::string& dir)
{
    Outcome outcome;
    outcome.dir = dir;
    WifiStarHelper starHelper;
    starHelper.SetDistance(5); // a few metres from the AP
    const WifiStar star = starHelper.Install(s.phones, 100);
    const NodeContainer& phones = star.stations;
    const NodeContainer& server = star.server;

    LlmEngineHelper engines;
    engines.SetCostModel("ns3::RooflineCostModel");
    engines.SetCostModelAttribute("Model", StringValue("llama-3-8b"));
    engines.SetCostModelAttribute("Device", StringValue("edge-server-l4"));
    engines.SetEngineAttribute("QueueCapacity", UintegerValue(s.queueCapacity));
    Ptr<LlmEngine> engine = engines.Install(server.Get(0));
    outcome.cost = engine->GetCostModel();
    outcome.serverNode = server.Get(0)->GetId();

    LlmServerHelper servers(8000);
    servers.Install(server).Start(Seconds(0));
    LlmClientHelper clients(star.serverAddress, 8000);
    clients.SetWorkloadAttribute("Interarrival",
                                 StringValue("ns3::ExponentialRandomVariable[Mean=" +
                                             std::to_string(1.0 / s.loadPerPhone) + "]"));
    // Short answers so that a few tens of seconds see many complete requests.
    clients.SetWorkloadAttribute("PromptTokens",
                                 StringValue("ns3::UniformRandomVariable[Min=20|Max=400]"));
    clients.SetWorkloadAttribute("OutputTokens",
                                 StringValue("ns3::UniformRandomVariable[Min=2|Max=40]"));
    clients.SetAttribute("Timeout", TimeValue(Seconds(60)));
    ApplicationContainer clientApps = clients.Install(phones);
    LlmClientHelper::AssignStreams(clientApps, 1000);
    clientApps.Start(Seconds(1)); // after association

    for (auto it = clientApps.Begin(); it != clientApps.End(); ++it)
    {
        (*it)->TraceConnectWithoutContext(
            "RequestIssued",
            Callback<void, const RequestRecord&>([&outcome](const RequestRecord& r) {
                EXPECT_TRUE(outcome.issued.emplace(r.requestId, r).second)
                    << "id issued twice: " << r.requestId;
            }));
    }

    LlmRunHelper runner(dir);
    runner.WatchClients(clientApps);
    runner.WatchEngine(engine, outcome.serverNode);
    runner.SetScenario("test", "end-to-end");
    outcome.summary = runner.Run(Seconds(1 + s.issueSeconds), Seconds(s.drainSeconds));
    return outcome;
}

/// Column name -> index.
std::map<std::string, size_t>
Columns(const std::vector<std::string>& header)
{
    std::map<std::string, size_t> columns;
    for (size_t i = 0; i < header.size(); ++i)
    {
        columns[header[i]] = i;
    }
    return columns;
}

class EndToEndTest : public ns3::test::SimulationTest
{
  protected:
    /// Checks the output directory of `outcome`; returns requests per final state.
    std::map<std::string, uint64_t> CheckOutputs(const Outcome& outcome)
    {
        const std::string& dir = outcome.dir;
        EXPECT_TRUE(std::filesystem::exists(dir + "/requests.csv"));
        EXPECT_TRUE(std::filesystem::exists(dir + "/queue.csv"));
        EXPECT_TRUE(std::filesystem::exists(dir + "/summary.json"));
        for (const auto& entry : std::filesystem::directory_iterator(dir))
        {
            const std::string name = entry.path().filename().string();
            EXPECT_EQ(name.find(".partial"), std::string::npos) << "left behind: " << name;
        }

        // queue.csv: its header, then rows for the server node.
        const auto queue = ReadCsv(dir + "/queue.csv");
        EXPECT_GE(queue.size(), 2u);
        if (!queue.empty())
        {
            EXPECT_EQ(queue[0], (std::vector<std::string>{"time_s", "node", "queue_length"}));
        }
        for (size_t i = 1; i < queue.size(); ++i)
        {
            EXPECT_EQ(queue[i].size(), 3u);
            EXPECT_EQ(queue[i][1], std::to_string(outcome.serverNode));
        }

        // requests.csv: one row per issued request, each with a final state.
        const auto rows = ReadCsv(dir + "/requests.csv");
        EXPECT_FALSE(rows.empty());
        if (rows.empty())
        {
            return {};
        }
        auto col = Columns(rows[0]);
        for (const char* name : {"request_id",
                                 "node",
                                 "server",
                                 "arrival_s",
                                 "first_token_s",
                                 "completion_s",
                                 "status",
                                 "reason",
                                 "prompt_tokens",
                                 "output_tokens",
                                 "latency_s",
                                 "queue_wait_s",
                                 "compute_s",
                                 "network_s"})
        {
            EXPECT_TRUE(col.count(name)) << "requests.csv has no column " << name;
        }
        std::map<std::string, uint64_t> states;
        std::set<uint64_t> seen;
        const LayerRange all = outcome.cost->AllLayers();
        for (size_t i = 1; i < rows.size(); ++i)
        {
            const auto& row = rows[i];
            EXPECT_EQ(row.size(), rows[0].size()) << "row " << i;
            if (row.size() != rows[0].size())
            {
                continue;
            }
            auto field = [&](const char* name) { return row[col.at(name)]; };
            auto number = [&](const char* name) { return std::stod(field(name)); };
            const uint64_t id = std::stoull(field("request_id"));
            EXPECT_TRUE(seen.insert(id).second) << "request " << id << " appears twice";
            auto issued = outcome.issued.find(id);
            EXPECT_TRUE(issued != outcome.issued.end()) << "request " << id << " never issued";
            if (issued != outcome.issued.end())
            {
                EXPECT_NEAR(number("arrival_s"), issued->second.arrival.GetSeconds(), 1e-6);
                EXPECT_EQ(std::stoul(field("prompt_tokens")), issued->second.promptTokens);
                EXPECT_EQ(std::stoul(field("output_tokens")), issued->second.outputTokens);
                EXPECT_EQ(std::stoul(field("node")), issued->second.node);
            }
            const std::string status = field("status");
            EXPECT_TRUE(status == "completed" || status == "failed") << id << ": " << status;
            const double arrival = number("arrival_s");
            const double completion = number("completion_s");
            EXPECT_GE(completion, arrival) << id;
            if (!field("first_token_s").empty())
            {
                const double first = number("first_token_s");
                EXPECT_GE(first, arrival) << id;
                EXPECT_GE(completion, first) << id;
            }
            if (status == "completed")
            {
                EXPECT_EQ(field("reason"), "") << id;
                EXPECT_FALSE(field("first_token_s").empty()) << id;
                EXPECT_EQ(std::stoul(field("server")), outcome.serverNode);
                const uint32_t p = std::stoul(field("prompt_tokens"));
                const uint32_t g = std::stoul(field("output_tokens"));
                const double compute = outcome.cost->PrefillSeconds(p, all) +
                                       outcome.cost->DecodeSeconds(g - 1, p, all);
                EXPECT_NEAR(number("compute_s"), compute, 1e-6) << id;
                EXPECT_GE(number("queue_wait_s"), 0.0) << id;
                EXPECT_GT(number("network_s"), 0.0) << id;
                EXPECT_NEAR(number("latency_s"), completion - arrival, 1e-6) << id;
                EXPECT_NEAR(number("queue_wait_s") + number("compute_s") + number("network_s"),
                            number("latency_s"),
                            1e-6)
                    << id;
                ++states["completed"];
            }
            else
            {
                EXPECT_FALSE(field("reason").empty()) << id << " failed without a reason";
                // Also requests that never reached the engine name the server.
                EXPECT_EQ(field("server"), std::to_string(outcome.serverNode)) << id;
                ++states["failed: " + field("reason")];
            }
        }
        EXPECT_EQ(seen.size(), outcome.issued.size()) << "issued requests missing from the CSV";

        // summary.json agrees with the CSV and with the returned summary.
        const auto summary = nlohmann::json::parse(ns3::test::ReadFile(dir + "/summary.json"));
        EXPECT_EQ(summary.at("requests").get<uint64_t>(), rows.size() - 1);
        EXPECT_EQ(summary.at("requests").get<uint64_t>(), outcome.summary.requests);
        std::map<std::string, uint64_t> jsonStates;
        for (const auto& [state, count] : summary.at("states").items())
        {
            jsonStates[state] = count.get<uint64_t>();
        }
        EXPECT_EQ(jsonStates, states);
        EXPECT_EQ(outcome.summary.states, states);
        EXPECT_EQ(summary.at("latency_s").at("count").get<uint64_t>(), states["completed"]);
        EXPECT_EQ(summary.at("compute_s").at("count").get<uint64_t>(), states["completed"]);
        EXPECT_EQ(summary.at("scenario").at("test"), "end-to-end");
        EXPECT_EQ(summary.at("engines").size(), 1u);
        EXPECT_EQ(summary.at("engines")[0].at("jobs_completed").get<uint64_t>(),
                  states["completed"]);
        return states;
    }
};

} // namespace

TEST_F(EndToEndTest, WifiStarAccountsForEveryRequest)
{
    const Outcome outcome = RunWifiStar(Scenario(), TempDir());
    ASSERT_GT(outcome.issued.size(), 15u);
    auto states = CheckOutputs(outcome);
    EXPECT_GT(states["completed"], 15u);
    // A light load on a fast link: nothing should fail.
    EXPECT_EQ(states["completed"], outcome.issued.size());
    // The run stops once every request has ended, well before the drain deadline.
    EXPECT_GE(outcome.summary.simulatedSeconds, 31.0);
    EXPECT_LT(outcome.summary.simulatedSeconds, 31.0 + 60.0);
    const auto& engine = outcome.summary.engines.at(0);
    EXPECT_EQ(engine.model, "llama-3-8b");
    EXPECT_EQ(engine.device, "edge-server-l4");
    EXPECT_GT(engine.utilisation, 0.0);
    EXPECT_LE(engine.utilisation, 1.0);
    EXPECT_GT(engine.energyJoules, 0.0);
}

TEST_F(EndToEndTest, ShortDrainFailsOpenRequestsAsUnfinished)
{
    // Overload and almost no time to drain: what is still open at the end is failed as
    // "unfinished", still written once, and the run ends at issue time + drain.
    Scenario s;
    s.loadPerPhone = 1.0;
    s.issueSeconds = 20;
    s.drainSeconds = 0.5;
    const Outcome outcome = RunWifiStar(s, TempDir());
    auto states = CheckOutputs(outcome);
    EXPECT_GT(states["failed: unfinished"], 5u);
    EXPECT_GT(states["completed"], 0u);
    EXPECT_NEAR(outcome.summary.simulatedSeconds, 1 + 20 + 0.5, 0.01);
}

TEST_F(EndToEndTest, ZeroQueueCapacityUnderHighLoad)
{
    Scenario s;
    s.loadPerPhone = 1.0;
    s.queueCapacity = 0;
    s.issueSeconds = 20;
    const Outcome outcome = RunWifiStar(s, TempDir());
    auto states = CheckOutputs(outcome);
    EXPECT_GT(states["failed: queue-full"], 10u);
    EXPECT_GT(states["completed"], 0u);
    uint64_t total = 0;
    for (const auto& [state, count] : states)
    {
        total += count;
    }
    EXPECT_EQ(total, outcome.issued.size());
    // No job ever waits when nothing may wait: queue.csv and max_queue must say 0 throughout.
    EXPECT_EQ(outcome.summary.engines.at(0).maxQueue, 0u);
    const auto queue = ReadCsv(outcome.dir + "/queue.csv");
    size_t nonZero = 0;
    for (size_t i = 1; i < queue.size(); ++i)
    {
        nonZero += queue[i].at(2) == "0" ? 0 : 1;
    }
    EXPECT_EQ(nonZero, 0u) << "of " << queue.size() - 1 << " queue.csv rows";
}

TEST_F(EndToEndTest, SameSeedSameOutput)
{
    // Reproducible: a second run with the same seed writes the same requests.csv.
    Scenario s;
    s.issueSeconds = 10;
    const std::string first = TempDir();
    RunWifiStar(s, first);
    Simulator::Destroy();
    const std::string second = TempDir();
    RunWifiStar(s, second);
    const std::string a = ns3::test::ReadFile(first + "/requests.csv");
    EXPECT_FALSE(a.empty());
    EXPECT_EQ(a, ns3::test::ReadFile(second + "/requests.csv"));
}
