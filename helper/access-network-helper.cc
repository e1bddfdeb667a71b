#include "access-network-helper.h"

#include "number-text.h"

#include <stdexcept>

namespace ns3
{

std::string
AccessNetworkHelper::KindList()
{
    return "wired, wifi, campus, lte";
}

void
AccessNetworkHelper::SetKind(const std::string& kind)
{
    if (kind != "wired" && kind != "wifi" && kind != "campus" && kind != "lte")
    {
        throw std::invalid_argument("access '" + kind + "' is not one of: " + KindList());
    }
    m_kind = kind;
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

void
AccessNetworkHelper::SetStandard(const std::string& standard)
{
    m_star.SetStandard(standard); // throws listing the standards
    m_campus.SetStandard(standard);
    m_standard = standard;
}

void
AccessNetworkHelper::SetAccessPoints(uint32_t count)
{
    m_campus.SetAccessPoints(count); // throws with the range
    m_accessPoints = count;
}

uint32_t
AccessNetworkHelper::MaxClients(const std::string& kind, uint32_t accessPoints)
{
    if (kind == "lte")
    {
        return LteCellHelper::MAX_UES - 1; // one slot is the eNB's
    }
    if (kind == "wifi")
    {
        return WifiStarHelper::MAX_STATIONS;
    }
    if (kind == "campus")
    {
        return CampusNetworkHelper::MaxStations(accessPoints);
    }
    return WiredLanHelper::MAX_CLIENTS;
}

AccessNetwork
AccessNetworkHelper::Install(uint32_t clients, int64_t stream)
{
    if (clients < 1 || clients > MaxClients(m_kind, m_accessPoints))
    {
        const char* why = m_kind == "lte" ? " (one sounding-reference-signal slot each)"
                          : m_kind == "wifi" || m_kind == "campus"
                              ? " (802.11 association IDs per access point)"
                              : " (the LAN's /16)";
        throw std::invalid_argument("--access=" + m_kind + " holds 1 to " +
                                    std::to_string(MaxClients(m_kind, m_accessPoints)) +
                                    " client nodes" + why + "; asked " + std::to_string(clients));
    }
    AccessNetwork net;
    net.kind = m_kind;
    if (m_kind == "lte")
    {
        m_cell.SetDistance(m_distance);
        net.cell = m_cell.Install(clients, stream);
        net.clients = net.cell.ues;
        net.server = net.cell.server.Get(0);
        net.serverAddress = net.cell.serverAddress;
    }
    else if (m_kind == "campus")
    {
        m_campus.SetDistance(m_distance);
        net.campus = m_campus.Install(clients, stream);
        net.clients = net.campus.stations;
        net.server = net.campus.server.Get(0);
        net.serverAddress = net.campus.serverAddress;
    }
    else if (m_kind == "wifi")
    {
        m_star.SetDistance(m_distance);
        net.star = m_star.Install(clients, stream);
        net.clients = net.star.stations;
        net.server = net.star.server.Get(0);
        net.serverAddress = net.star.serverAddress;
    }
    else
    {
        net.lan = m_lan.Install(clients);
        net.clients = net.lan.clients;
        net.server = net.lan.server.Get(0);
        net.serverAddress = net.lan.serverAddress;
    }
    return net;
}

void
AccessNetworkHelper::EnablePcap(const std::string& dir, const AccessNetwork& network)
{
    if (network.kind == "lte")
    {
        m_cell.EnablePcap(dir + "/sgi", network.cell);
    }
    else if (network.kind == "wifi")
    {
        m_star.EnablePcap(dir + "/wifi", dir + "/wired", network.star);
    }
    else if (network.kind == "campus")
    {
        m_campus.EnablePcap(dir + "/wifi", dir + "/backbone", network.campus);
    }
    else
    {
        m_lan.EnablePcap(dir + "/lan", network.lan);
    }
}

} // namespace ns3
