/*
 * AdhocNetworkHelper: a UDP echo from one corner of a 3 x 3 grid to the opposite corner gets
 * through for every topology, directly for "single-hop" and forwarded by the nodes between
 * for "olsr", "aodv" (IP forwarding) and "mesh" (802.11s forwarding); the layout, bounds,
 * addresses, mobility, pcaps and streams; bad settings refused with the bad value named.
 *
 *   6 - 7 - 8  <- echo server
 *   |   |   |
 *   3 - 4 - 5     multi-hop spacing: only these links; 0 to 8 takes 4 hops
 *   |   |   |
 *   0 - 1 - 2  <- echo client
 */

#include "edge-llm-test-fixture.h"

#include "ns3/adhoc-network-helper.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4.h"
#include "ns3/mesh-point-device.h"
#include "ns3/mobility-model.h"
#include "ns3/node-list.h"
#include "ns3/udp-echo-helper.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-mac-header.h"
#include "ns3/wifi-net-device.h"
#include "ns3/wifi-phy.h"

#include <chrono>
#include <cmath>
#include <functional>
#include <gtest/gtest.h>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

using namespace ns3;

namespace
{

const uint32_t g_grid = 9; // 3 x 3
const uint16_t g_port = 9;
const uint32_t g_echoes = 5;
const Time g_echoInterval = Seconds(0.5);

/**
 * How long routing needs before corner-to-corner traffic on the 3 x 3 grid. Measured from
 * t = 0 over 21 streams (doc, "Ad hoc topologies"): OLSR had the 4-hop route after 10.4 to
 * 15.7 s; AODV's first echo came back after 0.25 to 0.66 s and the mesh's after 0.21 to
 * 0.85 s (route discovery, and for 802.11s peering, on the first packet).
 */
Time
WarmUp(const std::string& kind)
{
    return kind == "olsr" ? Seconds(20) : Seconds(2);
}

/// The radios (Wi-Fi devices) of a node: its device, or its mesh point's interfaces.
std::vector<Ptr<WifiNetDevice>>
Radios(Ptr<Node> node)
{
    std::vector<Ptr<WifiNetDevice>> radios;
    for (uint32_t i = 0; i < node->GetNDevices(); ++i)
    {
        if (Ptr<WifiNetDevice> radio = DynamicCast<WifiNetDevice>(node->GetDevice(i)))
        {
            radios.push_back(radio);
        }
    }
    return radios;
}

/// Unicast data frames the mesh point of `device` forwarded for others (its statistics).
uint64_t
MeshForwarded(Ptr<NetDevice> device)
{
    Ptr<MeshPointDevice> mp = DynamicCast<MeshPointDevice>(device);
    if (!mp)
    {
        return 0;
    }
    std::ostringstream report;
    mp->Report(report);
    std::smatch match;
    const std::string text = report.str();
    if (std::regex_search(text, match, std::regex("fwdUnicastData=\"([0-9]+)\"")))
    {
        return std::stoull(match[1]);
    }
    return 0;
}

/// What an echo run from node 0 to node n-1 showed.
struct EchoRun
{
    uint32_t replies{0};
    std::set<uint32_t> ipForwarders;    //!< nodes whose IP layer forwarded corner traffic
    std::set<uint32_t> meshForwarders;  //!< mesh points that forwarded unicast data
    bool destinationHeardSource{false}; //!< n-1 decoded a frame that node 0 transmitted
    int hops{-1};                       //!< Hops(0, n-1) after the echoes
};

/// Echoes from node 0 to node n-1, starting after the kind's warm-up.
EchoRun
RunEcho(AdhocNetworkHelper& helper, const std::string& kind, uint32_t n = g_grid)
{
    helper.SetTopology(kind);
    const AdhocNetwork net = helper.Install(n, 1);
    const uint32_t last = n - 1;
    EchoRun run;

    UdpEchoServerHelper server(g_port);
    server.Install(net.nodes.Get(last)).Start(Seconds(0));
    UdpEchoClientHelper client(net.interfaces.GetAddress(last), g_port);
    client.SetAttribute("MaxPackets", UintegerValue(g_echoes));
    client.SetAttribute("Interval", TimeValue(g_echoInterval));
    client.SetAttribute("PacketSize", UintegerValue(256));
    ApplicationContainer clientApp = client.Install(net.nodes.Get(0));
    clientApp.Start(WarmUp(kind));
    clientApp.Get(0)->TraceConnectWithoutContext(
        "Rx",
        Callback<void, Ptr<const Packet>>([&run](Ptr<const Packet>) { ++run.replies; }));

    const Ipv4Address source = net.interfaces.GetAddress(0);
    const Ipv4Address destination = net.interfaces.GetAddress(last);
    for (uint32_t i = 0; i < n; ++i)
    {
        net.nodes.Get(i)->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "UnicastForward",
            Callback<void, const Ipv4Header&, Ptr<const Packet>, uint32_t>(
                [&run, i, source, destination](const Ipv4Header& header,
                                               Ptr<const Packet>,
                                               uint32_t) {
                    const bool corners =
                        (header.GetSource() == source && header.GetDestination() == destination) ||
                        (header.GetSource() == destination && header.GetDestination() == source);
                    if (corners)
                    {
                        run.ipForwarders.insert(i);
                    }
                }));
    }
    std::set<Mac48Address> sourceRadios;
    for (const Ptr<WifiNetDevice>& radio : Radios(net.nodes.Get(0)))
    {
        sourceRadios.insert(Mac48Address::ConvertFrom(radio->GetAddress()));
    }
    for (const Ptr<WifiNetDevice>& radio : Radios(net.nodes.Get(last)))
    {
        radio->GetPhy()->TraceConnectWithoutContext(
            "PhyRxEnd",
            Callback<void, Ptr<const Packet>>([&run, sourceRadios](Ptr<const Packet> frame) {
                WifiMacHeader header;
                frame->PeekHeader(header);
                if (!header.IsCtl() && sourceRadios.count(header.GetAddr2()))
                {
                    run.destinationHeardSource = true;
                }
            }));
    }

    const Time end = WarmUp(kind) + g_echoInterval * g_echoes + Seconds(1);
    Simulator::Schedule(end - MilliSeconds(1), [&run, &net, last]() {
        run.hops = AdhocNetworkHelper::Hops(net, 0, last);
        for (uint32_t i = 0; i < net.devices.GetN(); ++i)
        {
            if (MeshForwarded(net.devices.Get(i)) > 0)
            {
                run.meshForwarders.insert(i);
            }
        }
    });
    Simulator::Stop(end);
    Simulator::Run();
    Simulator::Destroy();
    return run;
}

/// Runs `action` and expects std::invalid_argument whose message contains every `part`.
void
ExpectInvalid(const std::function<void()>& action, const std::vector<std::string>& parts)
{
    try
    {
        action();
        ADD_FAILURE() << "no exception; expected one naming '" << parts.front() << "'";
    }
    catch (const std::invalid_argument& e)
    {
        for (const std::string& part : parts)
        {
            EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
                << "message '" << e.what() << "' lacks '" << part << "'";
        }
    }
}

/// Every node's position every `step` until `end`.
std::vector<std::vector<Vector>>
Trajectories(const AdhocNetwork& net, Time step, Time end)
{
    std::vector<std::vector<Vector>> positions(net.nodes.GetN());
    for (Time t = Seconds(0); t <= end; t += step)
    {
        Simulator::Schedule(t, [&positions, &net]() {
            for (uint32_t i = 0; i < net.nodes.GetN(); ++i)
            {
                positions[i].push_back(net.nodes.Get(i)->GetObject<MobilityModel>()->GetPosition());
            }
        });
    }
    Simulator::Stop(end + step);
    Simulator::Run();
    Simulator::Destroy();
    return positions;
}

class AdhocNetworkTest : public ns3::test::SimulationTest
{
};

// --- what each kind builds -------------------------------------------------------------------

TEST_F(AdhocNetworkTest, SingleHopDeliversDirectlyWithoutForwarding)
{
    AdhocNetworkHelper helper;
    const EchoRun run = RunEcho(helper, "single-hop");
    EXPECT_EQ(run.replies, g_echoes);
    EXPECT_TRUE(run.ipForwarders.empty()) << "no node forwards in a single-hop network";
    EXPECT_TRUE(run.meshForwarders.empty());
    EXPECT_TRUE(run.destinationHeardSource) << "the far corner hears the source directly";
    EXPECT_EQ(run.hops, 1);
}

/// For the multi-hop kinds, node 0's frames never reach node 8 and the nodes between forward.
class AdhocNetworkMultiHopTest : public AdhocNetworkTest,
                                 public ::testing::WithParamInterface<std::string>
{
};

TEST_P(AdhocNetworkMultiHopTest, CornerToCornerIsForwardedByNodesBetween)
{
    const std::string kind = GetParam();
    AdhocNetworkHelper helper;
    const EchoRun run = RunEcho(helper, kind);
    EXPECT_EQ(run.replies, g_echoes) << kind << " after " << WarmUp(kind).GetSeconds() << " s";
    EXPECT_FALSE(run.destinationHeardSource)
        << "at the default spacing of " << helper.GetSpacing() << " m the corners are out of range";
    // 4 hops along the grid: diagonal neighbours are out of range too.
    EXPECT_EQ(run.hops, 4);
    // AODV's endpoints pass their own first packets through IP forwarding too (held on the
    // loopback while the route is discovered): count the nodes between only.
    std::set<uint32_t> between = kind == "mesh" ? run.meshForwarders : run.ipForwarders;
    between.erase(0);
    between.erase(g_grid - 1);
    EXPECT_GE(between.size(), 3u) << "a 4-hop path has 3 nodes between";
    if (kind == "mesh")
    {
        EXPECT_TRUE(run.ipForwarders.empty()) << "802.11s forwards below IP";
    }
}

INSTANTIATE_TEST_SUITE_P(Kinds,
                         AdhocNetworkMultiHopTest,
                         ::testing::Values("olsr", "aodv", "mesh"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             return info.param;
                         });

TEST_F(AdhocNetworkTest, EveryStandardReachesTheFarCorner)
{
    for (const std::string standard : {"80211a", "80211g", "80211n", "80211ac", "80211ax"})
    {
        SCOPED_TRACE(standard);
        AdhocNetworkHelper direct;
        direct.SetStandard(standard);
        const EchoRun single = RunEcho(direct, "single-hop");
        EXPECT_EQ(single.replies, g_echoes);
        EXPECT_TRUE(single.destinationHeardSource);

        // The band's default multi-hop spacing keeps only grid neighbours in range.
        AdhocNetworkHelper routed;
        routed.SetStandard(standard);
        const EchoRun multi = RunEcho(routed, "aodv");
        EXPECT_EQ(multi.replies, g_echoes);
        EXPECT_FALSE(multi.destinationHeardSource);
        EXPECT_EQ(multi.hops, 4);
    }
}

TEST_F(AdhocNetworkTest, OlsrHasNoRouteBeforeItConverges)
{
    AdhocNetworkHelper helper;
    helper.SetTopology("olsr");
    const AdhocNetwork net = helper.Install(g_grid, 1);
    int early = 0;
    int late = 0;
    Simulator::Schedule(Seconds(1), [&]() { early = AdhocNetworkHelper::Hops(net, 0, 8); });
    Simulator::Schedule(WarmUp("olsr"), [&]() { late = AdhocNetworkHelper::Hops(net, 8, 0); });
    Simulator::Stop(WarmUp("olsr"));
    Simulator::Run();
    EXPECT_EQ(early, -1);
    EXPECT_EQ(late, 4);
    EXPECT_EQ(AdhocNetworkHelper::Hops(net, 3, 3), 0);
    EXPECT_THROW(AdhocNetworkHelper::Hops(net, 0, g_grid), std::out_of_range);
}

// --- layout, addresses, defaults ------------------------------------------------------------

TEST_F(AdhocNetworkTest, GridLayoutBoundsAndAddresses)
{
    for (const uint32_t n : {1u, 5u, 9u, 10u})
    {
        SCOPED_TRACE(n);
        Simulator::Destroy();
        AdhocNetworkHelper helper;
        helper.SetSpacing(7);
        const AdhocNetwork net = helper.Install(n, 1);
        ASSERT_EQ(net.nodes.GetN(), n);
        ASSERT_EQ(net.devices.GetN(), n);
        ASSERT_EQ(net.interfaces.GetN(), n);
        const uint32_t columns = static_cast<uint32_t>(std::ceil(std::sqrt(double(n))));
        for (uint32_t i = 0; i < n; ++i)
        {
            const Vector p = net.nodes.Get(i)->GetObject<MobilityModel>()->GetPosition();
            EXPECT_DOUBLE_EQ(p.x, 7.0 * (i % columns));
            EXPECT_DOUBLE_EQ(p.y, 7.0 * (i / columns));
            EXPECT_DOUBLE_EQ(p.z, 1.5);
            EXPECT_EQ(net.interfaces.GetAddress(i), Ipv4Address(0x0a030000 + i + 1)); // 10.3.0.i+1
            EXPECT_EQ(net.interfaces.Get(i).second, 1u);
            EXPECT_EQ(net.interfaces.Get(i).first->GetObject<Node>(), net.nodes.Get(i));
        }
        const Rectangle box = helper.GetBounds(n);
        const uint32_t rows = (n + columns - 1) / columns;
        EXPECT_DOUBLE_EQ(box.xMin, -3.5);
        EXPECT_DOUBLE_EQ(box.yMin, -3.5);
        EXPECT_DOUBLE_EQ(box.xMax, 7.0 * (columns - 1) + 3.5);
        EXPECT_DOUBLE_EQ(box.yMax, 7.0 * (rows - 1) + 3.5);
    }
    ExpectInvalid([] { AdhocNetworkHelper().Install(0, 1); }, {"0"});
}

TEST_F(AdhocNetworkTest, ThousandNodesGetUniqueUnicastAddresses)
{
    // Past the old /24, where node 255 (index 254) would have had the broadcast address.
    const uint32_t n = 1000;
    const AdhocNetwork net = AdhocNetworkHelper().Install(n, 1);
    ASSERT_EQ(net.devices.GetN(), n);
    const Ipv4Address network("10.3.0.0");
    const Ipv4Mask mask("255.255.0.0");
    std::set<uint32_t> seen;
    for (uint32_t i = 0; i < n; ++i)
    {
        // What the node's stack holds for its device, not only what the helper returned.
        Ptr<Ipv4> ipv4 = net.nodes.Get(i)->GetObject<Ipv4>();
        const int32_t interface = ipv4->GetInterfaceForDevice(net.devices.Get(i));
        ASSERT_GE(interface, 0) << "node " << i;
        ASSERT_EQ(ipv4->GetNAddresses(interface), 1u);
        const Ipv4InterfaceAddress assigned = ipv4->GetAddress(interface, 0);
        const Ipv4Address address = assigned.GetLocal();
        EXPECT_EQ(assigned.GetMask(), mask) << address;
        EXPECT_TRUE(mask.IsMatch(address, network)) << address;
        EXPECT_NE(address, network) << "node " << i;
        EXPECT_FALSE(address.IsSubnetDirectedBroadcast(mask)) << address << ", node " << i;
        EXPECT_FALSE(address.IsBroadcast() || address.IsMulticast()) << address;
        EXPECT_TRUE(seen.insert(address.Get()).second) << address << " given twice";
        EXPECT_EQ(address, net.interfaces.GetAddress(i));
    }
    EXPECT_EQ(seen.size(), n);
    EXPECT_EQ(net.interfaces.GetAddress(254), Ipv4Address("10.3.0.255"));
    EXPECT_EQ(net.interfaces.GetAddress(999), Ipv4Address("10.3.3.232"));
}

TEST_F(AdhocNetworkTest, MoreNodesThanTheAddressPlanHoldsAreRefusedUpFront)
{
    const uint32_t nodesBefore = NodeList::GetNNodes();
    ExpectInvalid([] { AdhocNetworkHelper().Install(AdhocNetworkHelper::MAX_NODES + 1, 1); },
                  {"65534", "65535", "/16"});
    EXPECT_EQ(NodeList::GetNNodes(), nodesBefore) << "nothing built before the refusal";
}

TEST_F(AdhocNetworkTest, DefaultSpacingDependsOnKindAndBand)
{
    AdhocNetworkHelper helper;
    EXPECT_DOUBLE_EQ(helper.GetSpacing(), 5);
    for (const std::string kind : {"olsr", "aodv", "mesh"})
    {
        helper.SetTopology(kind);
        EXPECT_DOUBLE_EQ(helper.GetSpacing(), 40) << kind;
    }
    helper.SetTopology("olsr");
    helper.SetStandard("80211g");
    EXPECT_DOUBLE_EQ(helper.GetSpacing(), 70);
    helper.SetSpacing(12.5);
    EXPECT_DOUBLE_EQ(helper.GetSpacing(), 12.5);
}

// --- bad settings -----------------------------------------------------------------------------

TEST_F(AdhocNetworkTest, BadSettingsThrowNamingTheValue)
{
    AdhocNetworkHelper helper;
    ExpectInvalid([&] { helper.SetTopology("star"); }, {"'star'", "aodv, mesh, olsr, single-hop"});
    EXPECT_EQ(AdhocNetworkHelper::TopologyList(), "aodv, mesh, olsr, single-hop");
    ExpectInvalid([&] { helper.SetStandard("80211b"); },
                  {"'80211b'", "80211a, 80211ac, 80211ax, 80211g, 80211n"});
    for (const double bad : {0.0, -3.0})
    {
        std::ostringstream value;
        value << bad;
        ExpectInvalid([&] { helper.SetSpacing(bad); }, {"spacing " + value.str()});
    }
    ExpectInvalid([&] { helper.SetSpacing(std::numeric_limits<double>::quiet_NaN()); },
                  {"spacing nan"});
    ExpectInvalid([&] { helper.SetSpacing(std::numeric_limits<double>::infinity()); },
                  {"spacing inf"});
    ExpectInvalid([&] { helper.SetMobility("brownian", 1); },
                  {"'brownian'", "random-walk, random-waypoint, static"});
    ExpectInvalid([&] { helper.SetMobility("random-walk", 0); }, {"random-walk", "not 0"});
    ExpectInvalid([&] { helper.SetMobility("random-waypoint", -2); }, {"not -2"});
    ExpectInvalid([&] { helper.SetMobility("static", 1.5); }, {"static", "not 1.5"});
    ExpectInvalid([&] { helper.SetMobility("random-waypoint", 1, -1); }, {"pause", "not -1"});
    ExpectInvalid([&] { helper.SetMobility("random-walk", 1, 2); }, {"pause", "not 2"});
    // A refused setting changes nothing.
    EXPECT_DOUBLE_EQ(helper.GetSpacing(), 5);

    for (const std::string standard : {"80211g", "80211n", "80211ac", "80211ax"})
    {
        AdhocNetworkHelper mesh;
        mesh.SetTopology("mesh");
        mesh.SetStandard(standard);
        ExpectInvalid([&] { mesh.Install(4, 1); }, {"'" + standard + "'", "80211a"});
    }
}

// --- mobility ---------------------------------------------------------------------------------

TEST_F(AdhocNetworkTest, MobileNodesMoveAndStayInTheBox)
{
    for (const std::string model : {"random-walk", "random-waypoint"})
    {
        SCOPED_TRACE(model);
        AdhocNetworkHelper helper;
        helper.SetMobility(model, 2.0, model == "random-waypoint" ? 1.0 : 0.0);
        const AdhocNetwork net = helper.Install(g_grid, 7);
        const Rectangle box = helper.GetBounds(g_grid);
        const auto paths = Trajectories(net, Seconds(0.25), Seconds(60));
        const double tolerance = 1e-6;
        for (uint32_t i = 0; i < g_grid; ++i)
        {
            double farthest = 0;
            for (const Vector& p : paths[i])
            {
                EXPECT_GE(p.x, box.xMin - tolerance);
                EXPECT_LE(p.x, box.xMax + tolerance);
                EXPECT_GE(p.y, box.yMin - tolerance);
                EXPECT_LE(p.y, box.yMax + tolerance);
                EXPECT_DOUBLE_EQ(p.z, 1.5);
                farthest = std::max(farthest, CalculateDistance(p, paths[i].front()));
            }
            EXPECT_GT(farthest, 3.0) << "node " << i << " barely moved";
        }
        // 2 m/s: no step of 0.25 s is longer than 0.5 m.
        for (uint32_t i = 0; i < g_grid; ++i)
        {
            for (size_t k = 1; k < paths[i].size(); ++k)
            {
                EXPECT_LE(CalculateDistance(paths[i][k], paths[i][k - 1]), 0.5 + tolerance);
            }
        }
    }
}

TEST_F(AdhocNetworkTest, StaticNodesStayPut)
{
    AdhocNetworkHelper helper;
    helper.SetMobility("random-walk", 1.0);
    helper.SetMobility("static", 0);
    const AdhocNetwork net = helper.Install(4, 1);
    const auto paths = Trajectories(net, Seconds(1), Seconds(10));
    for (const auto& path : paths)
    {
        for (const Vector& p : path)
        {
            EXPECT_EQ(CalculateDistance(p, path.front()), 0);
        }
    }
}

// --- reproducibility --------------------------------------------------------------------------

/// Every frame put on the air (time, node) in a short run with mobility and an echo.
std::vector<std::pair<int64_t, uint32_t>>
AirLog(const std::string& kind, int64_t stream)
{
    AdhocNetworkHelper helper;
    helper.SetTopology(kind);
    helper.SetMobility("random-waypoint", 3.0, 0.5);
    const AdhocNetwork net = helper.Install(g_grid, stream);
    UdpEchoServerHelper server(g_port);
    server.Install(net.nodes.Get(g_grid - 1)).Start(Seconds(0));
    UdpEchoClientHelper client(net.interfaces.GetAddress(g_grid - 1), g_port);
    client.SetAttribute("MaxPackets", UintegerValue(4));
    client.SetAttribute("Interval", TimeValue(Seconds(0.5)));
    client.Install(net.nodes.Get(0)).Start(Seconds(0.5));
    std::vector<std::pair<int64_t, uint32_t>> log;
    for (uint32_t i = 0; i < g_grid; ++i)
    {
        for (const Ptr<WifiNetDevice>& radio : Radios(net.nodes.Get(i)))
        {
            radio->GetPhy()->TraceConnectWithoutContext(
                "PhyTxBegin",
                Callback<void, Ptr<const Packet>, double>([&log, i](Ptr<const Packet>, double) {
                    log.emplace_back(Simulator::Now().GetTimeStep(), i);
                }));
        }
    }
    Simulator::Stop(Seconds(3));
    Simulator::Run();
    Simulator::Destroy();
    return log;
}

TEST_F(AdhocNetworkTest, SameStreamSameRunEvenAfterOtherRandomVariables)
{
    // Variables whose streams a helper forgot would be numbered anew by the second run.
    for (const std::string kind : {"single-hop", "olsr", "aodv", "mesh"})
    {
        SCOPED_TRACE(kind);
        const auto first = AirLog(kind, 11);
        CreateObject<UniformRandomVariable>()->GetValue(); // moves the automatic stream numbers
        const auto second = AirLog(kind, 11);
        EXPECT_FALSE(first.empty());
        EXPECT_EQ(first, second);
        if (kind != "single-hop") // no routing: nothing random on the air before the echo
        {
            EXPECT_NE(AirLog(kind, 12), first) << "another stream, another run";
        }
    }
    // Positions too.
    AdhocNetworkHelper helper;
    helper.SetMobility("random-walk", 1.5);
    const auto a = Trajectories(helper.Install(g_grid, 3), Seconds(1), Seconds(20));
    const auto b = Trajectories(helper.Install(g_grid, 3), Seconds(1), Seconds(20));
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i)
    {
        ASSERT_EQ(a[i].size(), b[i].size());
        for (size_t k = 0; k < a[i].size(); ++k)
        {
            EXPECT_EQ(CalculateDistance(a[i][k], b[i][k]), 0) << "node " << i << " sample " << k;
        }
    }
}

// --- pcaps --------------------------------------------------------------------------------------

TEST_F(AdhocNetworkTest, PcapPerRadioWithRadiotapHeaders)
{
    for (const std::string kind : {"single-hop", "mesh"})
    {
        SCOPED_TRACE(kind);
        const std::string dir = TempDir();
        { // the pcap files are complete once the devices that write them are gone
            AdhocNetworkHelper helper;
            helper.SetTopology(kind);
            const AdhocNetwork net = helper.Install(4, 1);
            helper.EnablePcap(dir + "/adhoc", net);
            UdpEchoServerHelper server(g_port);
            server.Install(net.nodes.Get(3)).Start(Seconds(0));
            UdpEchoClientHelper client(net.interfaces.GetAddress(3), g_port);
            client.SetAttribute("MaxPackets", UintegerValue(2));
            client.Install(net.nodes.Get(0)).Start(Seconds(1));
            Simulator::Stop(Seconds(3));
            Simulator::Run();
            Simulator::Destroy();
        }
        const uint32_t device = kind == "mesh" ? 1 : 0;
        for (uint32_t i = 0; i < 4; ++i)
        {
            const std::string path =
                dir + "/adhoc-" + std::to_string(i) + "-" + std::to_string(device) + ".pcap";
            const std::string pcap = ns3::test::ReadFile(path);
            ASSERT_GT(pcap.size(), 24u + 16u) << path << ": a header and at least one frame";
            // Link type (offset 20, little-endian): 127 = DLT_IEEE802_11_RADIO.
            EXPECT_EQ(static_cast<uint8_t>(pcap[20]), 127) << path;
        }
        EXPECT_TRUE(
            ns3::test::ReadFile(dir + "/adhoc-0-" + std::to_string(1 - device) + ".pcap").empty());
    }
}

// --- cost of the routing protocols ------------------------------------------------------------

/// 32 nodes (a 6 x 6 grid less 4; corners 10 hops apart) running OLSR for 60 s with no traffic:
/// prints the wall time. Run with --gtest_also_run_disabled_tests.
TEST_F(AdhocNetworkTest, DISABLED_Olsr32NodesSixtySecondsWallTime)
{
    AdhocNetworkHelper helper;
    helper.SetTopology("olsr");
    const AdhocNetwork net = helper.Install(32, 1);
    Simulator::Stop(Seconds(60));
    const auto start = std::chrono::steady_clock::now();
    Simulator::Run();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "olsr, 32 nodes, 60 s simulated, no traffic: " << wall
              << " s wall; hops 0 to 31: " << AdhocNetworkHelper::Hops(net, 0, 31) << std::endl;
    EXPECT_GT(AdhocNetworkHelper::Hops(net, 0, 31), 1);
}

} // namespace
