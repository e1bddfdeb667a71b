#include "wifi-join-window.h"

#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/sta-wifi-mac.h"
#include "ns3/wifi-net-device.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace ns3
{

void
WifiJoinWindow::Check(double seconds)
{
    if (!(std::isfinite(seconds) && seconds >= 0 && seconds <= 1e6))
    {
        throw std::invalid_argument("join window " + std::to_string(seconds) +
                                    " s: accepted 0 (all stations at once) to 1e6 s");
    }
}

std::vector<Time>
WifiJoinWindow::Apply(const NetDeviceContainer& stations, const Ssid& ssid, Time window)
{
    std::vector<Time> joinAt(stations.GetN(), Time(0));
    if (window.IsZero())
    {
        return joinAt;
    }
    // An SSID no AP announces: the station scans, hears beacons of another BSS, waits.
    const Ssid elsewhere(ssid.IsEqual(Ssid("join-later")) ? "join-later-2" : "join-later");
    for (uint32_t i = 0; i < stations.GetN(); ++i)
    {
        Ptr<WifiNetDevice> device = DynamicCast<WifiNetDevice>(stations.Get(i));
        Ptr<StaWifiMac> mac = device ? DynamicCast<StaWifiMac>(device->GetMac()) : nullptr;
        if (!mac)
        {
            throw std::invalid_argument("WifiJoinWindow: device " + std::to_string(i) +
                                        " is not a Wi-Fi station");
        }
        // In ns: at most 1e15 x 2,007 stations, inside int64.
        joinAt[i] = NanoSeconds(window.GetNanoSeconds() * i / stations.GetN());
        if (joinAt[i].IsZero())
        {
            continue; // the first one starts as ns-3 does
        }
        mac->SetSsid(elsewhere);
        // The scan that starts after the change looks for the BSS (StartScanning reads it).
        Simulator::ScheduleWithContext(device->GetNode()->GetId(),
                                       joinAt[i],
                                       &WifiMac::SetSsid,
                                       mac,
                                       ssid);
    }
    return joinAt;
}

} // namespace ns3
