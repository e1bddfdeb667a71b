/*
 * MoaScenario end to end: an MoA run on each wireless topology (single-hop, OLSR, AODV,
 * 802.11s mesh; static and moving), checked through the files a user reads: requests.csv,
 * queue.csv and summary.json.
 */
#include "edge-llm-test-fixture.h"

#include "ns3/moa-scenario.h"

#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace
{

using namespace ns3;
using ns3::test::ReadCsv;

struct Case
{
    std::string topology;
    std::string mobility;
    double speed;
};

void
PrintTo(const Case& c, std::ostream* os)
{
    *os << c.topology << " " << c.mobility << " " << c.speed << " m/s";
}

std::string
Text(const std::map<std::string, uint64_t>& states)
{
    std::string text;
    for (const auto& [state, count] : states)
    {
        text += state + " " + std::to_string(count) + "; ";
    }
    return text;
}

/// The numbers of a ';'-separated field ("12.5;40.1"), each group split on ' '.
std::vector<std::vector<double>>
Groups(const std::string& field)
{
    std::vector<std::vector<double>> groups;
    std::stringstream ss(field);
    std::string group;
    while (std::getline(ss, group, ';'))
    {
        std::vector<double> numbers;
        std::stringstream gs(group);
        std::string item;
        while (gs >> item)
        {
            numbers.push_back(std::stod(item));
        }
        groups.push_back(numbers);
    }
    return groups;
}

/// Grid hops between nodes a and b of an n-node static grid: only the four grid neighbours
/// hear each other at the multi-hop spacing (AdhocNetworkHelper), so the hops are the
/// Manhattan distance on the grid.
int
GridHops(uint32_t n, uint32_t a, uint32_t b)
{
    const auto columns = static_cast<uint32_t>(std::ceil(std::sqrt(double(n))));
    return std::abs(int(a % columns) - int(b % columns)) +
           std::abs(int(a / columns) - int(b / columns));
}

class MoaScenarioTest : public ns3::test::SimulationTest, public ::testing::WithParamInterface<Case>
{
};

// Every prompt of a light-load run on each topology ends once, in requests.csv, with the
// protocol's trail (M layers of k peers, growing prompts, ordered layer times), and
// summary.json agrees.
TEST_P(MoaScenarioTest, EveryPromptEndsOnceWithItsLayers)
{
    const Case& param = GetParam();
    MoaScenarioConfig c;
    c.nodes = 6; // a 3 x 2 grid: node 0 to node 5 is 3 hops on the multi-hop kinds
    c.topology = param.topology;
    c.networkOptions.mobility = param.mobility;
    c.networkOptions.speed = param.speed;
    c.layers = 2;
    c.peers = 2;
    c.cost = "constant";
    c.alpha = 2;
    c.lambda = 0.02; // rho = 2 s x 7 x 0.02 = 0.28
    c.warmUp = 30;
    c.duration = 400;
    c.drain = 300;
    c.models = {"llama-3-8b"};
    c.devices = {"jetson-agx-orin"};
    c.out = TempDir() + "/moa";
    const MoaScenarioResult result = MoaScenario(c).Run();
    EXPECT_NEAR(result.rho, 0.28, 1e-9);

    const auto rows = ReadCsv(c.out + "/requests.csv");
    ASSERT_GT(rows.size(), 20u) << "about 6 x 0.02 x 400 = 48 prompts expected";
    std::map<std::string, size_t> col;
    for (size_t i = 0; i < rows[0].size(); ++i)
    {
        col[rows[0][i]] = i;
    }
    std::set<uint64_t> ids;
    std::map<std::string, uint64_t> states;
    uint64_t multiHopPeers = 0;
    for (size_t i = 1; i < rows.size(); ++i)
    {
        const auto& row = rows[i];
        ASSERT_EQ(row.size(), rows[0].size()) << "row " << i;
        auto field = [&](const char* name) { return row.at(col.at(name)); };
        const uint64_t id = std::stoull(field("request_id"));
        EXPECT_TRUE(ids.insert(id).second) << "request " << id << " written twice";
        EXPECT_EQ(field("kind"), "moa");
        EXPECT_EQ(field("moa_layers"), "2");
        EXPECT_EQ(field("moa_k"), "2");
        const std::string status = field("status");
        if (status != "completed")
        {
            EXPECT_EQ(status, "failed") << id;
            EXPECT_FALSE(field("reason").empty()) << id << " failed without a reason";
            ++states["failed: " + field("reason")];
            continue;
        }
        ++states["completed"];
        const uint32_t origin = std::stoul(field("node"));
        // M layers and the aggregation: M + 1 ordered times and prompts, M sets of k peers.
        const auto done = Groups(field("layer_done_s"));
        const auto prompts = Groups(field("layer_prompt_tokens"));
        const auto peers = Groups(field("peers"));
        ASSERT_EQ(done.size(), 3u) << id;
        ASSERT_EQ(prompts.size(), 3u) << id;
        ASSERT_EQ(peers.size(), 2u) << id;
        double previous = std::stod(field("arrival_s"));
        for (const auto& t : done)
        {
            ASSERT_EQ(t.size(), 1u);
            EXPECT_GT(t[0], previous) << id;
            previous = t[0];
        }
        EXPECT_NEAR(previous, std::stod(field("completion_s")), 1e-6) << id;
        EXPECT_EQ(prompts[0].at(0), std::stod(field("prompt_tokens"))) << id;
        EXPECT_GT(prompts[1].at(0), prompts[0].at(0)) << id << ": the prompt did not grow";
        for (const auto& layer : peers)
        {
            ASSERT_EQ(layer.size(), 2u) << id;
            EXPECT_NE(layer[0], layer[1]) << id;
            for (double p : layer)
            {
                EXPECT_NE(static_cast<uint32_t>(p), origin) << id << " asked itself";
                EXPECT_LT(p, c.nodes) << id;
                multiHopPeers += GridHops(c.nodes, origin, static_cast<uint32_t>(p)) > 1;
            }
        }
        EXPECT_GT(std::stoull(field("bytes_sent")), 0u) << id;
        EXPECT_GT(std::stoull(field("bytes_received")), 0u) << id;
    }
    const uint64_t prompts = rows.size() - 1;
    if (param.mobility == "static")
    {
        // A light load on a connected network: almost every prompt completes.
        EXPECT_GE(states["completed"], 0.9 * prompts) << Text(states);
        if (param.topology != "single-hop")
        {
            EXPECT_GT(multiHopPeers, 10u) << "no peer work crossed more than one hop";
        }
    }
    else
    {
        // Moving nodes break routes: shuffles time out and views shrink below k for a while
        // (too-few-peers), or a peer's answer is lost (peer-timeout), but most complete.
        EXPECT_GE(states["completed"], 0.5 * prompts) << Text(states);
        for (const auto& [state, count] : states)
        {
            EXPECT_TRUE(state == "completed" || state == "failed: too-few-peers" ||
                        state == "failed: peer-timeout" || state == "failed: context-too-long")
                << state;
        }
    }

    const auto summary = nlohmann::json::parse(ns3::test::ReadFile(c.out + "/summary.json"));
    EXPECT_EQ(summary.at("requests").get<uint64_t>(), rows.size() - 1);
    std::map<std::string, uint64_t> jsonStates;
    for (const auto& [state, count] : summary.at("states").items())
    {
        jsonStates[state] = count.get<uint64_t>();
    }
    EXPECT_EQ(jsonStates, states);
    EXPECT_NEAR(summary.at("rho").get<double>(), 0.28, 1e-9);
    EXPECT_EQ(summary.at("stability"), "stable");
    EXPECT_EQ(summary.at("scenario").at("topology"), param.topology);
    EXPECT_EQ(summary.at("engines").size(), c.nodes);
    const auto& stages = summary.at("moa").at("layer_latency_s");
    ASSERT_EQ(stages.size(), 3u) << "two proposer layers and the aggregation";
    for (const auto& stage : stages)
    {
        EXPECT_EQ(stage.at("count").get<uint64_t>(), states["completed"]);
    }

    // queue.csv: every device's queue over time.
    std::set<std::string> queueNodes;
    const auto queue = ReadCsv(c.out + "/queue.csv");
    for (size_t i = 1; i < queue.size(); ++i)
    {
        queueNodes.insert(queue[i].at(1));
    }
    EXPECT_EQ(queueNodes.size(), c.nodes);
}

INSTANTIATE_TEST_SUITE_P(Topologies,
                         MoaScenarioTest,
                         ::testing::Values(Case{"single-hop", "static", 0},
                                           Case{"olsr", "static", 0},
                                           Case{"aodv", "static", 0},
                                           Case{"mesh", "static", 0},
                                           Case{"olsr", "random-walk", 1.5},
                                           Case{"aodv", "random-waypoint", 1.5}),
                         [](const ::testing::TestParamInfo<Case>& info) {
                             std::string name = info.param.topology + "_" + info.param.mobility;
                             for (char& ch : name)
                             {
                                 ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                             }
                             return name;
                         });

} // namespace
