#include "wifi-star-helper.h"

#include "preset-table.h"
#include "program-options.h"
#include "wifi-join-window.h"
#include "wifi-propagation.h"

#include "ns3/double.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/mobility-helper.h"
#include "ns3/nstime.h"
#include "ns3/ssid.h"
#include "ns3/string.h"
#include "ns3/wifi-helper.h"
#include "ns3/wifi-mac-helper.h"

#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>

namespace ns3
{

namespace
{

struct StandardChoice
{
    WifiStandard standard;
    std::string channel;    //!< ChannelSettings: {number, width MHz, band, primary20}
    double referenceLossDb; //!< Friis loss at 1 m at the band's centre frequency
};

const std::map<std::string, StandardChoice>&
Standards()
{
    // Friis at 1 m: 46.7 dB at 5.18 GHz, 40.0 dB at 2.412 GHz.
    static const std::map<std::string, StandardChoice> standards = {
        {"80211ax", {WIFI_STANDARD_80211ax, "{0, 80, BAND_5GHZ, 0}", 46.7}},
        {"80211ac", {WIFI_STANDARD_80211ac, "{0, 80, BAND_5GHZ, 0}", 46.7}},
        {"80211n", {WIFI_STANDARD_80211n, "{0, 40, BAND_5GHZ, 0}", 46.7}},
        {"80211g", {WIFI_STANDARD_80211g, "{0, 20, BAND_2_4GHZ, 0}", 40.0}},
    };
    return standards;
}

} // namespace

WifiStarHelper::WifiStarHelper()
{
    m_wired.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
    m_wired.SetChannelAttribute("Delay", StringValue("100us"));
}

void
WifiStarHelper::SetStandard(const std::string& name)
{
    PresetTableLookup(Standards(), "Wi-Fi standard", name); // throws for unknown names
    m_standard = name;
}

void
WifiStarHelper::SetDistance(double metres)
{
    if (!(metres > 0))
    {
        std::ostringstream os;
        os << "distance " << metres << " m must be > 0";
        throw std::invalid_argument(os.str());
    }
    m_distance = metres;
}

void
WifiStarHelper::SetPropagation(const std::string& name)
{
    WifiPropagation::Check(name);
    m_propagation = name;
}

void
WifiStarHelper::SetMobility(const NodeMobilityHelper& mobility)
{
    m_mobility = mobility;
}

std::string
WifiStarHelper::StandardList()
{
    return PresetTableList(Standards());
}

std::pair<NetDeviceContainer, NetDeviceContainer>
WifiStarHelper::InstallBss(const std::string& standard,
                           const std::string& propagation,
                           const std::string& ssidName,
                           Ptr<Node> accessPoint,
                           const NodeContainer& stations,
                           YansWifiPhyHelper& phy,
                           int64_t& stream)
{
    const StandardChoice& choice = PresetTableLookup(Standards(), "Wi-Fi standard", standard);
    YansWifiChannelHelper channelHelper;
    channelHelper.SetPropagationDelay("ns3::ConstantSpeedPropagationDelayModel");
    WifiPropagation::Add(channelHelper, propagation, choice.referenceLossDb);
    Ptr<YansWifiChannel> channel = channelHelper.Create();
    stream += channelHelper.AssignStreams(channel, stream); // the fading's, if any
    phy = YansWifiPhyHelper();
    phy.SetChannel(channel);
    phy.Set("ChannelSettings", StringValue(choice.channel));
    phy.SetPcapDataLinkType(WifiPhyHelper::DLT_IEEE802_11_RADIO);

    WifiHelper wifi;
    wifi.SetStandard(choice.standard);
    wifi.SetRemoteStationManager("ns3::IdealWifiManager");
    WifiMacHelper mac;
    const Ssid ssid(ssidName);
    // Stations of a star never roam: one that misses beacons at the edge of range stays
    // associated and keeps trying. (Dropping the association makes ns-3.37 abort on the
    // re-association it then attempts: "No BSSID set for the link".)
    mac.SetType("ns3::StaWifiMac",
                "Ssid",
                SsidValue(ssid),
                "MaxMissedBeacons",
                UintegerValue(std::numeric_limits<uint32_t>::max()));
    const NetDeviceContainer stationDevices = wifi.Install(phy, mac, stations);
    mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(ssid));
    const NetDeviceContainer apDevice = wifi.Install(phy, mac, accessPoint);
    stream += wifi.AssignStreams(stationDevices, stream);
    stream += wifi.AssignStreams(apDevice, stream);
    return {apDevice, stationDevices};
}

void
WifiStarHelper::SetJoinWindow(double seconds)
{
    WifiJoinWindow::Check(seconds);
    m_joinWindow = seconds;
}

WifiStar
WifiStarHelper::Install(uint32_t stations, int64_t stream)
{
    if (stations > MAX_STATIONS)
    {
        throw std::invalid_argument("a Wi-Fi star holds " + std::to_string(MAX_STATIONS) +
                                    " stations at most (802.11 association IDs 1-2007); asked " +
                                    std::to_string(stations));
    }
    WifiStar star;
    star.stations.Create(stations);
    star.accessPoint.Create(1);
    star.server.Create(1);

    const std::string ssid = "edge-llm";
    std::tie(star.apDevice, star.stationDevices) = InstallBss(m_standard,
                                                              m_propagation,
                                                              ssid,
                                                              star.accessPoint.Get(0),
                                                              star.stations,
                                                              m_phy,
                                                              stream);
    star.joinTimes = WifiJoinWindow::Apply(star.stationDevices, Ssid(ssid), Seconds(m_joinWindow));
    star.wiredDevices = m_wired.Install(star.accessPoint.Get(0), star.server.Get(0));

    MobilityHelper mobility;
    Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
    positions->Add(Vector(0, 0, 1.5)); // AP
    positions->Add(Vector(0, 1, 1.5)); // server, next to the AP
    mobility.SetPositionAllocator(positions);
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(star.accessPoint);
    mobility.Install(star.server);
    Ptr<ListPositionAllocator> circle = CreateObject<ListPositionAllocator>();
    for (uint32_t i = 0; i < stations; ++i)
    {
        const double angle = 2 * M_PI * i / stations;
        circle->Add(Vector(m_distance * std::cos(angle), m_distance * std::sin(angle), 1.5));
    }
    const double edge = 1.5 * m_distance; // no station starts on a corner of the bounds
    stream += m_mobility.Install(star.stations,
                                 circle,
                                 Rectangle(-edge, edge, -edge, edge),
                                 m_distance,
                                 1.5,
                                 stream);

    const NodeContainer all(star.stations, star.accessPoint, star.server);
    // ns-3 holds 3 packets per unresolved ARP entry and drops the rest: users that open their
    // connections together lost SYNs and waited 1 s + 2 s of TCP retransmission. Linux holds
    // about 100 (unres_qlen 101).
    ProgramOptions::SetDefaultUnlessGiven("ns3::ArpCache::PendingQueueSize", UintegerValue(101));
    if (m_joinWindow > 0)
    {
        // Peers address stations that have not joined yet; ns-3 then refuses every packet to
        // such an address for DeadTimeout (100 s), while Linux resolves it again on the next
        // packet: with a join window, one retransmission interval.
        ProgramOptions::SetDefaultUnlessGiven("ns3::ArpCache::DeadTimeout", TimeValue(Seconds(1)));
    }
    InternetStackHelper internet;
    internet.Install(all);
    internet.AssignStreams(all, stream);
    Ipv4AddressHelper addresses;
    // One /16 for the AP and the stations: room for 65,533 stations, more than the radio holds.
    addresses.SetBase("10.1.0.0", "255.255.0.0");
    const Ipv4InterfaceContainer apAddress = addresses.Assign(star.apDevice);
    addresses.Assign(star.stationDevices);
    addresses.SetBase("10.2.0.0", "255.255.255.0");
    const Ipv4InterfaceContainer wired = addresses.Assign(star.wiredDevices);
    star.serverAddress = wired.GetAddress(1);
    // Static routes, as global routing would compute them for a star, in time linear in the
    // stations (global routing's shortest paths took 34 s for 1,000 stations): the AP knows
    // both of its subnets; stations and server send everything else to the AP.
    Ipv4StaticRoutingHelper routing;
    const Ipv4Address apWifi = apAddress.GetAddress(0);
    for (uint32_t i = 0; i < stations; ++i)
    {
        Ptr<Ipv4> ipv4 = star.stations.Get(i)->GetObject<Ipv4>();
        routing.GetStaticRouting(ipv4)->SetDefaultRoute(
            apWifi,
            ipv4->GetInterfaceForDevice(star.stationDevices.Get(i)));
    }
    Ptr<Ipv4> serverIpv4 = star.server.Get(0)->GetObject<Ipv4>();
    routing.GetStaticRouting(serverIpv4)
        ->SetDefaultRoute(wired.GetAddress(0),
                          serverIpv4->GetInterfaceForDevice(star.wiredDevices.Get(1)));
    return star;
}

void
WifiStarHelper::EnablePcap(const std::string& wifiPrefix,
                           const std::string& wiredPrefix,
                           const WifiStar& star)
{
    m_phy.EnablePcap(wifiPrefix, NetDeviceContainer(star.apDevice, star.stationDevices));
    m_wired.EnablePcap(wiredPrefix, star.wiredDevices);
}

} // namespace ns3
