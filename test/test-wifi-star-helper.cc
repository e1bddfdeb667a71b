/*
 * WifiStarHelper: the address plan gives every station a unique unicast address in
 * 10.1.0.0/16 (checked for 1,000 stations, built but not run), a small star carries traffic
 * from every station to the server, and more stations than the access point can associate
 * are refused up front in one line naming the count and the limit. With a join window the
 * stations associate one after another, each soon after its join time.
 */

#include "edge-llm-test-fixture.h"
#include "udp-echo-check.h"

#include "ns3/ipv4.h"
#include "ns3/node-list.h"
#include "ns3/simulator.h"
#include "ns3/sta-wifi-mac.h"
#include "ns3/udp-echo-helper.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-net-device.h"
#include "ns3/wifi-star-helper.h"

#include <cmath>
#include <gtest/gtest.h>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

class WifiStarHelperTest : public test::SimulationTest
{
};

/// The IPv4 address and mask of `device` (its node's interface for it).
Ipv4InterfaceAddress
InterfaceAddressOf(Ptr<NetDevice> device)
{
    Ptr<Ipv4> ipv4 = device->GetNode()->GetObject<Ipv4>();
    const int32_t interface = ipv4->GetInterfaceForDevice(device);
    EXPECT_GE(interface, 0);
    EXPECT_EQ(ipv4->GetNAddresses(interface), 1u);
    return ipv4->GetAddress(interface, 0);
}

Ipv4Address
AddressOf(Ptr<NetDevice> device)
{
    return InterfaceAddressOf(device).GetLocal();
}

} // namespace

TEST_F(WifiStarHelperTest, ThousandStationsGetUniqueUnicastAddresses)
{
    const uint32_t stations = 1000;
    WifiStarHelper helper;
    const WifiStar star = helper.Install(stations, 100);
    ASSERT_EQ(star.stationDevices.GetN(), stations);

    const Ipv4Address network("10.1.0.0");
    const Ipv4Mask mask("255.255.0.0");
    std::set<uint32_t> seen;
    NetDeviceContainer wifi(star.apDevice, star.stationDevices);
    for (uint32_t i = 0; i < wifi.GetN(); ++i)
    {
        const Ipv4InterfaceAddress assigned = InterfaceAddressOf(wifi.Get(i));
        const Ipv4Address address = assigned.GetLocal();
        EXPECT_EQ(assigned.GetMask(), mask) << address;
        EXPECT_TRUE(mask.IsMatch(address, network)) << address;
        EXPECT_NE(address, network) << "device " << i;
        EXPECT_FALSE(address.IsSubnetDirectedBroadcast(mask)) << address << ", device " << i;
        EXPECT_FALSE(address.IsBroadcast() || address.IsMulticast()) << address;
        EXPECT_TRUE(seen.insert(address.Get()).second) << address << " given twice";
    }
    EXPECT_EQ(seen.size(), stations + 1);
    EXPECT_EQ(AddressOf(star.apDevice.Get(0)), Ipv4Address("10.1.0.1"));
    // Past the old /24: station 254 (index 253) had the broadcast address 10.1.0.255 there.
    EXPECT_EQ(AddressOf(star.stationDevices.Get(253)), Ipv4Address("10.1.0.255"));
    EXPECT_EQ(AddressOf(star.stationDevices.Get(999)), Ipv4Address("10.1.3.233"));
    EXPECT_EQ(star.serverAddress, Ipv4Address("10.2.0.2"));
    EXPECT_EQ(seen.count(star.serverAddress.Get()), 0u);
}

TEST_F(WifiStarHelperTest, SmallStarCarriesEveryStationsTraffic)
{
    const uint32_t stations = 4;
    WifiStarHelper helper;
    const WifiStar star = helper.Install(stations, 100);
    EXPECT_EQ(AddressOf(star.stationDevices.Get(0)), Ipv4Address("10.1.0.2"));

    const std::vector<uint32_t> echoes =
        test::UdpEchoCounts(star.stations, star.server, star.serverAddress);
    for (uint32_t i = 0; i < stations; ++i)
    {
        EXPECT_EQ(echoes[i], 3u) << "station " << i;
    }
}

TEST_F(WifiStarHelperTest, MoreStationsThanTheRadioHoldsAreRefusedUpFront)
{
    WifiStarHelper helper;
    const uint32_t nodesBefore = NodeList::GetNNodes();
    try
    {
        helper.Install(WifiStarHelper::MAX_STATIONS + 1, 100);
        FAIL() << "no exception";
    }
    catch (const std::invalid_argument& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find("2008"), std::string::npos) << what;
        EXPECT_NE(what.find("2007"), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
    EXPECT_EQ(NodeList::GetNNodes(), nodesBefore) << "nodes built before the refusal";
}

TEST_F(WifiStarHelperTest, JoinWindowSpreadsTheAssociations)
{
    const uint32_t stations = 40;
    const double window = 4;
    WifiStarHelper helper;
    helper.SetJoinWindow(window);
    const WifiStar star = helper.Install(stations, 100);
    ASSERT_EQ(star.joinTimes.size(), stations);

    std::vector<Time> associatedAt(stations, Time(-1));
    for (uint32_t i = 0; i < stations; ++i)
    {
        EXPECT_EQ(star.joinTimes[i], NanoSeconds(i * 100'000'000LL)) << "station " << i;
        Ptr<StaWifiMac> mac = DynamicCast<StaWifiMac>(
            DynamicCast<WifiNetDevice>(star.stationDevices.Get(i))->GetMac());
        mac->TraceConnectWithoutContext("Assoc",
                                        MakeBoundCallback(
                                            +[](Time* at, Mac48Address) {
                                                if (at->IsNegative())
                                                {
                                                    *at = Simulator::Now();
                                                }
                                            },
                                            &associatedAt[i]));
    }
    Simulator::Stop(Seconds(window + 1));
    Simulator::Run();
    for (uint32_t i = 0; i < stations; ++i)
    {
        ASSERT_FALSE(associatedAt[i].IsNegative()) << "station " << i << " never associated";
        // Not before its time; then the next scan (120 ms) hears the next beacon (102.4 ms).
        EXPECT_GE(associatedAt[i], star.joinTimes[i]) << "station " << i;
        EXPECT_LE(associatedAt[i], star.joinTimes[i] + MilliSeconds(300)) << "station " << i;
    }
}

TEST_F(WifiStarHelperTest, JoinWindowOutOfRangeIsRefused)
{
    WifiStarHelper helper;
    for (const double bad : {-1.0, 2e6, std::nan("")})
    {
        try
        {
            helper.SetJoinWindow(bad);
            FAIL() << bad << " accepted";
        }
        catch (const std::invalid_argument& e)
        {
            EXPECT_NE(std::string(e.what()).find("0 (all stations at once) to 1e6 s"),
                      std::string::npos)
                << e.what();
        }
    }
}
