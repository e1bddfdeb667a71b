/*
 * Clients in ns-3 buildings (BuildingLayout through AccessNetworkHelper::SetBuildings): the
 * layout puts each client where it says, a Wi-Fi station inside a building receives the AP
 * weaker by the external wall loss of ns-3's HybridBuildingsPropagationLossModel, an LTE cell
 * with indoor UEs still serves requests, and bad values are refused in one line.
 */

#include "example-cli-fixture.h"

#include "ns3/access-network-helper.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/mobility-building-info.h"
#include "ns3/mobility-model.h"
#include "ns3/simulator.h"
#include "ns3/wifi-phy.h"

#include <cmath>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace ns3;
using ns3::test::ExampleRun;
using ns3::test::ReadFile;

namespace
{

class BuildingLayoutTest : public ns3::test::SimulationTest
{
  protected:
    /// No shadowing: the buildings' loss alone separates indoor from outdoor.
    static void NoShadowing()
    {
        for (const char* sigma : {"ShadowSigmaOutdoor", "ShadowSigmaIndoor", "ShadowSigmaExtWalls"})
        {
            Config::SetDefault(std::string("ns3::BuildingsPropagationLossModel::") + sigma,
                               DoubleValue(0));
        }
    }

    /**
     * The mean signal (dBm) at which the one station of a Wi-Fi star 10 m from its AP
     * receives frames in 1 s (the AP's beacons, association), through its PHY's
     * MonitorSnifferRx trace; hybrid-buildings path loss, `buildings` buildings.
     */
    static double StationRxDbm(uint32_t buildings, const std::string& walls)
    {
        Simulator::Destroy();
        AccessNetworkHelper helper;
        helper.SetKind("wifi-star");
        helper.SetDistance(10);
        helper.SetPropagation("hybrid-buildings");
        helper.SetBuildings(buildings, walls);
        const AccessNetwork net = helper.Install(1, 1);
        EXPECT_EQ(net.buildings.size(), buildings);
        Ptr<MobilityModel> station = net.clients.Get(0)->GetObject<MobilityModel>();
        // One building per client: the station keeps its place.
        EXPECT_NEAR(CalculateDistance(station->GetPosition(), Vector(10, 0, 1.5)), 0, 1e-9);
        double sum = 0;
        uint32_t frames = 0;
        Config::ConnectWithoutContext("/NodeList/" + std::to_string(net.clients.Get(0)->GetId()) +
                                          "/DeviceList/*/$ns3::WifiNetDevice/Phy/MonitorSnifferRx",
                                      Callback<void,
                                               Ptr<const Packet>,
                                               uint16_t,
                                               WifiTxVector,
                                               MpduInfo,
                                               SignalNoiseDbm,
                                               uint16_t>([&](Ptr<const Packet>,
                                                             uint16_t,
                                                             WifiTxVector,
                                                             MpduInfo,
                                                             SignalNoiseDbm signal,
                                                             uint16_t) {
                                          sum += signal.signal;
                                          ++frames;
                                      }));
        Simulator::Stop(Seconds(1));
        Simulator::Run();
        EXPECT_EQ(station->GetObject<MobilityBuildingInfo>()->IsIndoor(), buildings > 0);
        Simulator::Destroy();
        EXPECT_GT(frames, 5u) << "beacons every 102.4 ms";
        return frames ? sum / frames : -1e9;
    }
};

// The same station 10 m from the AP, outdoors and inside a building: every frame arrives
// weaker by ns-3's external wall loss of the wall type (wood 4 dB, concrete with windows 7,
// stone blocks 12, concrete without windows 15); ground floor, so no height gain.
TEST_F(BuildingLayoutTest, WallsWeakenTheStationsSignalByTheirLoss)
{
    NoShadowing();
    const double outdoor = StationRxDbm(0, "concrete-with-windows");
    ASSERT_FALSE(HasFailure());
    for (const auto& [walls, lossDb] :
         std::vector<std::pair<std::string, double>>{{"wood", 4},
                                                     {"concrete-with-windows", 7},
                                                     {"stone-blocks", 12},
                                                     {"concrete-without-windows", 15}})
    {
        EXPECT_NEAR(StationRxDbm(1, walls), outdoor - lossDb, 0.01) << walls;
    }
}

// Five clients, two buildings: client i in building i mod 2, floors from the ground up,
// the first of each building at its own place; the AP and the server stay outdoors.
TEST_F(BuildingLayoutTest, ClientsLiveInBuildingIModK)
{
    AccessNetworkHelper helper;
    helper.SetKind("wifi-star");
    helper.SetDistance(20);
    helper.SetBuildings(2, "stone-blocks");
    const AccessNetwork net = helper.Install(5, 1);
    ASSERT_EQ(net.buildings.size(), 2u);
    Simulator::Stop(Seconds(0.001)); // MobilityBuildingInfo settles as nodes initialize
    Simulator::Run();
    const uint32_t floors[] = {1, 1, 2, 2, 3};
    for (uint32_t i = 0; i < 5; ++i)
    {
        Ptr<MobilityBuildingInfo> info =
            net.clients.Get(i)->GetObject<MobilityModel>()->GetObject<MobilityBuildingInfo>();
        ASSERT_TRUE(info) << i;
        EXPECT_TRUE(info->IsIndoor()) << i;
        EXPECT_EQ(info->GetBuilding(), net.buildings[i % 2]) << i;
        EXPECT_EQ(info->GetFloorNumber(), floors[i]) << i;
        EXPECT_EQ(info->GetBuilding()->GetExtWallsType(), Building::StoneBlocks);
    }
    // Centred on stations 0 and 1 of the star's circle of 5, 72 degrees apart: 0.9 x their
    // distance along y apart, less than MAX_SIDE_M.
    EXPECT_NEAR(net.clients.Get(0)->GetObject<MobilityModel>()->GetPosition().x, 20, 1e-9);
    for (const auto& building : net.buildings)
    {
        const Box box = building->GetBoundaries();
        EXPECT_NEAR(box.xMax - box.xMin, 0.9 * 20 * std::sin(2 * M_PI / 5), 1e-9);
        EXPECT_NEAR(box.yMax - box.yMin, 0.9 * 20 * std::sin(2 * M_PI / 5), 1e-9);
        EXPECT_DOUBLE_EQ(box.zMax,
                         BuildingLayout::BUILDING_FLOORS * BuildingLayout::FLOOR_HEIGHT_M);
    }
    for (Ptr<Node> outdoors : {net.star.accessPoint.Get(0), net.server})
    {
        EXPECT_FALSE(
            outdoors->GetObject<MobilityModel>()->GetObject<MobilityBuildingInfo>()->IsIndoor());
    }
}

// Bad values and combinations: one message naming the value and what is accepted.
TEST_F(BuildingLayoutTest, BadValuesAreRefused)
{
    auto expectThrow = [](const std::function<void()>& f, const std::vector<std::string>& needles) {
        try
        {
            f();
            ADD_FAILURE() << "no exception";
        }
        catch (const std::invalid_argument& e)
        {
            for (const auto& needle : needles)
            {
                EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
                    << e.what() << " lacks " << needle;
            }
        }
    };
    AccessNetworkHelper helper;
    expectThrow([&] { helper.SetBuildings(1001); }, {"1001", "0 to 1000"});
    expectThrow([&] { helper.SetBuildings(1, "glass"); }, {"'glass'", BuildingLayout::WallList()});
    auto install = [](const std::string& kind,
                      const std::string& mobility,
                      const std::string& propagation,
                      double distance,
                      uint32_t buildings) {
        return [=] {
            Simulator::Destroy(); // a fresh address plan: an earlier Install may have built
            AccessNetworkHelper h;
            h.SetKind(kind);
            h.SetDistance(distance);
            h.SetMobility(mobility, mobility == "static" ? 0 : 1, 0);
            if (!propagation.empty())
            {
                h.SetPropagation(propagation);
            }
            h.SetBuildings(buildings);
            h.Install(2, 1);
        };
    };
    expectThrow(install("wired", "static", "", 10, 1), {"--buildings=1", "wired"});
    expectThrow(install("lte", "random-walk", "", 10, 1), {"static", "random-walk"});
    expectThrow(install("wifi-star", "static", "friis", 10, 1),
                {"hybrid-buildings", "--propagation=friis"});
    expectThrow(install("wifi-star", "static", "", 10, 3), {"--buildings=3", "2"});
    // 1 m from the AP, a building would hold it: walls half-way, 1 m wide.
    expectThrow(install("wifi-star", "static", "", 1, 1), {"buildings 1", "1 m wide", "4 m"});
    // No buildings: the same path loss with every node outdoors, moving or not.
    EXPECT_NO_THROW(install("wifi-star", "random-walk", "hybrid-buildings", 10, 0)());
}

class BuildingsCliTest : public ns3::test::ExampleCliFixture
{
  protected:
    BuildingsCliTest()
        : ExampleCliFixture(ns3::test::ExamplePath("edge-llm-serving"))
    {
    }
};

// End to end: UEs inside concrete buildings 100 m from the eNB still reach the server, and
// the summary names the buildings.
TEST_F(BuildingsCliTest, LteCellServesIndoorClients)
{
    const std::string out = m_dir + "/indoor";
    const ExampleRun run = Run("--topology=lte --buildings=2 --walls=concrete-without-windows "
                               "--users=2 --users-per-node=1 --think=1 --prompt-tokens=50 "
                               "--output-tokens=10 --model=tinyllama-1.1b --duration=10 "
                               "--drain=60 --out='" +
                               out + "'");
    ExpectOutputs(run, out);
    ASSERT_FALSE(HasFatalFailure());
    const auto summary = nlohmann::json::parse(ReadFile(out + "/summary.json"));
    EXPECT_EQ(summary["scenario"].value("buildings", ""), "2");
    EXPECT_EQ(summary["scenario"].value("walls", ""), "concrete-without-windows");
    EXPECT_EQ(summary["scenario"].value("propagation", ""), "hybrid-buildings");
    EXPECT_GT(summary["states"]["completed"].get<uint64_t>(), 2u) << run.out;
}

// The scenario-file keys: MoA peers of a Wi-Fi star, each inside its own stone building.
TEST_F(BuildingsCliTest, MoaScenarioFileKeys)
{
    const std::string scenario = m_dir + "/buildings.yaml";
    std::ofstream(scenario) << "program: edge-llm-moa\ntopology: wifi-star\nnodes: 3\n"
                               "layers: 1\npeers: 1\ncost: constant\nalpha: 1\nlambda: 0.2\n"
                               "warmup: 5\nduration: 15\ndrain: 30\nbuildings: 3\n"
                               "walls: stone-blocks\n";
    const std::string out = m_dir + "/moa";
    m_example = ns3::test::ExamplePath("edge-llm-moa");
    const ExampleRun run = Run("'" + scenario + "' --out='" + out + "'");
    ExpectOutputs(run, out);
    ASSERT_FALSE(HasFatalFailure());
    const auto summary = nlohmann::json::parse(ReadFile(out + "/summary.json"));
    EXPECT_EQ(summary["scenario"].value("buildings", ""), "3");
    EXPECT_EQ(summary["scenario"].value("walls", ""), "stone-blocks");
    EXPECT_EQ(summary["scenario"].value("propagation", ""), "hybrid-buildings");
    EXPECT_GT(summary["states"]["completed"].get<uint64_t>(), 2u) << run.out;
}

TEST_F(BuildingsCliTest, BadOptionsAreOneLine)
{
    ExpectRejected("--topology=wired --buildings=1", {"--buildings=1", "wired"});
    ExpectRejected("--topology=wifi-star --buildings=1 --walls=glass", {"'glass'", "stone-blocks"});
    ExpectRejected("--topology=wifi-star --buildings=1 --mobility=random-walk --speed=1",
                   {"static", "random-walk"});
    ExpectRejected("--topology=wifi-star --buildings=1 --propagation=friis",
                   {"hybrid-buildings", "friis"});
    ExpectRejected("--topology=wifi-star --buildings=1001", {"buildings", "1001"});
    ExpectRejected("--topology=wifi-star --buildings=3 --users=2 --users-per-node=1",
                   {"--buildings=3", "(2)"});
    m_example = ns3::test::ExamplePath("edge-llm-moa");
    ExpectRejected("--topology=single-hop --buildings=1 --mobility=random-walk --speed=1",
                   {"buildings 1", "random-walk"});
    ExpectRejected("--topology=wifi-star --buildings=1 --walls=glass", {"'glass'", "wood"});
}

} // namespace
