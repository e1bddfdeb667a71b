/*
 * CampusNetworkHelper: stations are dealt to the access points in turn and associate with
 * their own AP, every station's traffic reaches the server over its AP and the backbone,
 * addresses are unique per BSS subnet, and bad counts are refused up front in one line.
 */

#include "edge-llm-test-fixture.h"
#include "udp-echo-check.h"

#include "ns3/campus-network-helper.h"
#include "ns3/ipv4.h"
#include "ns3/node-list.h"
#include "ns3/sta-wifi-mac.h"
#include "ns3/udp-echo-helper.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-net-device.h"

#include <gtest/gtest.h>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

class CampusNetworkHelperTest : public test::SimulationTest
{
};

Ipv4Address
AddressOf(Ptr<NetDevice> device)
{
    Ptr<Ipv4> ipv4 = device->GetNode()->GetObject<Ipv4>();
    return ipv4->GetAddress(ipv4->GetInterfaceForDevice(device), 0).GetLocal();
}

} // namespace

TEST_F(CampusNetworkHelperTest, EveryStationReachesTheServerThroughItsOwnAccessPoint)
{
    const uint32_t stations = 7;
    CampusNetworkHelper helper;
    helper.SetAccessPoints(3);
    const CampusNetwork campus = helper.Install(stations, 100);
    ASSERT_EQ(campus.accessPoints.GetN(), 3u);
    ASSERT_EQ(campus.stationDevices.GetN(), stations);
    EXPECT_EQ(campus.apOfStation, (std::vector<uint32_t>{0, 1, 2, 0, 1, 2, 0}));
    std::set<uint32_t> seen;
    for (uint32_t i = 0; i < stations; ++i)
    {
        // Station i lives in BSS apOfStation[i]'s subnet, 10.(16+k).0.0/16.
        const Ipv4Address address = AddressOf(campus.stationDevices.Get(i));
        const uint32_t k = campus.apOfStation[i];
        EXPECT_TRUE(
            Ipv4Mask("255.255.0.0")
                .IsMatch(address, Ipv4Address(("10." + std::to_string(16 + k) + ".0.0").c_str())))
            << address;
        EXPECT_TRUE(seen.insert(address.Get()).second) << address << " given twice";
    }
    EXPECT_EQ(campus.serverAddress, Ipv4Address("10.3.0.4"));

    const std::vector<uint32_t> echoes =
        test::UdpEchoCounts(campus.stations, campus.server, campus.serverAddress);
    for (uint32_t i = 0; i < stations; ++i)
    {
        EXPECT_EQ(echoes[i], 3u) << "station " << i;
        // Associated with its own AP, not a neighbour's.
        Ptr<WifiNetDevice> device = DynamicCast<WifiNetDevice>(campus.stationDevices.Get(i));
        Ptr<StaWifiMac> mac = DynamicCast<StaWifiMac>(device->GetMac());
        ASSERT_TRUE(mac->IsAssociated()) << "station " << i;
        EXPECT_EQ(
            mac->GetBssid(0),
            Mac48Address::ConvertFrom(campus.apDevices.Get(campus.apOfStation[i])->GetAddress()))
            << "station " << i;
    }
}

TEST_F(CampusNetworkHelperTest, BadCountsAreRefusedUpFront)
{
    CampusNetworkHelper helper;
    EXPECT_THROW(helper.SetAccessPoints(0), std::invalid_argument);
    EXPECT_THROW(helper.SetAccessPoints(CampusNetworkHelper::MAX_ACCESS_POINTS + 1),
                 std::invalid_argument);
    EXPECT_THROW(helper.SetDistance(0), std::invalid_argument);
    EXPECT_THROW(helper.SetBackbone("fast", 1e-4), std::invalid_argument);
    helper.SetAccessPoints(2);
    const uint32_t nodesBefore = NodeList::GetNNodes();
    try
    {
        helper.Install(2 * 2007 + 1, 100);
        FAIL() << "no exception";
    }
    catch (const std::invalid_argument& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find("4014"), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
    EXPECT_EQ(NodeList::GetNNodes(), nodesBefore) << "nodes built before the refusal";
}
