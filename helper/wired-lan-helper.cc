#include "wired-lan-helper.h"

#include "number-text.h"
#include "static-arp-entry.h"

#include "ns3/data-rate.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/string.h"

#include <stdexcept>

namespace ns3
{

WiredLanHelper::WiredLanHelper()
{
    m_csma.SetChannelAttribute("DataRate", StringValue("1Gbps"));
    m_csma.SetChannelAttribute("Delay", TimeValue(MicroSeconds(5)));
}

void
WiredLanHelper::SetDataRate(const std::string& rate)
{
    DataRateValue value;
    if (!value.DeserializeFromString(rate, MakeDataRateChecker()) || value.Get().GetBitRate() == 0)
    {
        throw std::invalid_argument("link rate '" + rate +
                                    "' is not a data rate > 0 (e.g. 1Gbps, 100Mbps)");
    }
    m_csma.SetChannelAttribute("DataRate", value);
}

void
WiredLanHelper::SetDelay(double seconds)
{
    if (!(seconds >= 0) || seconds > 10)
    {
        throw std::invalid_argument("link delay " + NumberText(seconds) +
                                    " s is not in [0, 10] seconds");
    }
    m_csma.SetChannelAttribute("Delay", TimeValue(Seconds(seconds)));
}

WiredLan
WiredLanHelper::Install(uint32_t clients)
{
    // A /16 has 65,534 host addresses: the server and the clients.
    if (clients == 0 || clients > MAX_CLIENTS)
    {
        throw std::invalid_argument("a LAN of " + std::to_string(clients) +
                                    " clients: accepted 1 to " + std::to_string(MAX_CLIENTS) +
                                    " (one /16 subnet)");
    }
    WiredLan lan;
    lan.clients.Create(clients);
    lan.server.Create(1);
    NodeContainer all(lan.clients, lan.server);
    lan.devices = m_csma.Install(all);
    InternetStackHelper internet;
    internet.Install(all);
    Ipv4AddressHelper addresses;
    addresses.SetBase("10.3.0.0", "255.255.0.0");
    Ipv4InterfaceContainer interfaces = addresses.Assign(lan.devices);
    lan.serverAddress = interfaces.GetAddress(clients);
    // Static client <-> server ARP entries: ns-3's ARP holds 3 packets per unresolved
    // address (Linux holds 101), so users opening connections at one instant would lose SYNs
    // to ARP and wait out TCP's 3 s retransmission, which no real LAN does.
    const Address serverMac = lan.devices.Get(clients)->GetAddress();
    for (uint32_t i = 0; i < clients; ++i)
    {
        AddStaticArpEntry(interfaces, i, lan.serverAddress, serverMac);
        AddStaticArpEntry(interfaces,
                          clients,
                          interfaces.GetAddress(i),
                          lan.devices.Get(i)->GetAddress());
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    return lan;
}

void
WiredLanHelper::EnablePcap(const std::string& prefix, const WiredLan& lan)
{
    m_csma.EnablePcap(prefix, lan.devices, false);
}

} // namespace ns3
