/*
 * CampusNetworkHelper: several Wi-Fi access points on a wired backbone with one edge server.
 */
#ifndef EDGE_LLM_CAMPUS_NETWORK_HELPER_H
#define EDGE_LLM_CAMPUS_NETWORK_HELPER_H

#include "node-mobility-helper.h"

#include "ns3/csma-helper.h"
#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/yans-wifi-helper.h"

#include <string>
#include <vector>

namespace ns3
{

/// The nodes, devices and server address of a built campus.
struct CampusNetwork
{
    NodeContainer stations;
    NodeContainer accessPoints;
    NodeContainer server;
    NetDeviceContainer stationDevices;  //!< station i's Wi-Fi device
    NetDeviceContainer apDevices;       //!< AP k's Wi-Fi device
    NetDeviceContainer backboneDevices; //!< the APs' in order, then the server's
    std::vector<uint32_t> apOfStation;  //!< the AP (index) each station is associated with
    std::vector<Time> joinTimes;        //!< when station i starts to look for its AP
    Ipv4Address serverAddress;
};

/**
 * \ingroup edge-llm
 * \brief Builds a campus: `SetAccessPoints` Wi-Fi access points 50 m apart on a line, each
 * with its own BSS (its own SSID and a channel of its own: BSSs do not interfere, as with a
 * channel plan of non-overlapping channels), stations dealt to the APs in turn and placed on a
 * circle of `SetDistance` metres around their AP; APs and the edge server on one CSMA backbone
 * (1 Gb/s, 50 us by default). The same radio as WifiStarHelper (standards, indoor log-distance
 * loss, ideal rate control). BSS k has 10.(16+k).0.0/16, the backbone 10.3.0.0/24; routes are
 * static (stations to their AP, the server and every other AP to each BSS through its AP).
 * Wiring only.
 */
class CampusNetworkHelper
{
  public:
    CampusNetworkHelper();

    /// 1 to MAX_ACCESS_POINTS (default 4); throws std::invalid_argument otherwise.
    void SetAccessPoints(uint32_t count);
    /// Station-to-AP distance in metres (default 10); throws if not in (0, 1000].
    void SetDistance(double metres);
    /// See WifiStarHelper::StandardList().
    void SetStandard(const std::string& name);
    /// Path loss of every BSS (default log-distance): see WifiPropagation.
    void SetPropagation(const std::string& name);
    /// How the stations move (default static): each inside the square of side 3 x Distance
    /// around its own AP (no roaming), random-walk legs of Distance metres.
    void SetMobility(const NodeMobilityHelper& mobility);
    /// The stations of each AP join it one after another over `seconds` (default 0: all at
    /// once): see WifiJoinWindow. Throws std::invalid_argument out of 0..1e6.
    void SetJoinWindow(double seconds);
    /// Backbone rate and one-way delay (ns-3 DataRate and seconds); throws if invalid.
    void SetBackbone(const std::string& rate, double delaySeconds);

    /// The address plan gives each BSS one 10.x.0.0/16: 200 of them.
    static constexpr uint32_t MAX_ACCESS_POINTS = 200;
    /// The most stations for `aps` APs: 2007 association IDs each.
    static uint32_t MaxStations(uint32_t aps);

    /// Throws std::invalid_argument, before building anything, for a bad station count.
    CampusNetwork Install(uint32_t stations, int64_t stream);
    /// Radiotap pcaps of every Wi-Fi device (wifiPrefix-...) and the backbone's (lanPrefix-...).
    void EnablePcap(const std::string& wifiPrefix,
                    const std::string& lanPrefix,
                    const CampusNetwork& campus);

  private:
    uint32_t m_accessPoints{4};
    double m_distance{10};
    std::string m_standard{"80211ax"};
    std::string m_propagation{"log-distance"};
    NodeMobilityHelper m_mobility;
    double m_joinWindow{0};
    std::vector<YansWifiPhyHelper> m_phys; //!< one per AP (its own channel), for pcaps
    CsmaHelper m_backbone;
};

} // namespace ns3

#endif // EDGE_LLM_CAMPUS_NETWORK_HELPER_H
