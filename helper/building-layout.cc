#include "building-layout.h"

#include "number-text.h"

#include "ns3/buildings-helper.h"
#include "ns3/constant-position-mobility-model.h"
#include "ns3/mobility-building-info.h"
#include "ns3/node-list.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

namespace ns3
{

namespace
{

const std::map<std::string, Building::ExtWallsType_t>&
Walls()
{
    static const std::map<std::string, Building::ExtWallsType_t> walls = {
        {"concrete-with-windows", Building::ConcreteWithWindows},
        {"concrete-without-windows", Building::ConcreteWithoutWindows},
        {"stone-blocks", Building::StoneBlocks},
        {"wood", Building::Wood},
    };
    return walls;
}

/// Distance along the larger axis: a point is outside a square of half side h centred at `a`
/// when it is more than h from `a` this way.
double
Chebyshev(const Vector& a, const Vector& b)
{
    return std::max(std::abs(a.x - b.x), std::abs(a.y - b.y));
}

} // namespace

void
BuildingLayout::SetBuildings(uint32_t count)
{
    if (count > MAX_BUILDINGS)
    {
        throw std::invalid_argument("buildings " + std::to_string(count) + ": accepted 0 to " +
                                    std::to_string(MAX_BUILDINGS));
    }
    m_buildings = count;
}

uint32_t
BuildingLayout::GetBuildings() const
{
    return m_buildings;
}

void
BuildingLayout::SetWalls(const std::string& type)
{
    if (Walls().count(type) == 0)
    {
        throw std::invalid_argument("unknown wall type '" + type + "'; accepted: " + WallList());
    }
    m_walls = type;
}

const std::string&
BuildingLayout::GetWalls() const
{
    return m_walls;
}

std::string
BuildingLayout::WallList()
{
    std::string list;
    for (const auto& [name, type] : Walls())
    {
        list += (list.empty() ? "" : ", ") + name;
    }
    return list;
}

std::vector<Ptr<Building>>
BuildingLayout::Install(const NodeContainer& clients) const
{
    const uint32_t k = m_buildings;
    if (k > clients.GetN())
    {
        throw std::invalid_argument("buildings " + std::to_string(k) +
                                    ": at most one per client (" + std::to_string(clients.GetN()) +
                                    " clients)");
    }
    if (k == 0)
    {
        // No building: nothing to move into, so moving clients are fine too.
        Equip(); // every node outdoors
        return {};
    }
    std::vector<Ptr<ConstantPositionMobilityModel>> mobility;
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        Ptr<ConstantPositionMobilityModel> mm =
            clients.Get(i)->GetObject<ConstantPositionMobilityModel>();
        if (!mm)
        {
            throw std::invalid_argument("buildings hold static clients only; client " +
                                        std::to_string(i) + " moves");
        }
        mobility.push_back(mm);
    }
    std::vector<Vector> centres;
    for (uint32_t b = 0; b < k; ++b)
    {
        centres.push_back(mobility[b]->GetPosition());
    }
    // Every other node stays outside.
    std::set<uint32_t> clientIds;
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        clientIds.insert(clients.Get(i)->GetId());
    }
    std::vector<Vector> others;
    for (auto node = NodeList::Begin(); node != NodeList::End(); ++node)
    {
        Ptr<MobilityModel> mm = (*node)->GetObject<MobilityModel>();
        if (mm && clientIds.count((*node)->GetId()) == 0)
        {
            others.push_back(mm->GetPosition());
        }
    }
    // The side: walls at most half-way to any other node, a gap between buildings.
    double side = MAX_SIDE_M;
    for (uint32_t b = 0; b < k; ++b)
    {
        for (uint32_t c = b + 1; c < k; ++c)
        {
            side = std::min(side, 0.9 * Chebyshev(centres[b], centres[c]));
        }
        for (const Vector& other : others)
        {
            side = std::min(side, Chebyshev(centres[b], other));
        }
    }
    if (side < MIN_SIDE_M)
    {
        throw std::invalid_argument("buildings " + std::to_string(k) + ": around these " +
                                    std::to_string(clients.GetN()) + " clients they would be " +
                                    NumberText(side) + " m wide, under " + NumberText(MIN_SIDE_M) +
                                    " m; use fewer buildings or a larger distance or spacing");
    }

    std::vector<Ptr<Building>> buildings;
    for (uint32_t b = 0; b < k; ++b)
    {
        Ptr<Building> building = CreateObject<Building>();
        building->SetBoundaries(Box(centres[b].x - side / 2,
                                    centres[b].x + side / 2,
                                    centres[b].y - side / 2,
                                    centres[b].y + side / 2,
                                    0,
                                    BUILDING_FLOORS * FLOOR_HEIGHT_M));
        building->SetNFloors(BUILDING_FLOORS);
        building->SetNRoomsX(ROOMS_PER_SIDE);
        building->SetNRoomsY(ROOMS_PER_SIDE);
        building->SetExtWallsType(Walls().at(m_walls));
        buildings.push_back(building);
    }
    const double room = side / ROOMS_PER_SIDE;
    const uint32_t rooms = ROOMS_PER_SIDE * ROOMS_PER_SIDE;
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        const uint32_t j = i / k; // the client's place in its building
        const uint32_t floor = j % BUILDING_FLOORS;
        // The centre room first (a client alone keeps its place), then the others in order.
        const uint32_t centreRoom = rooms / 2;
        uint32_t r = (j / BUILDING_FLOORS) % rooms;
        r = r == 0 ? centreRoom : (r <= centreRoom ? r - 1 : r);
        const Box box = buildings[i % k]->GetBoundaries();
        mobility[i]->SetPosition(Vector(box.xMin + (r % ROOMS_PER_SIDE + 0.5) * room,
                                        box.yMin + (r / ROOMS_PER_SIDE + 0.5) * room,
                                        floor * FLOOR_HEIGHT_M + FLOOR_HEIGHT_M / 2));
    }
    Equip();
    return buildings;
}

void
BuildingLayout::Equip()
{
    for (auto node = NodeList::Begin(); node != NodeList::End(); ++node)
    {
        Ptr<MobilityModel> mm = (*node)->GetObject<MobilityModel>();
        if (mm && !mm->GetObject<MobilityBuildingInfo>())
        {
            BuildingsHelper::Install(*node);
        }
    }
}

} // namespace ns3
