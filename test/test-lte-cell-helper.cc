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
}
