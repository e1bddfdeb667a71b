/*
 * AccessNetworkHelper: client nodes that reach one server over a wired LAN, a Wi-Fi star or
 * an LTE cell, chosen by name.
 */
#ifndef EDGE_LLM_ACCESS_NETWORK_HELPER_H
#define EDGE_LLM_ACCESS_NETWORK_HELPER_H

#include "lte-cell-helper.h"
#include "wifi-star-helper.h"
#include "wired-lan-helper.h"

#include <string>

namespace ns3
{

/// The clients, the server and its address, and the network built for them.
struct AccessNetwork
{
    std::string kind; //!< wired, wifi or lte
    NodeContainer clients;
    Ptr<Node> server;
    Ipv4Address serverAddress;
    WiredLan lan;  //!< when wired
    WifiStar star; //!< when wifi
    LteCell cell;  //!< when lte
};

/**
 * \ingroup edge-llm
 * \brief Builds the users' access network by name, for examples and scenarios that let users
 * choose it: `wired` (WiredLanHelper: a 1 Gb/s CSMA LAN), `wifi` (WifiStarHelper: stations
 * around one AP, the server wired to it) or `lte` (LteCellHelper: UEs in one cell, the server
 * behind the PGW). Wiring only.
 */
class AccessNetworkHelper
{
  public:
    /// wired, wifi or lte; throws std::invalid_argument listing them.
    void SetKind(const std::string& kind);
    /// Client-to-AP or -eNB distance in metres (wifi, lte); throws if <= 0.
    void SetDistance(double metres);
    /// The Wi-Fi standard (wifi): see WifiStarHelper::StandardList().
    void SetStandard(const std::string& standard);
    static std::string KindList(); //!< "wired, wifi, lte"
    /// The most clients the kind holds (the address plan, association IDs, SRS slots).
    static uint32_t MaxClients(const std::string& kind);

    /// Throws std::invalid_argument, before building anything, for a bad client count.
    AccessNetwork Install(uint32_t clients, int64_t stream);
    /// Pcaps in `dir`: lan-* (wired), wifi-* and wired-* (wifi), sgi-* (lte).
    void EnablePcap(const std::string& dir, const AccessNetwork& network);

  private:
    std::string m_kind{"wifi"};
    double m_distance{10};
    std::string m_standard{"80211ax"};
    WiredLanHelper m_lan;
    WifiStarHelper m_star;
    LteCellHelper m_cell;
};

} // namespace ns3

#endif // EDGE_LLM_ACCESS_NETWORK_HELPER_H
