#include "access-network-helper.h"

#include "number-text.h"
#include "wifi-join-window.h"
#include "wifi-propagation.h"

#include "ns3/hwmp-protocol.h"
#include "ns3/mesh-point-device.h"

#include <algorithm>
#include <stdexcept>

namespace ns3
{

namespace
{
const std::vector<std::string>&
Kinds()
{
    static const std::vector<std::string> kinds =
        {"wired", "wifi-star", "campus", "lte", "single-hop", "olsr", "aodv", "mesh"};
    return kinds;
}
} // namespace

std::string
AccessNetworkHelper::KindList()
{
    std::string list;
    for (const auto& kind : Kinds())
    {
        list += (list.empty() ? "" : ", ") + kind;
    }
    return list;
}

std::string
AccessNetworkHelper::Canonical(const std::string& kind)
{
    return kind == "wifi" ? "wifi-star" : kind;
}

bool
AccessNetworkHelper::IsAdhoc(const std::string& kind)
{
    const std::string k = Canonical(kind);
    return k == "single-hop" || k == "olsr" || k == "aodv" || k == "mesh";
}

void
AccessNetworkHelper::SetKind(const std::string& kind)
{
    const std::string k = Canonical(kind);
    if (std::find(Kinds().begin(), Kinds().end(), k) == Kinds().end())
    {
        throw std::invalid_argument("topology '" + kind + "' is not one of: " + KindList() +
                                    " (wifi is wifi-star's old name)");
    }
    m_kind = k;
}

void
AccessNetworkHelper::SetDistance(double metres)
{
    if (!(metres > 0 && metres <= 10000))
    {
        throw std::invalid_argument("distance " + NumberText(metres) +
                                    ": accepted (0, 10000] metres");
    }
    m_distance = metres;
}

std::string
AccessNetworkHelper::StandardList()
{
    return AdhocNetworkHelper::StandardList(); // a superset of the stars' standards
}

void
AccessNetworkHelper::SetStandard(const std::string& standard)
{
    AdhocNetworkHelper().SetStandard(standard); // throws listing every standard
    m_standard = standard;
}

void
AccessNetworkHelper::SetSpacing(double metres)
{
    if (metres != 0)
    {
        m_adhoc.SetSpacing(metres); // throws unless finite and > 0
    }
    m_spacing = metres;
}

void
AccessNetworkHelper::SetMobility(const std::string& model,
                                 double speedMetresPerSecond,
                                 double pauseSeconds)
{
    m_mobility.Set(model, speedMetresPerSecond, pauseSeconds); // throws naming the bad value
}

std::string
AccessNetworkHelper::PropagationList()
{
    return "cost231, friis, hybrid-buildings, log-distance, log-distance-nakagami";
}

void
AccessNetworkHelper::SetPropagation(const std::string& name)
{
    if (name != "cost231")
    {
        try
        {
            WifiPropagation::Check(name);
        }
        catch (const std::invalid_argument&)
        {
            throw std::invalid_argument("unknown propagation '" + name +
                                        "'; accepted: " + PropagationList());
        }
    }
    m_propagation = name;
}

void
AccessNetworkHelper::SetBuildings(uint32_t count, const std::string& walls)
{
    m_buildings.SetBuildings(count); // throws with the range
    m_buildings.SetWalls(walls);     // throws listing the wall types
}

void
AccessNetworkHelper::SetFading(const std::string& name)
{
    m_cell.SetFading(name); // throws naming the accepted names
    m_fading = name;
}

void
AccessNetworkHelper::SetJoinWindow(double seconds)
{
    WifiJoinWindow::Check(seconds);
    m_joinWindow = seconds;
}

void
AccessNetworkHelper::SetAccessPoints(uint32_t count)
{
    m_campus.SetAccessPoints(count); // throws with the range
    m_accessPoints = count;
}

void
AccessNetworkHelper::SetCells(uint32_t count)
{
    m_cell.SetCells(count); // throws with the range
    m_cells = count;
}

uint32_t
AccessNetworkHelper::MaxClients(const std::string& kind, uint32_t accessPoints, uint32_t cells)
{
    const std::string k = Canonical(kind);
    if (k == "lte")
    {
        return LteCellHelper::MaxUes(cells); // one slot per cell is its eNB's
    }
    if (k == "wifi-star")
    {
        return WifiStarHelper::MAX_STATIONS;
    }
    if (k == "campus")
    {
        return CampusNetworkHelper::MaxStations(accessPoints);
    }
    if (IsAdhoc(k))
    {
        return AdhocNetworkHelper::MAX_NODES - 1; // one node is the server
    }
    return WiredLanHelper::MAX_CLIENTS;
}

AccessNetwork
AccessNetworkHelper::Install(uint32_t clients, int64_t stream)
{
    if (clients < 1 || clients > MaxClients(m_kind, m_accessPoints, m_cells))
    {
        const char* why = m_kind == "lte" ? " (one sounding-reference-signal slot each)"
                          : m_kind == "wifi-star" || m_kind == "campus"
                              ? " (802.11 association IDs per access point)"
                              : " (the address plan's /16)";
        throw std::invalid_argument("--topology=" + m_kind + " holds 1 to " +
                                    std::to_string(MaxClients(m_kind, m_accessPoints, m_cells)) +
                                    " client nodes" + why + "; asked " + std::to_string(clients));
    }
    const uint32_t buildings = m_buildings.GetBuildings();
    if (buildings > 0)
    {
        const std::string given = "--buildings=" + std::to_string(buildings);
        if (m_kind == "wired")
        {
            throw std::invalid_argument(given + ": --topology=wired has no radio to wall in; "
                                                "accepted on every other topology");
        }
        if (!m_mobility.IsStatic())
        {
            throw std::invalid_argument(given +
                                        " takes static clients (ns-3 cannot move a "
                                        "moving client into a building), not --mobility=" +
                                        m_mobility.GetModel());
        }
        if (!m_propagation.empty() && m_propagation != "hybrid-buildings")
        {
            throw std::invalid_argument(
                given +
                " needs --propagation=hybrid-buildings (the path loss that sees walls, "
                "the default with buildings), not --propagation=" +
                m_propagation);
        }
        if (buildings > clients)
        {
            throw std::invalid_argument(given + ": at most one building per client node (" +
                                        std::to_string(clients) + ")");
        }
        // Client i sits in building i mod K and belongs to AP i mod A: only when A divides K
        // does every client stay near its own AP.
        if (m_kind == "campus" && buildings % m_accessPoints != 0)
        {
            throw std::invalid_argument(given + " on a campus of " +
                                        std::to_string(m_accessPoints) +
                                        " access points: accepted a multiple of --aps (each "
                                        "client's building around its own AP)");
        }
    }
    // Buildings' walls count only through ns-3's buildings-aware path loss.
    const std::string propagation =
        buildings > 0 && m_propagation.empty() ? "hybrid-buildings" : m_propagation;
    if (!propagation.empty() && m_kind != "wired")
    {
        try
        {
            if (m_kind == "lte")
            {
                m_cell.SetPropagation(propagation);
            }
            else
            {
                WifiPropagation::Check(propagation);
            }
        }
        catch (const std::invalid_argument&)
        {
            throw std::invalid_argument(
                "--topology=" + m_kind + " does not offer --propagation=" + propagation +
                "; accepted: " +
                (m_kind == "lte" ? LteCellHelper::PropagationList() : WifiPropagation::List()));
        }
    }
    if (m_fading != "none" && m_kind != "lte")
    {
        throw std::invalid_argument(
            "--topology=" + m_kind + " does not offer --fading=" + m_fading +
            " (lte only; Wi-Fi fading: " + "--propagation=log-distance-nakagami)");
    }
    if (m_joinWindow > 0 && m_kind != "wifi-star" && m_kind != "campus")
    {
        throw std::invalid_argument("--topology=" + m_kind +
                                    " does not offer --join-window=" + NumberText(m_joinWindow) +
                                    " (Wi-Fi stations joining an AP: wifi-star, campus)");
    }
    if (!m_standard.empty() && (m_kind == "wifi-star" || m_kind == "campus"))
    {
        try
        {
            WifiStarHelper().SetStandard(m_standard);
        }
        catch (const std::invalid_argument&)
        {
            throw std::invalid_argument("--topology=" + m_kind +
                                        " does not offer --standard=" + m_standard +
                                        "; accepted: " + WifiStarHelper::StandardList());
        }
    }
    const std::string wifiPropagation = propagation.empty() ? "log-distance" : propagation;
    AccessNetwork net;
    net.kind = m_kind;
    if (m_kind == "lte")
    {
        m_cell.SetMobility(m_mobility);
        m_cell.SetDistance(m_distance);
        net.cell = m_cell.Install(clients, stream);
        net.clients = net.cell.ues;
        net.server = net.cell.server.Get(0);
        net.serverAddress = net.cell.serverAddress;
    }
    else if (m_kind == "campus")
    {
        if (!m_standard.empty())
        {
            m_campus.SetStandard(m_standard); // throws listing the Wi-Fi stars' standards
        }
        m_campus.SetDistance(m_distance);
        m_campus.SetPropagation(wifiPropagation);
        m_campus.SetMobility(m_mobility);
        m_campus.SetJoinWindow(m_joinWindow);
        net.campus = m_campus.Install(clients, stream);
        net.clients = net.campus.stations;
        net.joinTimes = net.campus.joinTimes;
        net.server = net.campus.server.Get(0);
        net.serverAddress = net.campus.serverAddress;
    }
    else if (m_kind == "wifi-star")
    {
        if (!m_standard.empty())
        {
            m_star.SetStandard(m_standard); // throws listing the star's standards
        }
        m_star.SetDistance(m_distance);
        m_star.SetPropagation(wifiPropagation);
        m_star.SetMobility(m_mobility);
        m_star.SetJoinWindow(m_joinWindow);
        net.star = m_star.Install(clients, stream);
        net.clients = net.star.stations;
        net.joinTimes = net.star.joinTimes;
        net.server = net.star.server.Get(0);
        net.serverAddress = net.star.serverAddress;
    }
    else if (IsAdhoc(m_kind))
    {
        m_adhoc.SetTopology(m_kind);
        m_adhoc.SetPropagation(wifiPropagation);
        m_adhoc.SetMobility(m_mobility.GetModel(), m_mobility.GetSpeed(), m_mobility.GetPause());
        if (!m_standard.empty())
        {
            m_adhoc.SetStandard(m_standard);
        }
        // The server is the grid's last node: with several rows, the farthest from node 0.
        net.adhoc = m_adhoc.Install(clients + 1, stream);
        for (uint32_t i = 0; i < clients; ++i)
        {
            net.clients.Add(net.adhoc.nodes.Get(i));
        }
        net.server = net.adhoc.nodes.Get(clients);
        net.serverAddress = net.adhoc.interfaces.GetAddress(clients);
        if (m_kind == "mesh")
        {
            // The server is the mesh's root (its gate, as in 802.11s proactive mode): its
            // periodic proactive PREQs give every client a path to it. Reactive discovery
            // alone lost every connection of clients whose TCP SYNs (hence PREQs) left at the
            // same instants: the broadcasts collided at the server on every retry.
            Ptr<MeshPointDevice> mp = DynamicCast<MeshPointDevice>(net.adhoc.devices.Get(clients));
            DynamicCast<dot11s::HwmpProtocol>(mp->GetRoutingProtocol())->SetRoot();
        }
    }
    else
    {
        net.lan = m_lan.Install(clients);
        net.clients = net.lan.clients;
        net.server = net.lan.server.Get(0);
        net.serverAddress = net.lan.serverAddress;
    }
    if (propagation == "hybrid-buildings" && m_kind != "wired")
    {
        // Throws if the buildings would be too narrow around these clients.
        net.buildings = m_buildings.Install(net.clients);
    }
    net.joinTimes.resize(net.clients.GetN(), Time(0)); // the kinds without a join window
    return net;
}

void
AccessNetworkHelper::EnablePcap(const std::string& dir, const AccessNetwork& network)
{
    if (network.kind == "lte")
    {
        m_cell.EnablePcap(dir + "/sgi", network.cell);
    }
    else if (network.kind == "wifi-star")
    {
        m_star.EnablePcap(dir + "/wifi", dir + "/wired", network.star);
    }
    else if (network.kind == "campus")
    {
        m_campus.EnablePcap(dir + "/wifi", dir + "/backbone", network.campus);
    }
    else if (IsAdhoc(network.kind))
    {
        m_adhoc.EnablePcap(dir + "/adhoc", network.adhoc);
    }
    else
    {
        m_lan.EnablePcap(dir + "/lan", network.lan);
    }
}

} // namespace ns3
