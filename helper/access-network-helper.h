/*
 * AccessNetworkHelper: client nodes that reach one server over a wired LAN, a Wi-Fi star or
 * an LTE cell, chosen by name.
 */
#ifndef EDGE_LLM_ACCESS_NETWORK_HELPER_H
#define EDGE_LLM_ACCESS_NETWORK_HELPER_H

#include "campus-network-helper.h"
#include "lte-cell-helper.h"
#include "wifi-star-helper.h"
#include "wired-lan-helper.h"

#include <string>

namespace ns3
{

/// The clients, the server and its address, and the network built for them.
struct AccessNetwork
{
    std::string kind; //!< wired, wifi, campus or lte
    NodeContainer clients;
    Ptr<Node> server;
    Ipv4Address serverAddress;
    WiredLan lan;         //!< when wired
    WifiStar star;        //!< when wifi
    LteCell cell;         //!< when lte
    CampusNetwork campus; //!< when campus
};

/**
 * \ingroup edge-llm
 * \brief Builds the users' access network by name, for examples and scenarios that let users
 * choose it: `wired` (WiredLanHelper: a 1 Gb/s CSMA LAN), `wifi` (WifiStarHelper: stations
 * around one AP, the server wired to it), `campus` (CampusNetworkHelper: several APs on a
 * wired backbone with the server) or `lte` (LteCellHelper: UEs in one cell, the server
 * behind the PGW). Wiring only.
 */
class AccessNetworkHelper
{
  public:
    /// wired, wifi, campus or lte; throws std::invalid_argument listing them.
    void SetKind(const std::string& kind);
    /// Client-to-AP or -eNB distance in metres (wifi, lte); throws if <= 0.
    void SetDistance(double metres);
    /// The Wi-Fi standard (wifi): see WifiStarHelper::StandardList().
    void SetStandard(const std::string& standard);
    /// Access points of a campus (default 4); throws std::invalid_argument if out of range.
    void SetAccessPoints(uint32_t count);
    static std::string KindList(); //!< "wired, wifi, campus, lte"
    /// The most clients `kind` holds (the address plan, association IDs, SRS slots); a campus
    /// of `accessPoints` APs.
    static uint32_t MaxClients(const std::string& kind, uint32_t accessPoints = 4);

    /// Throws std::invalid_argument, before building anything, for a bad client count.
    AccessNetwork Install(uint32_t clients, int64_t stream);
    /// Pcaps in `dir`: lan-* (wired), wifi-* and wired-* (wifi), wifi-* and backbone-*
    /// (campus), sgi-* (lte).
    void EnablePcap(const std::string& dir, const AccessNetwork& network);

  private:
    std::string m_kind{"wifi"};
    double m_distance{10};
    std::string m_standard{"80211ax"};
    uint32_t m_accessPoints{4};
    WiredLanHelper m_lan;
    WifiStarHelper m_star;
    LteCellHelper m_cell;
    CampusNetworkHelper m_campus;
};

} // namespace ns3

#endif // EDGE_LLM_ACCESS_NETWORK_HELPER_H
