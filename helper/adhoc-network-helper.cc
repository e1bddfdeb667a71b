#include "adhoc-network-helper.h"

#include "preset-table.h"
#include "static-arp-entry.h"
#include "wifi-propagation.h"

#include "ns3/aodv-helper.h"
#include "ns3/aodv-routing-protocol.h"
#include "ns3/arp-cache.h"
#include "ns3/double.h"
#include "ns3/hwmp-protocol.h"
#include "ns3/hwmp-rtable.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-list-routing-helper.h"
#include "ns3/ipv4-list-routing.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/mesh-helper.h"
#include "ns3/mesh-point-device.h"
#include "ns3/olsr-helper.h"
#include "ns3/olsr-routing-protocol.h"
#include "ns3/output-stream-wrapper.h"
#include "ns3/pointer.h"
#include "ns3/position-allocator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-helper.h"
#include "ns3/wifi-mac-helper.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace ns3
{

namespace
{

struct StandardChoice
{
    WifiStandard standard;
    std::string channel;     //!< ChannelSettings: {number, width MHz, band, primary20}
    double referenceLossDb;  //!< Friis loss at 1 m at the band's centre frequency
    double multiHopSpacingM; //!< grid neighbours in range, diagonal neighbours out of range
};

const std::map<std::string, StandardChoice>&
Standards()
{
    // Friis at 1 m: 46.7 dB at 5.18 GHz, 40.0 dB at 2.412 GHz. With 16 dBm transmit power
    // and the -82 dBm preamble detection threshold, exponent 3 reaches 51 m at 5.18 GHz and
    // 86 m at 2.412 GHz: 40 m and 70 m put grid neighbours in range and diagonals (57 m,
    // 99 m) out of it.
    static const std::map<std::string, StandardChoice> standards = {
        {"80211a", {WIFI_STANDARD_80211a, "{0, 20, BAND_5GHZ, 0}", 46.7, 40}},
        {"80211g", {WIFI_STANDARD_80211g, "{0, 20, BAND_2_4GHZ, 0}", 40.0, 70}},
        {"80211n", {WIFI_STANDARD_80211n, "{0, 40, BAND_5GHZ, 0}", 46.7, 40}},
        {"80211ac", {WIFI_STANDARD_80211ac, "{0, 80, BAND_5GHZ, 0}", 46.7, 40}},
        {"80211ax", {WIFI_STANDARD_80211ax, "{0, 80, BAND_5GHZ, 0}", 46.7, 40}},
    };
    return standards;
}

/// MeshHelper tunes every radio to channel 100 (5.5 GHz): Friis at 1 m is 47.3 dB there, and
/// the range 49 m, still between the 40 m grid neighbours and the 57 m diagonals.
constexpr double MESH_REFERENCE_LOSS_DB = 47.3;
/// Single-hop: desks in a room; an 8 x 8 grid (64 nodes) still spans under 51 m corner to
/// corner.
constexpr double SINGLE_HOP_SPACING_M = 5;
/// Nodes sit 1.5 m above the floor, like WifiStarHelper's.
constexpr double HEIGHT_M = 1.5;
/// mesh.cc's maximum random start of the mesh interfaces (spreads the first beacons).
constexpr double MESH_RANDOM_START_S = 0.1;

const std::map<std::string, int>&
TopologyNames()
{
    static const std::map<std::string, int> names = {{"single-hop", 0},
                                                     {"olsr", 1},
                                                     {"aodv", 2},
                                                     {"mesh", 3}};
    return names;
}

uint32_t
GridColumns(uint32_t n)
{
    return std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(std::sqrt(double(n)))));
}

/// The routing protocol of type T on `node`, directly or inside a list routing; null if none.
template <typename T>
Ptr<T>
FindRouting(Ptr<Node> node)
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    if (!ipv4)
    {
        return nullptr;
    }
    Ptr<Ipv4RoutingProtocol> routing = ipv4->GetRoutingProtocol();
    if (Ptr<T> found = DynamicCast<T>(routing))
    {
        return found;
    }
    if (Ptr<Ipv4ListRouting> list = DynamicCast<Ipv4ListRouting>(routing))
    {
        for (uint32_t i = 0; i < list->GetNRoutingProtocols(); ++i)
        {
            int16_t priority;
            if (Ptr<T> found = DynamicCast<T>(list->GetRoutingProtocol(i, priority)))
            {
                return found;
            }
        }
    }
    return nullptr;
}

/// AODV keeps its table private; its printout has a row "dst gateway iface flag expire hops".
int
AodvHops(Ptr<aodv::RoutingProtocol> aodv, Ipv4Address destination)
{
    std::ostringstream printed;
    aodv->PrintRoutingTable(Create<OutputStreamWrapper>(&printed), Time::S);
    std::ostringstream dst;
    dst << destination;
    std::istringstream rows(printed.str());
    std::string row;
    while (std::getline(rows, row))
    {
        std::istringstream fields(row);
        std::vector<std::string> cells;
        std::string cell;
        while (fields >> cell)
        {
            cells.push_back(cell);
        }
        if (cells.size() == 6 && cells[0] == dst.str() && cells[3] == "UP")
        {
            return std::stoi(cells[5]);
        }
    }
    return -1;
}

/**
 * Fills every node's ARP cache with every other node's address, as NeighborCacheHelper does
 * for devices on one channel (which misses mesh points, whose channel is a bridge).
 */
void
FillArpCaches(const AdhocNetwork& net)
{
    for (uint32_t i = 0; i < net.interfaces.GetN(); ++i)
    {
        for (uint32_t j = 0; j < net.interfaces.GetN(); ++j)
        {
            if (j != i)
            {
                AddStaticArpEntry(net.interfaces,
                                  i,
                                  net.interfaces.GetAddress(j),
                                  net.devices.Get(j)->GetAddress());
            }
        }
    }
}

/// The index of the mesh point that owns the interface `address`, or -1.
int
MeshPointOf(const AdhocNetwork& net, Mac48Address address)
{
    for (uint32_t i = 0; i < net.devices.GetN(); ++i)
    {
        Ptr<MeshPointDevice> mp = DynamicCast<MeshPointDevice>(net.devices.Get(i));
        if (!mp)
        {
            continue;
        }
        if (Mac48Address::ConvertFrom(mp->GetAddress()) == address)
        {
            return static_cast<int>(i);
        }
        for (const Ptr<NetDevice>& iface : mp->GetInterfaces())
        {
            if (Mac48Address::ConvertFrom(iface->GetAddress()) == address)
            {
                return static_cast<int>(i);
            }
        }
    }
    return -1;
}

/// HWMP's next hops from mesh point a followed to b; -1 where a hop has no valid route.
int
MeshHops(const AdhocNetwork& net, uint32_t a, uint32_t b)
{
    const Mac48Address target = Mac48Address::ConvertFrom(net.devices.Get(b)->GetAddress());
    uint32_t current = a;
    for (uint32_t hops = 1; hops <= net.devices.GetN(); ++hops)
    {
        Ptr<MeshPointDevice> mp = DynamicCast<MeshPointDevice>(net.devices.Get(current));
        Ptr<dot11s::HwmpProtocol> hwmp =
            mp ? DynamicCast<dot11s::HwmpProtocol>(mp->GetRoutingProtocol()) : nullptr;
        if (!hwmp)
        {
            return -1;
        }
        const dot11s::HwmpRtable::LookupResult next =
            hwmp->GetRoutingTable()->LookupReactive(target);
        if (next.retransmitter == Mac48Address::GetBroadcast())
        {
            return -1;
        }
        const int owner = MeshPointOf(net, next.retransmitter);
        if (owner < 0)
        {
            return -1;
        }
        if (static_cast<uint32_t>(owner) == b)
        {
            return static_cast<int>(hops);
        }
        current = static_cast<uint32_t>(owner);
    }
    return -1; // a loop
}

} // namespace

AdhocNetworkHelper::AdhocNetworkHelper()
{
}

void
AdhocNetworkHelper::SetTopology(const std::string& kind)
{
    m_topology = static_cast<Topology>(PresetTableLookup(TopologyNames(), "topology", kind));
}

std::string
AdhocNetworkHelper::TopologyList()
{
    return PresetTableList(TopologyNames());
}

void
AdhocNetworkHelper::SetStandard(const std::string& name)
{
    PresetTableLookup(Standards(), "Wi-Fi standard", name); // throws for unknown names
    m_standard = name;
}

std::string
AdhocNetworkHelper::StandardList()
{
    return PresetTableList(Standards());
}

void
AdhocNetworkHelper::SetSpacing(double metres)
{
    if (!(metres > 0) || !std::isfinite(metres))
    {
        std::ostringstream os;
        os << "spacing " << metres << " m must be finite and > 0";
        throw std::invalid_argument(os.str());
    }
    m_spacing = metres;
}

double
AdhocNetworkHelper::GetSpacing() const
{
    if (m_spacing > 0)
    {
        return m_spacing;
    }
    if (m_topology == Topology::SINGLE_HOP)
    {
        return SINGLE_HOP_SPACING_M;
    }
    return Standards().at(m_standard).multiHopSpacingM;
}

void
AdhocNetworkHelper::SetMobility(const std::string& model,
                                double speedMetresPerSecond,
                                double pauseSeconds)
{
    m_mobility.Set(model, speedMetresPerSecond, pauseSeconds);
}

void
AdhocNetworkHelper::SetPropagation(const std::string& name)
{
    WifiPropagation::Check(name);
    m_propagation = name;
}

std::string
AdhocNetworkHelper::MobilityList()
{
    return NodeMobilityHelper::List();
}

Rectangle
AdhocNetworkHelper::GetBounds(uint32_t n) const
{
    // The grid's cells: the nodes' bounding box grown by half a spacing on every side. No
    // node starts on a corner of the box, where ns-3.37's RandomWalk2dMobilityModel
    // rebounds between the two sides forever without advancing time.
    const uint32_t columns = GridColumns(n);
    const uint32_t rows = std::max<uint32_t>(1, (n + columns - 1) / columns);
    const double spacing = GetSpacing();
    return Rectangle(-spacing / 2, (columns - 0.5) * spacing, -spacing / 2, (rows - 0.5) * spacing);
}

AdhocNetwork
AdhocNetworkHelper::Install(uint32_t n, int64_t stream)
{
    if (n == 0)
    {
        throw std::invalid_argument("an ad hoc network needs at least 1 node, not 0");
    }
    if (n > MAX_NODES)
    {
        throw std::invalid_argument("an ad hoc network holds " + std::to_string(MAX_NODES) +
                                    " nodes at most (the host addresses of its /16, 10.3.0.0/16); "
                                    "asked " +
                                    std::to_string(n));
    }
    const bool mesh = m_topology == Topology::MESH;
    if (mesh && m_standard != "80211a")
    {
        // ns-3.37's 802.11s does not work with HT/VHT/HE stations (ns-3 issue 176) and
        // MeshHelper tunes the radio to channel 100, which exists only at 5 GHz.
        throw std::invalid_argument("topology 'mesh' supports only Wi-Fi standard 80211a, not '" +
                                    m_standard + "'");
    }
    const StandardChoice& choice = Standards().at(m_standard);
    const double spacing = GetSpacing();
    AdhocNetwork net;
    net.nodes.Create(n);

    YansWifiChannelHelper channelHelper;
    channelHelper.SetPropagationDelay("ns3::ConstantSpeedPropagationDelayModel");
    // By default indoor log-distance loss (exponent 3), as WifiStarHelper.
    WifiPropagation::Add(channelHelper,
                         m_propagation,
                         mesh ? MESH_REFERENCE_LOSS_DB : choice.referenceLossDb);
    Ptr<YansWifiChannel> channel = channelHelper.Create();
    stream += channelHelper.AssignStreams(channel, stream);
    m_phy = YansWifiPhyHelper();
    m_phy.SetChannel(channel);
    m_phy.SetPcapDataLinkType(WifiPhyHelper::DLT_IEEE802_11_RADIO);

    if (mesh)
    {
        // As src/mesh/examples/mesh.cc: HWMP with peer management on one interface.
        MeshHelper meshHelper = MeshHelper::Default();
        meshHelper.SetStackInstaller("ns3::Dot11sStack");
        meshHelper.SetSpreadInterfaceChannels(MeshHelper::SPREAD_CHANNELS);
        meshHelper.SetMacType("RandomStart", TimeValue(Seconds(MESH_RANDOM_START_S)));
        meshHelper.SetNumberOfInterfaces(1);
        // The same rate control as the other kinds (MeshHelper::Default picks ARF).
        meshHelper.SetRemoteStationManager("ns3::IdealWifiManager");
        net.devices = meshHelper.Install(m_phy, net.nodes);
        stream += meshHelper.AssignStreams(net.devices, stream);
    }
    else
    {
        m_phy.Set("ChannelSettings", StringValue(choice.channel));
        WifiHelper wifi;
        wifi.SetStandard(choice.standard);
        wifi.SetRemoteStationManager("ns3::IdealWifiManager");
        WifiMacHelper mac;
        mac.SetType("ns3::AdhocWifiMac");
        net.devices = wifi.Install(m_phy, mac, net.nodes);
        stream += wifi.AssignStreams(net.devices, stream);
    }

    Ptr<GridPositionAllocator> grid = CreateObject<GridPositionAllocator>();
    grid->SetMinX(0);
    grid->SetMinY(0);
    grid->SetZ(HEIGHT_M);
    grid->SetDeltaX(spacing);
    grid->SetDeltaY(spacing);
    grid->SetN(GridColumns(n));
    grid->SetLayoutType(GridPositionAllocator::ROW_FIRST);
    stream += m_mobility.Install(net.nodes, grid, GetBounds(n), spacing, HEIGHT_M, stream);

    InternetStackHelper internet;
    OlsrHelper olsr;
    AodvHelper aodv;
    Ipv4StaticRoutingHelper staticRouting;
    Ipv4ListRoutingHelper routing;
    // As ns-3's ad hoc examples: static routing (local and connected routes) below the
    // protocol, which answers first.
    if (m_topology == Topology::OLSR)
    {
        routing.Add(staticRouting, 0);
        routing.Add(olsr, 10);
        internet.SetRoutingHelper(routing);
    }
    else if (m_topology == Topology::AODV)
    {
        routing.Add(staticRouting, 0);
        routing.Add(aodv, 10);
        internet.SetRoutingHelper(routing);
    }
    internet.Install(net.nodes);
    stream += internet.AssignStreams(net.nodes, stream);
    if (m_topology == Topology::OLSR)
    {
        stream += olsr.AssignStreams(net.nodes, stream);
    }
    else if (m_topology == Topology::AODV)
    {
        stream += aodv.AssignStreams(net.nodes, stream);
    }

    Ipv4AddressHelper addresses;
    addresses.SetBase("10.3.0.0", "255.255.0.0");
    net.interfaces = addresses.Assign(net.devices);
    // No ARP on the air: with deterministic timers, two hidden nodes that start resolving
    // the same neighbour together retry in lockstep, collide at it every time, and ARP then
    // drops their packets to it for its 100 s dead timeout.
    FillArpCaches(net);
    return net;
}

void
AdhocNetworkHelper::EnablePcap(const std::string& prefix, const AdhocNetwork& net)
{
    NetDeviceContainer radios;
    for (uint32_t i = 0; i < net.devices.GetN(); ++i)
    {
        if (Ptr<MeshPointDevice> mp = DynamicCast<MeshPointDevice>(net.devices.Get(i)))
        {
            for (const Ptr<NetDevice>& iface : mp->GetInterfaces())
            {
                radios.Add(iface);
            }
        }
        else
        {
            radios.Add(net.devices.Get(i));
        }
    }
    m_phy.EnablePcap(prefix, radios);
}

int
AdhocNetworkHelper::Hops(const AdhocNetwork& net, uint32_t a, uint32_t b)
{
    const uint32_t n = net.nodes.GetN();
    if (a >= n || b >= n || net.devices.GetN() != n || net.interfaces.GetN() != n)
    {
        std::ostringstream os;
        os << "hops from node " << a << " to node " << b << ": the network has " << n << " nodes";
        throw std::out_of_range(os.str());
    }
    if (a == b)
    {
        return 0;
    }
    if (DynamicCast<MeshPointDevice>(net.devices.Get(a)))
    {
        return MeshHops(net, a, b);
    }
    const Ipv4Address destination = net.interfaces.GetAddress(b);
    if (Ptr<olsr::RoutingProtocol> olsr = FindRouting<olsr::RoutingProtocol>(net.nodes.Get(a)))
    {
        for (const olsr::RoutingTableEntry& entry : olsr->GetRoutingTableEntries())
        {
            if (entry.destAddr == destination)
            {
                return static_cast<int>(entry.distance);
            }
        }
        return -1;
    }
    if (Ptr<aodv::RoutingProtocol> aodv = FindRouting<aodv::RoutingProtocol>(net.nodes.Get(a)))
    {
        return AodvHops(aodv, destination);
    }
    return 1; // single-hop: the connected route of the shared subnet
}

} // namespace ns3
