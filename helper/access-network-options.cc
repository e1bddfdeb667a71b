#include "access-network-options.h"

#include "access-network-helper.h"
#include "battery-helper.h"
#include "building-layout.h"
#include "llm-run-helper.h"
#include "lte-cell-helper.h"
#include "lte-fading-trace.h"
#include "node-mobility-helper.h"
#include "number-text.h"
#include "program-options.h"
#include "wifi-join-window.h"
#include "wifi-propagation.h"

#include <stdexcept>

namespace ns3
{

void
AccessNetworkOptions::AddOptions(ProgramOptions& options, const std::string& nodes)
{
    options.AddValue("cells",
                     "LTE cells on one EPC (--topology=lte, 1 to " +
                         std::to_string(LteCellHelper::MAX_CELLS) +
                         "), eNBs 500 m apart on one carrier; client i in cell i mod K",
                     cells);
    options.AddValue("mobility",
                     "How the " + nodes +
                         " move (wireless topologies): " + NodeMobilityHelper::List(),
                     mobility);
    options.AddValue("speed", "Speed of moving nodes in m/s", speed);
    options.AddValue("pause", "Pause at each waypoint in seconds (random-waypoint)", pause);
    options.AddValue("propagation",
                     "Path loss (default: the topology's; Wi-Fi: " + WifiPropagation::List() +
                         "; lte: " + LteCellHelper::PropagationList() + ")",
                     propagation);
    options.AddValue("buildings",
                     "Put the " + nodes +
                         " inside this many ns-3 buildings (wireless topologies, static "
                         "clients; client i in building i mod K; path loss hybrid-buildings)",
                     buildings);
    options.AddValue("walls",
                     "External walls of --buildings: " + BuildingLayout::WallList(),
                     walls);
    options.AddValue("fading",
                     "LTE fast fading (--topology=lte): " + LteFadingTrace::List(),
                     fading);
    options.AddValue("join-window",
                     "The " + nodes +
                         " join their Wi-Fi AP one after another over this many seconds "
                         "(wifi-star, campus; 0: all at once)",
                     joinWindow);
    options.Range("buildings", 0, BuildingLayout::MAX_BUILDINGS);
    options.Range("cells", 1, LteCellHelper::MAX_CELLS);
    options.Range("join-window", 0, 1e6, "seconds");
    options.Range("speed", 0, 100, "metres per second");
    options.Range("pause", 0, 1e6, "seconds");
}

void
AccessNetworkOptions::Configure(AccessNetworkHelper& helper) const
{
    helper.SetMobility(mobility, speed, pause);
    if (!propagation.empty())
    {
        helper.SetPropagation(propagation);
    }
    helper.SetBuildings(buildings, walls);
    helper.SetCells(cells);
    helper.SetFading(fading);
    helper.SetJoinWindow(joinWindow);
}

void
AccessNetworkOptions::Record(LlmRunHelper& runner, const std::string& topology) const
{
    runner.SetScenario("mobility", mobility);
    runner.SetScenario("speed_mps", NumberText(speed));
    // With buildings, the path loss that sees their walls.
    runner.SetScenario("propagation",
                       buildings > 0 && propagation.empty() ? "hybrid-buildings" : propagation);
    if (buildings > 0)
    {
        runner.SetScenario("buildings", std::to_string(buildings));
        runner.SetScenario("walls", walls);
    }
    const std::string kind = AccessNetworkHelper::Canonical(topology);
    if (kind == "lte")
    {
        runner.SetScenario("cells", std::to_string(cells));
        runner.SetScenario("fading", fading);
    }
    if (joinWindow > 0)
    {
        runner.SetScenario("join_window_s", NumberText(joinWindow));
    }
}

std::string
AccessNetworkOptions::Warning(const std::string& kind, uint32_t clients) const
{
    if (AccessNetworkHelper::Canonical(kind) != "wifi-star" || clients <= STORM_STATIONS ||
        joinWindow > 0)
    {
        return "";
    }
    // 250 stations at once: 2,196 association requests, all associated only at 8.1 s.
    return "warning: " + std::to_string(clients) +
           " Wi-Fi stations associating at once collide and retry for seconds and make the "
           "simulation slow; --join-window=" +
           NumberText(clients / 100.0) + " spreads them (10 ms each)";
}

std::string
AccessNetworkOptions::Kind(const std::string& topology, const std::string& option)
{
    try
    {
        AccessNetworkHelper().SetKind(topology); // the one list of kinds
    }
    catch (const std::invalid_argument&)
    {
        throw std::invalid_argument("unknown --" + option + " '" + topology +
                                    "'; accepted: " + AccessNetworkHelper::KindList());
    }
    return AccessNetworkHelper::Canonical(topology);
}

void
AccessNetworkOptions::CheckBattery(const BatteryOptions& battery,
                                   const std::string& kind,
                                   const std::string& nodes,
                                   bool haveEngines)
{
    if (battery.IsOn() && (kind == "wired" || kind == "lte"))
    {
        throw std::invalid_argument(
            "--battery: the " + nodes + " of --topology=" + kind +
            (haveEngines ? " have no radio energy model in ns-3.37 (their engines alone would "
                           "draw from a battery)"
                         : " draw nothing from a battery (no engine, no radio energy model in "
                           "ns-3.37)") +
            "; accepted with the Wi-Fi kinds");
    }
}

std::string
AccessNetworkOptions::CheckTopology(const ProgramOptions& options,
                                    const std::string& topology,
                                    const BatteryOptions& battery,
                                    const std::string& nodes,
                                    bool haveEngines)
{
    const bool old = options.WasGiven("access") && !options.WasGiven("topology");
    const std::string kind = Kind(topology, old ? "access" : "topology");
    CheckBattery(battery, kind, nodes, haveEngines);
    return kind;
}

} // namespace ns3
