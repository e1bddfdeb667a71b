/*
 * AccessNetworkHelper: the one topology layer of every program. Client nodes that reach one
 * server over a wired LAN, a Wi-Fi star, a campus, an LTE cell or an ad hoc network (single
 * hop, OLSR, AODV, 802.11s mesh), chosen by name.
 */
#ifndef EDGE_LLM_ACCESS_NETWORK_HELPER_H
#define EDGE_LLM_ACCESS_NETWORK_HELPER_H

#include "adhoc-network-helper.h"
#include "building-layout.h"
#include "campus-network-helper.h"
#include "lte-cell-helper.h"
#include "wifi-star-helper.h"
#include "wired-lan-helper.h"

#include <string>
#include <vector>

namespace ns3
{

/// The clients, the server and its address, and the network built for them.
struct AccessNetwork
{
    std::string kind; //!< one of AccessNetworkHelper::KindList()
    NodeContainer clients;
    Ptr<Node> server;
    Ipv4Address serverAddress;
    std::vector<Time> joinTimes; //!< when client i joins its AP (wifi-star, campus; else 0)
    WiredLan lan;                //!< when wired
    WifiStar star;               //!< when wifi-star
    LteCell cell;                //!< when lte
    CampusNetwork campus;        //!< when campus
    AdhocNetwork adhoc;          //!< when single-hop, olsr, aodv or mesh: clients, then the server
    std::vector<Ptr<Building>> buildings; //!< SetBuildings' buildings, in order
};

/**
 * \ingroup edge-llm
 * \brief Builds the network between N client nodes and one server by name, for every
 * program: `wired` (WiredLanHelper: a 1 Gb/s CSMA LAN), `wifi-star` (WifiStarHelper:
 * stations around one AP, the server wired to it; `wifi` is its old name), `campus`
 * (CampusNetworkHelper: several APs on a wired backbone with the server), `lte`
 * (LteCellHelper: UEs in one cell, the server behind the PGW) or the ad hoc kinds
 * `single-hop`, `olsr`, `aodv` and `mesh` (AdhocNetworkHelper: the server is one more node of
 * the grid, the last one, reached over one or several hops; on `mesh` it is the HWMP root).
 * Wiring only.
 */
class AccessNetworkHelper
{
  public:
    /// One of KindList() (or `wifi`, kept as wifi-star's old name); throws
    /// std::invalid_argument naming the bad value and listing the kinds.
    void SetKind(const std::string& kind);
    /// The kind's name in KindList(): `wifi` -> `wifi-star`; others unchanged.
    static std::string Canonical(const std::string& kind);
    /// single-hop, olsr, aodv and mesh: the kinds without infrastructure.
    static bool IsAdhoc(const std::string& kind);
    /// Client-to-AP or -eNB distance in metres (wifi-star, campus, lte); throws if <= 0.
    void SetDistance(double metres);
    /// The Wi-Fi standard of wifi-star, campus and the ad hoc kinds (wired and lte ignore it):
    /// one of StandardList(); Install throws if the kind does not offer it. Not set: the
    /// kind's default (80211ax for the stars, 80211a ad hoc).
    void SetStandard(const std::string& standard);
    /// Every standard some kind offers.
    static std::string StandardList();
    /// Distance between grid neighbours of the ad hoc kinds (the others ignore it); 0
    /// (default): the topology's own.
    void SetSpacing(double metres);
    /**
     * How the clients move (default static) on the wireless kinds: see NodeMobilityHelper
     * (ad hoc: inside the grid, the server moving too; wifi-star, lte: around the AP or eNB;
     * campus: around their own AP). Wired ignores it. Throws for a bad model, speed or pause.
     */
    void SetMobility(const std::string& model, double speedMetresPerSecond, double pauseSeconds);
    /// Path loss: Wi-Fi kinds WifiPropagation::List(), lte LteCellHelper::PropagationList();
    /// wired ignores it; empty (default): the kind's own (log-distance, cost231). Install
    /// throws if the kind does not offer it.
    void SetPropagation(const std::string& name);
    static std::string PropagationList(); //!< every name some kind offers
    /**
     * Puts the clients inside `count` ns-3 buildings with external walls `walls` (see
     * BuildingLayout; 0, the default: none) on every kind but wired, static clients only.
     * Their walls count through "hybrid-buildings" (ns-3's
     * HybridBuildingsPropagationLossModel), the path loss when buildings are set. Throws
     * std::invalid_argument for a bad count or wall type; Install throws for wired, moving
     * clients, another --propagation or more buildings than clients.
     */
    void SetBuildings(uint32_t count, const std::string& walls = "concrete-with-windows");
    /// Fast fading of lte (LteCellHelper::SetFading): "none" (default) or a trace name;
    /// throws for a malformed name. Install throws if another kind is given one.
    void SetFading(const std::string& name);
    /// Wi-Fi stations join their AP one after another over `seconds` (wifi-star, campus;
    /// default 0: all at once): see WifiJoinWindow. Throws std::invalid_argument out of
    /// 0..1e6; Install throws if another kind is given a window.
    void SetJoinWindow(double seconds);
    /// Access points of a campus (default 4); throws std::invalid_argument if out of range.
    void SetAccessPoints(uint32_t count);
    /// LTE cells on the EPC (default 1; LteCellHelper::SetCells, eNBs 500 m apart); throws
    /// std::invalid_argument if out of range.
    void SetCells(uint32_t count);
    static std::string KindList(); //!< "wired, wifi-star, campus, lte, single-hop, ..."
    /// The most clients `kind` holds (the address plan, association IDs, SRS slots); a campus
    /// of `accessPoints` APs, `cells` LTE cells.
    static uint32_t MaxClients(const std::string& kind,
                               uint32_t accessPoints = 4,
                               uint32_t cells = 1);

    /// Throws std::invalid_argument, before building anything, for a bad client count.
    AccessNetwork Install(uint32_t clients, int64_t stream);
    /// Pcaps in `dir`: lan-* (wired), wifi-* and wired-* (wifi-star), wifi-* and backbone-*
    /// (campus), sgi-* (lte), adhoc-* (the ad hoc kinds).
    void EnablePcap(const std::string& dir, const AccessNetwork& network);

  private:
    std::string m_kind{"wifi-star"};
    double m_distance{10};
    std::string m_standard; //!< empty: the kind's default
    double m_spacing{0};
    NodeMobilityHelper m_mobility;
    std::string m_propagation; //!< empty: the kind's default
    BuildingLayout m_buildings;
    std::string m_fading{"none"};
    double m_joinWindow{0};
    uint32_t m_accessPoints{4};
    uint32_t m_cells{1};
    WiredLanHelper m_lan;
    WifiStarHelper m_star;
    LteCellHelper m_cell;
    CampusNetworkHelper m_campus;
    AdhocNetworkHelper m_adhoc;
};

} // namespace ns3

#endif // EDGE_LLM_ACCESS_NETWORK_HELPER_H
