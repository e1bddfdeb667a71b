#include "campus-network-helper.h"

#include "number-text.h"
#include "program-options.h"
#include "static-arp-entry.h"
#include "wifi-join-window.h"
#include "wifi-propagation.h"
#include "wifi-star-helper.h"

#include "ns3/data-rate.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/mobility-helper.h"
#include "ns3/nstime.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <stdexcept>

namespace ns3
{

namespace
{
constexpr double AP_SPACING_M = 50; // APs along a corridor, one every 50 m
} // namespace

CampusNetworkHelper::CampusNetworkHelper()
{
    SetBackbone("1Gbps", 50e-6);
}

void
CampusNetworkHelper::SetAccessPoints(uint32_t count)
{
    if (count < 1 || count > MAX_ACCESS_POINTS)
    {
        throw std::invalid_argument("access points " + std::to_string(count) + ": accepted 1 to " +
                                    std::to_string(MAX_ACCESS_POINTS) + " (one 10.x.0.0/16 each)");
    }
    m_accessPoints = count;
}

void
CampusNetworkHelper::SetDistance(double metres)
{
    if (!(metres > 0 && metres <= 1000))
    {
        throw std::invalid_argument("distance " + NumberText(metres) +
                                    ": accepted (0, 1000] metres from the station's AP");
    }
    m_distance = metres;
}

void
CampusNetworkHelper::SetStandard(const std::string& name)
{
    WifiStarHelper star;
    star.SetStandard(name); // throws listing the standards
    m_standard = name;
}

void
CampusNetworkHelper::SetPropagation(const std::string& name)
{
    WifiPropagation::Check(name);
    m_propagation = name;
}

void
CampusNetworkHelper::SetMobility(const NodeMobilityHelper& mobility)
{
    m_mobility = mobility;
}

void
CampusNetworkHelper::SetBackbone(const std::string& rate, double delaySeconds)
{
    DataRateValue parsed;
    if (!parsed.DeserializeFromString(rate, MakeDataRateChecker()) ||
        parsed.Get().GetBitRate() == 0)
    {
        throw std::invalid_argument("backbone rate '" + rate +
                                    "' is not a data rate (accepted: 100Mbps, 1Gbps, ...)");
    }
    if (!(delaySeconds >= 0 && delaySeconds <= 1))
    {
        throw std::invalid_argument("backbone delay " + NumberText(delaySeconds) +
                                    " s: accepted 0 to 1 s");
    }
    m_backbone.SetChannelAttribute("DataRate", parsed);
    m_backbone.SetChannelAttribute("Delay", TimeValue(Seconds(delaySeconds)));
}

uint32_t
CampusNetworkHelper::MaxStations(uint32_t aps)
{
    return aps * WifiStarHelper::MAX_STATIONS;
}

void
CampusNetworkHelper::SetJoinWindow(double seconds)
{
    WifiJoinWindow::Check(seconds);
    m_joinWindow = seconds;
}

CampusNetwork
CampusNetworkHelper::Install(uint32_t stations, int64_t stream)
{
    if (stations < 1 || stations > MaxStations(m_accessPoints))
    {
        throw std::invalid_argument(
            "a campus of " + std::to_string(m_accessPoints) + " access points holds 1 to " +
            std::to_string(MaxStations(m_accessPoints)) +
            " stations (802.11 association IDs per AP); asked " + std::to_string(stations));
    }
    CampusNetwork campus;
    campus.stations.Create(stations);
    campus.accessPoints.Create(m_accessPoints);
    campus.server.Create(1);

    // Stations dealt to the APs in turn; each BSS on a channel of its own.
    std::vector<NodeContainer> bss(m_accessPoints);
    for (uint32_t i = 0; i < stations; ++i)
    {
        campus.apOfStation.push_back(i % m_accessPoints);
        bss[i % m_accessPoints].Add(campus.stations.Get(i));
    }
    m_phys.assign(m_accessPoints, YansWifiPhyHelper());
    std::vector<NetDeviceContainer> bssDevices(m_accessPoints);
    std::vector<std::vector<Time>> joinTimes(m_accessPoints);
    for (uint32_t k = 0; k < m_accessPoints; ++k)
    {
        NetDeviceContainer ap;
        const std::string ssid = "edge-llm-" + std::to_string(k);
        std::tie(ap, bssDevices[k]) = WifiStarHelper::InstallBss(m_standard,
                                                                 m_propagation,
                                                                 ssid,
                                                                 campus.accessPoints.Get(k),
                                                                 bss[k],
                                                                 m_phys[k],
                                                                 stream);
        campus.apDevices.Add(ap);
        joinTimes[k] = WifiJoinWindow::Apply(bssDevices[k], Ssid(ssid), Seconds(m_joinWindow));
    }
    std::vector<uint32_t> seen(m_accessPoints, 0);
    for (uint32_t i = 0; i < stations; ++i)
    {
        const uint32_t k = campus.apOfStation[i];
        campus.joinTimes.push_back(joinTimes[k][seen[k]]);
        campus.stationDevices.Add(bssDevices[k].Get(seen[k]++));
    }
    campus.backboneDevices = m_backbone.Install(NodeContainer(campus.accessPoints, campus.server));

    // APs along a corridor, the server at its start; stations on a circle around their AP.
    MobilityHelper mobility;
    Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
    for (uint32_t k = 0; k < m_accessPoints; ++k)
    {
        positions->Add(Vector(k * AP_SPACING_M, 0, 3)); // ceiling-mounted
    }
    positions->Add(Vector(-5, 0, 1.5)); // server
    mobility.SetPositionAllocator(positions);
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(campus.accessPoints);
    mobility.Install(campus.server);
    for (uint32_t k = 0; k < m_accessPoints; ++k)
    {
        // BSS k's stations, in station order (station i is the (i / APs)-th of its BSS).
        Ptr<ListPositionAllocator> circle = CreateObject<ListPositionAllocator>();
        for (uint32_t j = 0; j < bss[k].GetN(); ++j)
        {
            const double angle = 2 * M_PI * j / bss[k].GetN();
            circle->Add(Vector(k * AP_SPACING_M + m_distance * std::cos(angle),
                               m_distance * std::sin(angle),
                               1.5));
        }
        const double edge = 1.5 * m_distance; // no station starts on a corner
        stream += m_mobility.Install(
            bss[k],
            circle,
            Rectangle(k * AP_SPACING_M - edge, k * AP_SPACING_M + edge, -edge, edge),
            m_distance,
            1.5,
            stream);
    }

    // As in the star: ARP holds Linux's 101 packets per unresolved address, not ns-3's 3.
    ProgramOptions::SetDefaultUnlessGiven("ns3::ArpCache::PendingQueueSize", UintegerValue(101));
    if (m_joinWindow > 0)
    {
        // Peers address stations that have not joined yet; ns-3 then refuses every packet to
        // such an address for DeadTimeout (100 s), while Linux resolves it again on the next
        // packet: with a join window, one retransmission interval.
        ProgramOptions::SetDefaultUnlessGiven("ns3::ArpCache::DeadTimeout", TimeValue(Seconds(1)));
    }
    const NodeContainer all(campus.stations, campus.accessPoints, campus.server);
    InternetStackHelper internet;
    internet.Install(all);
    internet.AssignStreams(all, stream);
    Ipv4AddressHelper addresses;
    std::vector<Ipv4Address> apWifi(m_accessPoints);
    std::vector<Ipv4Address> bssNetwork(m_accessPoints);
    for (uint32_t k = 0; k < m_accessPoints; ++k)
    {
        bssNetwork[k] = Ipv4Address(("10." + std::to_string(16 + k) + ".0.0").c_str());
        addresses.SetBase(bssNetwork[k], "255.255.0.0");
        apWifi[k] = addresses.Assign(NetDeviceContainer(campus.apDevices.Get(k))).GetAddress(0);
        addresses.Assign(bssDevices[k]);
    }
    addresses.SetBase("10.3.0.0", "255.255.255.0");
    const Ipv4InterfaceContainer backbone = addresses.Assign(campus.backboneDevices);
    campus.serverAddress = backbone.GetAddress(m_accessPoints);

    // Static routes: stations to their AP; APs know their BSS and the backbone; the server
    // reaches BSS k through AP k's backbone address.
    Ipv4StaticRoutingHelper routing;
    for (uint32_t i = 0; i < stations; ++i)
    {
        Ptr<Ipv4> ipv4 = campus.stations.Get(i)->GetObject<Ipv4>();
        routing.GetStaticRouting(ipv4)->SetDefaultRoute(
            apWifi[campus.apOfStation[i]],
            ipv4->GetInterfaceForDevice(campus.stationDevices.Get(i)));
    }
    Ptr<Ipv4> serverIpv4 = campus.server.Get(0)->GetObject<Ipv4>();
    const uint32_t serverInterface =
        serverIpv4->GetInterfaceForDevice(campus.backboneDevices.Get(m_accessPoints));
    for (uint32_t k = 0; k < m_accessPoints; ++k)
    {
        routing.GetStaticRouting(serverIpv4)
            ->AddNetworkRouteTo(bssNetwork[k],
                                Ipv4Mask("255.255.0.0"),
                                backbone.GetAddress(k),
                                serverInterface);
    }
    // Station to station across BSSs (MoA's peers): AP k reaches BSS j through AP j.
    for (uint32_t k = 0; k < m_accessPoints; ++k)
    {
        Ptr<Ipv4> apIpv4 = campus.accessPoints.Get(k)->GetObject<Ipv4>();
        const uint32_t apBackbone = apIpv4->GetInterfaceForDevice(campus.backboneDevices.Get(k));
        for (uint32_t j = 0; j < m_accessPoints; ++j)
        {
            if (j != k)
            {
                routing.GetStaticRouting(apIpv4)->AddNetworkRouteTo(bssNetwork[j],
                                                                    Ipv4Mask("255.255.0.0"),
                                                                    backbone.GetAddress(j),
                                                                    apBackbone);
            }
        }
    }
    // The backbone's neighbours are known: no ARP on it.
    for (uint32_t k = 0; k <= m_accessPoints; ++k)
    {
        for (uint32_t j = 0; j <= m_accessPoints; ++j)
        {
            if (j != k)
            {
                AddStaticArpEntry(backbone,
                                  k,
                                  backbone.GetAddress(j),
                                  campus.backboneDevices.Get(j)->GetAddress());
            }
        }
    }
    return campus;
}

void
CampusNetworkHelper::EnablePcap(const std::string& wifiPrefix,
                                const std::string& lanPrefix,
                                const CampusNetwork& campus)
{
    for (uint32_t k = 0; k < m_phys.size(); ++k)
    {
        m_phys[k].EnablePcap(wifiPrefix, NetDeviceContainer(campus.apDevices.Get(k)));
    }
    for (uint32_t i = 0; i < campus.stations.GetN(); ++i)
    {
        m_phys[campus.apOfStation[i]].EnablePcap(wifiPrefix,
                                                 NetDeviceContainer(campus.stationDevices.Get(i)));
    }
    m_backbone.EnablePcap(lanPrefix, campus.backboneDevices);
}

} // namespace ns3
