/*
 * LteCellHelper: UEs in one LTE cell reach the edge server behind the PGW, both ways, at
 * rates an LTE cell gives.
 */

#include "edge-llm-test-fixture.h"

#include "ns3/application-container.h"
#include "ns3/bulk-send-helper.h"
#include "ns3/inet-socket-address.h"
#include "ns3/lte-cell-helper.h"
#include "ns3/lte-enb-net-device.h"
#include "ns3/lte-ue-net-device.h"
#include "ns3/lte-ue-rrc.h"
#include "ns3/mobility-model.h"
#include "ns3/node-list.h"
#include "ns3/packet-sink-helper.h"
#include "ns3/packet-sink.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>
#include <stdexcept>

using namespace ns3;

namespace
{

class LteCellHelperTest : public test::SimulationTest
{
  protected:
    /// Bytes one TCP bulk transfer moves in `seconds` from `from` to `to` at `address`.
    static double Throughput(Ptr<Node> from, Ptr<Node> to, Ipv4Address address, double seconds)
    {
        PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 9));
        ApplicationContainer sinks = sink.Install(to);
        BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(address, 9));
        ApplicationContainer sources = bulk.Install(from);
        sinks.Start(Seconds(0.5));
        sources.Start(Seconds(1));
        Simulator::Stop(Seconds(1 + seconds));
        Simulator::Run();
        const double bps = DynamicCast<PacketSink>(sinks.Get(0))->GetTotalRx() * 8.0 / seconds;
        ::testing::Test::RecordProperty("bits_per_second", std::to_string(bps));
        return bps;
    }
};

} // namespace

TEST_F(LteCellHelperTest, RefusesCellsItCannotBuild)
{
    LteCellHelper helper;
    EXPECT_THROW(helper.Install(0, 1), std::invalid_argument);
    EXPECT_THROW(helper.Install(LteCellHelper::MAX_UES, 1), std::invalid_argument);
    EXPECT_THROW(helper.SetDistance(0), std::invalid_argument);
}

TEST_F(LteCellHelperTest, RefusesUesOutOfCoverageBeforeBuilding)
{
    LteCellHelper helper;
    helper.SetDistance(2000); // where ns-3.37's scheduler aborted with four UEs
    const uint32_t nodesBefore = NodeList::GetNNodes();
    try
    {
        helper.Install(4, 1);
        FAIL() << "no exception";
    }
    catch (const std::invalid_argument& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find("156.3 dB"), std::string::npos) << what;
        EXPECT_NE(what.find("accepted: up to about 554 m"), std::string::npos) << what;
    }
    EXPECT_EQ(NodeList::GetNNodes(), nodesBefore) << "nodes built before the refusal";
    LteCellHelper friis;
    friis.SetPropagation("friis"); // free space reaches far further
    friis.SetDistance(2000);
    EXPECT_NO_THROW(friis.Install(1, 1));
}

TEST_F(LteCellHelperTest, UplinkReachesTheServer)
{
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    LteCellHelper helper;
    helper.SetDistance(200);
    LteCell cell = helper.Install(2, 1);
    ASSERT_EQ(cell.ues.GetN(), 2u);
    const double bps = Throughput(cell.ues.Get(0), cell.server.Get(0), cell.serverAddress, 4);
    // One UE alone on 100 resource blocks, 200 m away: 21.6 Mb/s when this was written.
    EXPECT_GT(bps, 10e6) << "uplink " << bps / 1e6 << " Mb/s";
}

TEST_F(LteCellHelperTest, DownlinkReachesTheUe)
{
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    LteCellHelper helper;
    helper.SetDistance(200);
    LteCell cell = helper.Install(2, 1);
    const Ipv4Address ue = cell.ues.Get(0)->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
    const double bps = Throughput(cell.server.Get(0), cell.ues.Get(0), ue, 4);
    // 63.5 Mb/s when this was written.
    EXPECT_GT(bps, 30e6) << "downlink " << bps / 1e6 << " Mb/s";
}

TEST_F(LteCellHelperTest, SeveralCellsShareTheCoreAndEachUeItsCell)
{
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    LteCellHelper helper;
    EXPECT_THROW(helper.SetCells(0), std::invalid_argument);
    EXPECT_THROW(helper.SetCells(LteCellHelper::MAX_CELLS + 1), std::invalid_argument);
    EXPECT_THROW(helper.SetCells(2, 0), std::invalid_argument);
    helper.SetCells(3, 500);
    EXPECT_THROW(helper.Install(LteCellHelper::MaxUes(3) + 1, 1), std::invalid_argument);
    helper.SetDistance(150);
    LteCell cell = helper.Install(6, 1);
    ASSERT_EQ(cell.enb.GetN(), 3u);
    ASSERT_EQ(cell.enbDevice.GetN(), 3u);
    // A UE of the last cell, 1 km from the first eNB, sends to the server behind the PGW
    // while its neighbours' cells interfere on the same carrier.
    const double bps = Throughput(cell.ues.Get(2), cell.server.Get(0), cell.serverAddress, 3);
    EXPECT_GT(bps, 5e6) << "uplink " << bps / 1e6 << " Mb/s";
    // Attached (at the start of the run) to the eNB of its own cell.
    for (uint32_t i = 0; i < 6; ++i)
    {
        Ptr<LteUeNetDevice> ue = DynamicCast<LteUeNetDevice>(cell.ueDevices.Get(i));
        EXPECT_EQ(ue->GetRrc()->GetCellId(),
                  DynamicCast<LteEnbNetDevice>(cell.enbDevice.Get(i % 3))->GetCellId())
            << "UE " << i;
    }
    // Static UEs 150 m from their own eNB, 350 m from the nearest other: none hands over.
    EXPECT_EQ(cell.handovers->GetStarted(), 0u);
}

TEST_F(LteCellHelperTest, AUeMovingIntoTheNextCellIsHandedOver)
{
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    LteCellHelper helper;
    helper.SetCells(2, 500);
    LteCell cell = helper.Install(2, 1); // UE 0 at (100, 0) in cell 0, UE 1 at (600, 0)
    // UE 0 travels towards eNB 1 at 50 m/s (180 km/h, a train), its position updated every
    // 10 ms, from t = 1 s to 7 s: from x = 100 m to 400 m, past the middle (250 m).
    Ptr<MobilityModel> moving = cell.ues.Get(0)->GetObject<MobilityModel>();
    for (int step = 0; step <= 600; ++step)
    {
        Simulator::Schedule(Seconds(1) + MilliSeconds(10 * step),
                            &MobilityModel::SetPosition,
                            moving,
                            Vector(100 + 0.5 * step, 0, 1.5));
    }
    // Its uplink to the server, before and after the handover.
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 9));
    ApplicationContainer sinks = sink.Install(cell.server.Get(0));
    BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(cell.serverAddress, 9));
    bulk.SetAttribute("MaxBytes", UintegerValue(0));
    ApplicationContainer sources = bulk.Install(cell.ues.Get(0));
    sinks.Start(Seconds(0.5));
    sources.Start(Seconds(1));
    Ptr<PacketSink> server = DynamicCast<PacketSink>(sinks.Get(0));
    uint64_t bytesAt7 = 0;
    Simulator::Schedule(Seconds(7), [&]() { bytesAt7 = server->GetTotalRx(); });
    Simulator::Stop(Seconds(8));
    Simulator::Run();

    const auto ue = [&](uint32_t i) { return DynamicCast<LteUeNetDevice>(cell.ueDevices.Get(i)); };
    EXPECT_EQ(cell.handovers->GetCompleted(ue(0)->GetImsi()), 1u);
    EXPECT_EQ(cell.handovers->GetCompleted(ue(1)->GetImsi()), 0u) << "the static UE stays";
    EXPECT_EQ(cell.handovers->GetFailed(), 0u);
    EXPECT_EQ(ue(0)->GetRrc()->GetCellId(),
              DynamicCast<LteEnbNetDevice>(cell.enbDevice.Get(1))->GetCellId());
    // TCP carries on through the new cell: its last second moves megabits.
    const double lastSecondBps = (server->GetTotalRx() - bytesAt7) * 8.0;
    ::testing::Test::RecordProperty("last_second_bits", std::to_string(lastSecondBps));
    EXPECT_GT(lastSecondBps, 1e6);
}
