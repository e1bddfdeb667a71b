#include "access-network-options.h"

#include "access-network-helper.h"
#include "battery-helper.h"
#include "llm-run-helper.h"
#include "lte-cell-helper.h"
#include "node-mobility-helper.h"
#include "number-text.h"
#include "program-options.h"
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
    options.Range("cells", 1, LteCellHelper::MAX_CELLS);
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
    helper.SetCells(cells);
}

void
AccessNetworkOptions::Record(LlmRunHelper& runner, const std::string& topology) const
{
    runner.SetScenario("mobility", mobility);
    runner.SetScenario("speed_mps", NumberText(speed));
    runner.SetScenario("propagation", propagation);
    if (AccessNetworkHelper::Canonical(topology) == "lte")
    {
        runner.SetScenario("cells", std::to_string(cells));
    }
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
