/*
 * WifiStarHelper: stations around one Wi-Fi access point, and a server wired to the AP.
 */
#ifndef EDGE_LLM_WIFI_STAR_HELPER_H
#define EDGE_LLM_WIFI_STAR_HELPER_H

#include "node-mobility-helper.h"

#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/yans-wifi-helper.h"

#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/// The nodes, devices and server address of a built Wi-Fi star.
struct WifiStar
{
    NodeContainer stations;
    NodeContainer accessPoint;
    NodeContainer server;
    NetDeviceContainer stationDevices;
    NetDeviceContainer apDevice;
    NetDeviceContainer wiredDevices; //!< AP side, then server side
    Ipv4Address serverAddress;
    std::vector<Time> joinTimes; //!< when station i starts to look for the AP (SetJoinWindow)
};

/**
 * \ingroup edge-llm
 * \brief Builds the edge-llm Wi-Fi star: N stations evenly spread on a circle of radius
 * Distance around one access point, 1.5 m above the floor; indoor log-distance loss
 * (exponent 3) from the band's 1 m Friis loss; ideal rate control; a server next to the AP
 * on a 1 Gb/s, 100 us point-to-point link; IPv4 (AP and stations 10.1.0.0/16, AP 10.1.0.1,
 * stations from 10.1.0.2; wired 10.2.0.0/24) with static routes through the AP. Wiring only:
 * every random stream is fixed from the given one.
 */
class WifiStarHelper
{
  public:
    WifiStarHelper();

    /// 80211ax (default), 80211ac, 80211n or 80211g; throws std::invalid_argument otherwise.
    void SetStandard(const std::string& name);
    /// Station-to-AP distance in metres (default 10); throws std::invalid_argument if <= 0.
    void SetDistance(double metres);
    static std::string StandardList();
    /// Path loss (default log-distance): see WifiPropagation; throws for an unknown name.
    void SetPropagation(const std::string& name);
    /// How the stations move (default static): inside the square of side 3 x Distance
    /// around the AP, random-walk legs of Distance metres. The AP and the server stay.
    void SetMobility(const NodeMobilityHelper& mobility);

    /// Stations join one after another over `seconds` (default 0: all at once): see
    /// WifiJoinWindow. Throws std::invalid_argument out of 0..1e6.
    void SetJoinWindow(double seconds);
    /**
     * The most stations one star holds: an access point gives association IDs 1 to 2007
     * (IEEE 802.11; ns-3 aborts when they run out). The /16 would hold 65,533.
     */
    static constexpr uint32_t MAX_STATIONS = 2007;

    /// Throws std::invalid_argument, before building anything, for more than MAX_STATIONS.
    WifiStar Install(uint32_t stations, int64_t stream);

    /**
     * One BSS of `standard` on a channel of its own with `propagation`'s path loss: `accessPoint`
     * and `stations` (SSID `ssid`), with the star's radio (indoor log-distance loss, ideal rate
     * control, stations that never drop the association). `phy` becomes the BSS's phy helper (for
     * pcaps); `stream` advances past the streams used. Returns the AP's device and the stations'.
     */
    static std::pair<NetDeviceContainer, NetDeviceContainer> InstallBss(
        const std::string& standard,
        const std::string& propagation,
        const std::string& ssid,
        Ptr<Node> accessPoint,
        const NodeContainer& stations,
        YansWifiPhyHelper& phy,
        int64_t& stream);
    /// Radiotap pcaps of every Wi-Fi device and pcaps of the wired link, named prefix-...
    void EnablePcap(const std::string& wifiPrefix,
                    const std::string& wiredPrefix,
                    const WifiStar& star);

  private:
    std::string m_standard{"80211ax"};
    double m_distance{10};
    std::string m_propagation{"log-distance"};
    NodeMobilityHelper m_mobility;
    double m_joinWindow{0};
    YansWifiPhyHelper m_phy;
    PointToPointHelper m_wired;
};

} // namespace ns3

#endif // EDGE_LLM_WIFI_STAR_HELPER_H
