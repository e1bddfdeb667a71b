/*
 * One topology layer for every program: each kind of AccessNetworkHelper carries requests of
 * edge-llm-serving (clients and one server) and of edge-llm-moa (peers), refused combinations
 * fail in one line with exit 2, MoA takes LTE cells, fading and a join window, --access still
 * works, and edge-llm-compare varies topology.
 */

#include "example-cli-fixture.h"

#include "ns3/access-network-helper.h"
#include "ns3/mobility-model.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>

using namespace ns3;
using ns3::test::ExampleRun;
using ns3::test::ReadFile;

namespace
{

/// Completed requests in a run's summary.json, 0 if it has none.
uint64_t
Completed(const std::string& outDir)
{
    const auto s = nlohmann::json::parse(ReadFile(outDir + "/summary.json"), nullptr, false);
    if (s.is_discarded() || !s.contains("states") || !s["states"].contains("completed"))
    {
        return 0;
    }
    return s["states"]["completed"].get<uint64_t>();
}

std::string
Topology(const std::string& outDir)
{
    const auto s = nlohmann::json::parse(ReadFile(outDir + "/summary.json"), nullptr, false);
    return s.is_discarded() ? "" : s["scenario"].value("topology", "");
}

/// Files in `dir` whose name starts with `prefix`.
size_t
CountFiles(const std::string& dir, const std::string& prefix)
{
    size_t n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
    {
        n += entry.path().filename().string().rfind(prefix, 0) == 0;
    }
    return n;
}

/// A kind and the pcap prefix its network writes.
struct Kind
{
    std::string name;
    std::string pcap;
};

void
PrintTo(const Kind& k, std::ostream* os)
{
    *os << k.name;
}

const std::vector<Kind> KINDS = {{"wired", "lan-"},
                                 {"wifi-star", "wifi-"},
                                 {"campus", "backbone-"},
                                 {"lte", "sgi-"},
                                 {"single-hop", "adhoc-"},
                                 {"olsr", "adhoc-"},
                                 {"aodv", "adhoc-"},
                                 {"mesh", "adhoc-"}};

class ServingTopologyTest : public ns3::test::ExampleCliFixture,
                            public ::testing::WithParamInterface<Kind>
{
  protected:
    ServingTopologyTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-serving"))
    {
    }
};

// Two users on two client nodes, short prompts: every kind builds, carries requests to the
// server and back, and writes its pcaps.
TEST_P(ServingTopologyTest, RequestsComplete)
{
    const Kind& kind = GetParam();
    const std::string out = m_dir + "/run";
    const ExampleRun run = Run("--topology=" + kind.name +
                               " --users=2 --users-per-node=1 --think=1 --prompt-tokens=50 "
                               "--output-tokens=10 --model=tinyllama-1.1b --duration=10 "
                               "--drain=60 --pcap=true --out='" +
                               out + "'");
    ExpectOutputs(run, out);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(Topology(out), kind.name);
    EXPECT_GT(Completed(out), 2u) << run.out;
    EXPECT_GT(CountFiles(out, kind.pcap), 0u) << "no " << kind.pcap << "* pcap in " << out;
}

class ServingLteCellsTest : public ns3::test::ExampleCliFixture
{
  protected:
    ServingLteCellsTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-serving"))
    {
    }
};

// Three LTE cells on one EPC: clients in every cell reach the server behind the PGW.
TEST_F(ServingLteCellsTest, RequestsCompleteInEveryCell)
{
    const std::string out = m_dir + "/cells";
    const ExampleRun run = Run("--topology=lte --cells=3 --users=6 --users-per-node=1 --think=1 "
                               "--prompt-tokens=50 --output-tokens=10 --model=tinyllama-1.1b "
                               "--duration=10 --drain=60 --out='" +
                               out + "'");
    ExpectOutputs(run, out);
    ASSERT_FALSE(HasFatalFailure());
    const auto summary = nlohmann::json::parse(ReadFile(out + "/summary.json"));
    EXPECT_EQ(summary["scenario"].value("cells", ""), "3");
    EXPECT_GT(Completed(out), 6u) << run.out;
    ExpectRejected("--topology=lte --cells=17", {"--cells=17", "1 to 16"});
    ExpectRejected("--topology=lte --battery=100", {"--battery", "lte", "draw nothing"});
    ExpectRejected("--topology=lte --cells=2 --users=700 --users-per-node=1", {"700", "638"});
}

INSTANTIATE_TEST_SUITE_P(EveryKind,
                         ServingTopologyTest,
                         ::testing::ValuesIn(KINDS),
                         [](const auto& info) {
                             std::string name = info.param.name;
                             name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
                             return name;
                         });

class MoaTopologyTest : public ns3::test::ExampleCliFixture,
                        public ::testing::WithParamInterface<Kind>
{
  protected:
    MoaTopologyTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-moa"))
    {
    }
};

// Three peers, one proposer layer of one peer: gossip finds the peers and prompts reach them
// through the AP, the LAN, the backbone, the EPC or the ad hoc network.
TEST_P(MoaTopologyTest, PromptsComplete)
{
    const Kind& kind = GetParam();
    const std::string out = m_dir + "/run";
    const ExampleRun run = Run("--topology=" + kind.name +
                               " --nodes=3 --layers=1 --peers=1 --cost=constant --alpha=1 "
                               "--lambda=0.2 --warmup=5 --duration=15 --drain=30 --out='" +
                               out + "'");
    ExpectOutputs(run, out);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(Topology(out), kind.name);
    EXPECT_GT(Completed(out), 2u) << run.out;
}

INSTANTIATE_TEST_SUITE_P(EveryKind,
                         MoaTopologyTest,
                         ::testing::ValuesIn(KINDS),
                         [](const auto& info) {
                             std::string name = info.param.name;
                             name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
                             return name;
                         });

class MoaAccessOptionsTest : public ns3::test::ExampleCliFixture
{
  protected:
    MoaAccessOptionsTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-moa"))
    {
    }

    /// Runs a short MoA of `nodes` devices (one proposer layer of one peer) with `args` into
    /// m_dir/`name`; returns the output directory.
    std::string RunMoa(const std::string& name, uint32_t nodes, const std::string& args)
    {
        const std::string out = m_dir + "/" + name;
        const ExampleRun run = Run(args + " --nodes=" + std::to_string(nodes) +
                                   " --layers=1 --peers=1 --cost=constant --alpha=1 "
                                   "--drain=15 --out='" +
                                   out + "'");
        ExpectOutputs(run, out);
        return out;
    }
};

// MoA peers in two LTE cells on one EPC (device i in cell i mod 2) reach each other through
// the PGW; summary.json records the cells.
TEST_F(MoaAccessOptionsTest, TwoLteCells)
{
    const std::string out =
        RunMoa("cells", 4, "--topology=lte --cells=2 --lambda=0.2 --warmup=5 --duration=15");
    ASSERT_FALSE(HasFatalFailure());
    const auto summary = nlohmann::json::parse(ReadFile(out + "/summary.json"));
    EXPECT_EQ(summary["scenario"].value("cells", ""), "2");
    EXPECT_EQ(summary["scenario"].value("fading", ""), "none");
    EXPECT_GT(Completed(out), 4u);
}

TEST_F(MoaAccessOptionsTest, LteFading)
{
    const std::string out =
        RunMoa("fading",
               3,
               "--topology=lte --fading=epa-3kmh --lambda=0.2 --warmup=5 --duration=15");
    ASSERT_FALSE(HasFatalFailure());
    const auto summary = nlohmann::json::parse(ReadFile(out + "/summary.json"));
    EXPECT_EQ(summary["scenario"].value("fading", ""), "epa-3kmh");
    EXPECT_EQ(summary["scenario"].value("cells", ""), "1");
    EXPECT_GT(Completed(out), 2u);
}

// Device i of 4 joins the AP at 5i s (--join-window=20); its user starts --warmup (2 s) later,
// never before: device 3's first prompt comes after 17 s, not at about 2 s as the others'.
TEST_F(MoaAccessOptionsTest, DevicesPromptOnlyAfterTheyJoin)
{
    const std::string out = RunMoa("join",
                                   4,
                                   "--topology=wifi-star --join-window=20 --lambda=0.5 "
                                   "--warmup=2 --duration=30");
    ASSERT_FALSE(HasFatalFailure());
    const auto summary = nlohmann::json::parse(ReadFile(out + "/summary.json"));
    EXPECT_EQ(summary["scenario"].value("join_window_s", ""), "20");
    const auto rows = ns3::test::ReadCsv(out + "/requests.csv");
    ASSERT_GT(rows.size(), 1u);
    const size_t node = ns3::test::CsvColumn(rows, "node");
    const size_t arrival = ns3::test::CsvColumn(rows, "arrival_s");
    std::set<uint32_t> devices;
    for (size_t r = 1; r < rows.size(); ++r)
    {
        const uint32_t device = std::stoul(rows[r].at(node)); // the stations are nodes 0-3
        ASSERT_LT(device, 4u);
        EXPECT_GE(std::stod(rows[r].at(arrival)), 5.0 * device + 2) << "device " << device;
        devices.insert(device);
    }
    EXPECT_EQ(devices.size(), 4u) << "every device joined and prompted";
    EXPECT_GT(Completed(out), 4u);
}

class TopologyCliTest : public ns3::test::ExampleCliFixture
{
  protected:
    TopologyCliTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-serving"))
    {
    }

    /// Exit 2 and one line naming every needle (and ExpectRejected's other checks).
    void ExpectExit2(const std::string& example,
                     const std::string& args,
                     const std::vector<std::string>& needles)
    {
        m_example = ns3::test::ExamplePath(example);
        ExpectRejected(args, needles);
        EXPECT_EQ(Run(args + " --out='" + m_dir + "/exit'").exitCode, 2) << args;
    }
};

TEST_F(TopologyCliTest, RefusedCombinationsAreOneLineWithExit2)
{
    ExpectExit2("edge-llm-serving",
                "--topology=5g",
                {"--topology '5g'", AccessNetworkHelper::KindList()});
    ExpectExit2("edge-llm-serving", "--access=5g", {"--access '5g'", "wifi-star"});
    ExpectExit2("edge-llm-serving", "--topology=mesh --standard=80211ax", {"mesh", "80211a"});
    ExpectExit2("edge-llm-serving",
                "--topology=wifi-star --standard=80211a",
                {"wifi-star", "80211a", "80211ax"});
    ExpectExit2("edge-llm-serving",
                "--topology=lte --propagation=log-distance-nakagami",
                {"lte", "log-distance-nakagami", "cost231"});
    ExpectExit2("edge-llm-serving", "--topology=wired --mobility=jog --speed=1", {"'jog'"});
    ExpectExit2("edge-llm-moa", "--topology=5g", {"'5g'", AccessNetworkHelper::KindList()});
    ExpectExit2("edge-llm-moa", "--topology=wired --fail-node=1", {"fail-node", "wired"});
    ExpectExit2("edge-llm-moa", "--topology=lte --nodes=400", {"400", "319"});
    ExpectExit2("edge-llm-expert-router", "--topology=aodv", {"aodv", "experts", "olsr"});
}

// --access is the old name of --topology, wifi the old name of wifi-star.
TEST_F(TopologyCliTest, AccessStillWorks)
{
    const std::string out = m_dir + "/run";
    const ExampleRun run = Run("--access=wifi --users=2 --users-per-node=1 --think=1 "
                               "--prompt-tokens=50 --output-tokens=10 --model=tinyllama-1.1b "
                               "--duration=5 --drain=30 --out='" +
                               out + "'");
    ExpectOutputs(run, out);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(Topology(out), "wifi-star");
    EXPECT_GT(Completed(out), 0u);
}

// The split and router programs take the ad hoc kinds too: the server (the gateway) is one
// more grid node.
TEST_F(TopologyCliTest, SplitAndRouterOnAdhocTopologies)
{
    const std::string split = m_dir + "/split";
    m_example = ns3::test::ExamplePath("edge-llm-split");
    ExpectOutputs(Run("--topology=aodv --clients=2 --load=0.2 --duration=20 --drain=30 --out='" +
                      split + "'"),
                  split);
    const std::string router = m_dir + "/router";
    m_example = ns3::test::ExamplePath("edge-llm-expert-router");
    ExpectOutputs(Run("--topology=olsr --users=4 --users-per-node=1 --duration=10 --drain=60 "
                      "--out='" +
                      router + "'"),
                  router);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(Topology(split), "aodv");
    EXPECT_GT(Completed(split), 2u);
    EXPECT_EQ(Topology(router), "olsr");
    EXPECT_GT(Completed(router), 2u);
}

class TopologyMobilityTest : public ns3::test::SimulationTest,
                             public ::testing::WithParamInterface<std::string>
{
};

// Stations and UEs move with --mobility as ad hoc nodes do: random-walk clients leave their
// start and stay inside the square of side 3 x distance around their AP or eNB.
TEST_P(TopologyMobilityTest, ClientsMoveInsideTheirCell)
{
    AccessNetworkHelper helper;
    helper.SetKind(GetParam());
    helper.SetDistance(10);
    helper.SetMobility("random-walk", 2, 0);
    const AccessNetwork net = helper.Install(4, 1);
    std::vector<Vector> start;
    for (uint32_t i = 0; i < net.clients.GetN(); ++i)
    {
        start.push_back(net.clients.Get(i)->GetObject<MobilityModel>()->GetPosition());
    }
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    for (uint32_t i = 0; i < net.clients.GetN(); ++i)
    {
        const Vector p = net.clients.Get(i)->GetObject<MobilityModel>()->GetPosition();
        EXPECT_GT(CalculateDistance(p, start[i]), 1.0) << "client " << i << " did not move";
        // The cell's centre: the AP (campus: AP i % 4, 50 m apart) or the eNB at the origin.
        const double centreX = GetParam() == "campus" ? 50.0 * (i % 4) : 0.0;
        EXPECT_LE(std::abs(p.x - centreX), 15.0 + 1e-9) << "client " << i;
        EXPECT_LE(std::abs(p.y), 15.0 + 1e-9) << "client " << i;
        EXPECT_DOUBLE_EQ(p.z, 1.5);
    }
}

INSTANTIATE_TEST_SUITE_P(Infrastructure,
                         TopologyMobilityTest,
                         ::testing::Values("wifi-star", "campus", "lte"),
                         [](const auto& info) {
                             std::string name = info.param;
                             name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
                             return name;
                         });

// --propagation takes effect: 100 m from an 802.11ax AP is out of range indoors
// (log-distance, exponent 3: about 51 m) and in range in free space (friis).
TEST_F(TopologyCliTest, PropagationSetsTheRange)
{
    const std::string args = "--topology=wifi-star --distance=100 --users=2 --users-per-node=1 "
                             "--think=1 --prompt-tokens=50 --output-tokens=10 "
                             "--model=tinyllama-1.1b --duration=5 --drain=10 --timeout=10";
    const std::string indoor = m_dir + "/indoor";
    const std::string free = m_dir + "/free";
    ExpectOutputs(Run(args + " --out='" + indoor + "'"), indoor);
    ExpectOutputs(Run(args + " --propagation=friis --out='" + free + "'"), free);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(Completed(indoor), 0u);
    EXPECT_GT(Completed(free), 2u);
}

class CompareTopologyTest : public ns3::test::ExampleCliFixture
{
  protected:
    CompareTopologyTest()
        : ExampleCliFixture(EDGE_LLM_COMPARE_TOOL)
    {
    }

    /// Runs edge-llm-compare on `scenario` varying topology over wifi-star, mesh and lte;
    /// checks that every variant's runs completed requests on their own topology.
    void CompareTopologies(const std::string& scenario, const std::string& shortRun)
    {
        const std::string out = m_dir + "/cmp-" + scenario;
        const ExampleRun run = Run("'" + std::string(EDGE_LLM_SCENARIOS_DIR) + "/" + scenario +
                                   "' --vary=topology=wifi-star,mesh,lte --seeds=2 --jobs=2 " +
                                   shortRun + " --out='" + out + "'");
        ASSERT_EQ(run.exitCode, 0) << run.err;
        for (const std::string kind : {"wifi-star", "mesh", "lte"})
        {
            EXPECT_NE(run.out.find("topology=" + kind + " "), std::string::npos) << run.out;
            for (int r = 1; r <= 2; ++r)
            {
                const std::string dir =
                    out + "/runs/topology=" + kind + "/run-" + std::to_string(r);
                EXPECT_EQ(Topology(dir), kind);
                EXPECT_GT(Completed(dir), 0u) << dir;
            }
        }
    }
};

TEST_F(CompareTopologyTest, ClientServerScenario)
{
    CompareTopologies("lte-cell.yaml",
                      "--users=2 --think=1 --distance=10 --model=tinyllama-1.1b "
                      "--server-device=jetson-orin-nano --duration=5 --drain=30");
}

TEST_F(CompareTopologyTest, MoaScenario)
{
    CompareTopologies("moa-single-hop.yaml",
                      "--nodes=3 --layers=1 --peers=1 --cost=constant --alpha=1 --rho=0.9 "
                      "--warmup=3 --duration=6 --drain=30");
}

} // namespace
