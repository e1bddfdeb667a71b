/*
 * WifiJoinWindow: stations that join their access point one after another over a window,
 * instead of all at once.
 */
#ifndef EDGE_LLM_WIFI_JOIN_WINDOW_H
#define EDGE_LLM_WIFI_JOIN_WINDOW_H

#include "ns3/net-device-container.h"
#include "ns3/nstime.h"
#include "ns3/ssid.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Spreads the stations' association over a window: station i of N looks for its
 * access point from i x Window / N on, as phones that are switched on or walk in one after
 * another. Before its time a station scans for another SSID, so it hears the AP's beacons and
 * ignores them (it sends nothing); at its time it takes the BSS's SSID and associates on the
 * next beacon (within ns-3's 120 ms WaitBeaconTimeout plus a beacon interval).
 *
 * Why: stations that all start at 0 send their association requests together. With hundreds
 * of them the requests collide, time out after 0.5 s and are sent again, and the AP gets
 * 1/N of the air to answer: in ns-3.37, 250 stations sent 1,612 requests and only 115 were
 * associated after 3.6 s, and every PHY's interference bookkeeping grows with the frames in
 * the air, so the simulation's cost grows as about N^3.3 (README, Performance).
 */
class WifiJoinWindow
{
  public:
    /// Throws std::invalid_argument unless 0 <= seconds <= 1e6 (0: all at once, ns-3's way).
    static void Check(double seconds);
    /**
     * Makes `stations` (WifiNetDevices with a StaWifiMac, of the BSS named `ssid`) join over
     * `window`; returns each station's join time. A window of 0 changes nothing and returns
     * zeros. Call before the simulation starts.
     */
    static std::vector<Time> Apply(const NetDeviceContainer& stations,
                                   const Ssid& ssid,
                                   Time window);
};

} // namespace ns3

#endif // EDGE_LLM_WIFI_JOIN_WINDOW_H
