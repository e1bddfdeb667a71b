/*
 * AdhocNetworkHelper: n peer devices on a grid with no access point, one hop apart (ad hoc
 * Wi-Fi) or several (ad hoc Wi-Fi with OLSR or AODV, or an 802.11s mesh with HWMP).
 */
#ifndef EDGE_LLM_ADHOC_NETWORK_HELPER_H
#define EDGE_LLM_ADHOC_NETWORK_HELPER_H

#include "node-mobility-helper.h"

#include "ns3/ipv4-interface-container.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/rectangle.h"
#include "ns3/yans-wifi-helper.h"

#include <string>

namespace ns3
{

/// The nodes, devices and addresses of a built ad hoc network: entry i of each is node i.
struct AdhocNetwork
{
    NodeContainer nodes;
    NetDeviceContainer devices; //!< Wi-Fi devices, or the mesh point devices for "mesh"
    Ipv4InterfaceContainer interfaces;
};

/**
 * \ingroup edge-llm
 * \brief Builds an ad hoc network of n peers for distributed inference: nodes on a
 * square-ish grid (row first, node 0 at the origin) 1.5 m above the floor; indoor
 * log-distance loss (exponent 3) from the band's 1 m Friis loss; ideal rate control; the
 * PHY's default 16 dBm transmit power; IPv4 10.3.0.0/16 (node i is 10.3.0.0 + i + 1 on its
 * interface 1). Topologies: "single-hop" (ad hoc Wi-Fi, every node in range of every other),
 * "olsr" and "aodv" (multi-hop ad hoc Wi-Fi routed by that protocol at ns-3's default
 * timers) and "mesh" (802.11s, HWMP, built as ns-3's mesh example does). ARP caches are
 * pre-filled (no ARP on the air). Wiring only: every random stream is fixed from the one
 * given to Install.
 */
class AdhocNetworkHelper
{
  public:
    AdhocNetworkHelper();

    /// "single-hop" (default), "olsr", "aodv" or "mesh"; throws std::invalid_argument
    /// naming the bad value and the accepted list otherwise.
    void SetTopology(const std::string& kind);
    static std::string TopologyList();

    /// 80211a (default), 80211g, 80211n, 80211ac or 80211ax; throws std::invalid_argument
    /// otherwise. "mesh" accepts only 80211a (checked by Install).
    void SetStandard(const std::string& name);
    static std::string StandardList();

    /// Distance between grid neighbours in metres; throws std::invalid_argument unless
    /// finite and > 0. Default: 5 m for single-hop; 40 m (5 GHz) or 70 m (80211g) for the
    /// multi-hop kinds, so that only grid neighbours hear each other.
    void SetSpacing(double metres);
    /// The spacing Install uses: the one set, or the default for the topology and standard.
    double GetSpacing() const;

    /**
     * "static" (default, speed and pause 0), "random-walk" (straight legs one spacing
     * long at speedMetresPerSecond, pause 0) or "random-waypoint" (to uniform random points
     * at speedMetresPerSecond, pausing pauseSeconds at each), inside GetBounds(n). Throws
     * std::invalid_argument for another model, a speed that is not > 0 for a moving model
     * (or not 0 for "static"), or a negative or non-finite pause (or one that is not 0 for
     * the other models).
     */
    void SetMobility(const std::string& model,
                     double speedMetresPerSecond,
                     double pauseSeconds = 0);
    static std::string MobilityList();
    /// Path loss (default log-distance): see WifiPropagation; throws for an unknown name.
    /// The default spacings assume log-distance (with friis every node hears every other).
    void SetPropagation(const std::string& name);
    /// The area the nodes of an n-node network move in: the grid's cells, i.e. the nodes'
    /// bounding box grown by half of GetSpacing() on every side.
    Rectangle GetBounds(uint32_t n) const;

    /// Nodes one network holds at most: the host addresses of its /16 (10.3.0.1 to
    /// 10.3.255.254).
    static constexpr uint32_t MAX_NODES = 65534;

    /// Creates n nodes (1 to MAX_NODES, else std::invalid_argument before building anything)
    /// with Wi-Fi, mobility, the internet stack and routing, and addresses. Each call builds a
    /// separate network on a channel of its own, with the same address plan.
    AdhocNetwork Install(uint32_t n, int64_t stream);
    /// Radiotap pcaps of every node's radio, named prefix-<node>-<device>.pcap (device 0, or
    /// 1 for "mesh", whose device 0 is the mesh point). Call after Install, before running.
    void EnablePcap(const std::string& prefix, const AdhocNetwork& net);

    /// Hops from node a to node b now under the network's routing, read from the routing
    /// tables (OLSR's, AODV's valid routes, HWMP's next hops followed to b): 0 for a == b,
    /// 1 for single-hop, -1 while the protocol has no route. Throws std::out_of_range.
    static int Hops(const AdhocNetwork& net, uint32_t a, uint32_t b);

  private:
    enum class Topology
    {
        SINGLE_HOP,
        OLSR,
        AODV,
        MESH,
    };
    Topology m_topology{Topology::SINGLE_HOP};
    std::string m_standard{"80211a"};
    double m_spacing{0}; //!< 0: the default for the topology and standard
    NodeMobilityHelper m_mobility;
    std::string m_propagation{"log-distance"};
    YansWifiPhyHelper m_phy;
};

} // namespace ns3

#endif // EDGE_LLM_ADHOC_NETWORK_HELPER_H
