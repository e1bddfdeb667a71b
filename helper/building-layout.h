/*
 * BuildingLayout: ns-3 buildings around a topology's clients, the clients inside them.
 */
#ifndef EDGE_LLM_BUILDING_LAYOUT_H
#define EDGE_LLM_BUILDING_LAYOUT_H

#include "ns3/building.h"
#include "ns3/node-container.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Puts a topology's clients inside K ns-3 buildings (ns3::Building), so that ns-3's
 * HybridBuildingsPropagationLossModel adds their external wall loss (and its height gain,
 * internal walls and indoor model) to every link of theirs.
 *
 * Layout: building k (k < K <= clients) is a square box centred where client k stands (the
 * topology's own place: its circle around the AP or eNB, its grid point), BUILDING_FLOORS
 * floors of FLOOR_HEIGHT_M (below the model's 20 m rooftop level), ROOMS_PER_SIDE x
 * ROOMS_PER_SIDE rooms per floor, residential (ns-3's default type, which ITU-R P.1238 uses
 * indoors), external walls of the chosen type. A side is MAX_SIDE_M, or less so that no two
 * buildings touch and every other node (AP, eNB, server) stays outside: at most the
 * Chebyshev distance (along the larger axis) from a centre to the nearest other node (its
 * walls half-way there) and 0.9 x the one between two centres; Install throws if that
 * leaves less than MIN_SIDE_M. Client i lives in building i mod K: its j-th client
 * (j = i div K) on floor j mod BUILDING_FLOORS (the ground floor first), in the centre room
 * first, then the others. With K = N every client keeps its place, on the ground floor.
 *
 * Static clients only: ns-3's moving mobility models cannot be moved into a building once
 * installed; AccessNetworkHelper refuses the combination. Wiring only: no random variables.
 */
class BuildingLayout
{
  public:
    /// 0 (default: no buildings) to MAX_BUILDINGS; throws std::invalid_argument otherwise.
    void SetBuildings(uint32_t count);
    uint32_t GetBuildings() const;
    /// External walls: one of WallList() (default concrete-with-windows, 7 dB in ns-3; wood
    /// 4, stone-blocks 12, concrete-without-windows 15); throws std::invalid_argument
    /// naming the bad value and the accepted ones.
    void SetWalls(const std::string& type);
    const std::string& GetWalls() const;
    static std::string WallList(); //!< "concrete-with-windows, concrete-without-windows, ..."

    static constexpr uint32_t MAX_BUILDINGS = 1000;
    static constexpr uint32_t BUILDING_FLOORS = 3;
    static constexpr double FLOOR_HEIGHT_M = 3;
    static constexpr uint32_t ROOMS_PER_SIDE = 3;
    static constexpr double MAX_SIDE_M = 20;
    static constexpr double MIN_SIDE_M = 4;

    /**
     * Builds the buildings around `clients` (static, with their mobility installed) and moves
     * every client inside its building; every other node with a mobility model counts as
     * outside. Throws std::invalid_argument for more buildings than clients, moving clients
     * or buildings narrower than MIN_SIDE_M. Then calls Equip(). With no buildings it only
     * calls Equip(): every node outdoors, moving or not. Returns the buildings, in order.
     */
    std::vector<Ptr<Building>> Install(const NodeContainer& clients) const;
    /// Aggregates a MobilityBuildingInfo (BuildingsHelper::Install) to every node that has a
    /// mobility model and none yet: what HybridBuildingsPropagationLossModel reads.
    static void Equip();

  private:
    uint32_t m_buildings{0};
    std::string m_walls{"concrete-with-windows"};
};

} // namespace ns3

#endif // EDGE_LLM_BUILDING_LAYOUT_H
