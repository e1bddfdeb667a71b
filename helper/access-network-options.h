/*
 * AccessNetworkOptions: the options every program offers for AccessNetworkHelper beyond
 * --topology, --standard and --distance (how the clients move, the path loss, buildings, LTE
 * cells and fading, the stations' join window), and
 * the checks of --topology every program shares.
 */
#ifndef EDGE_LLM_ACCESS_NETWORK_OPTIONS_H
#define EDGE_LLM_ACCESS_NETWORK_OPTIONS_H

#include <cstdint>
#include <string>

namespace ns3
{

class AccessNetworkHelper;
class LlmRunHelper;
class ProgramOptions;
struct BatteryOptions;

/// A program's --mobility, --speed, --pause, --propagation, --buildings, --walls, --cells,
/// --fading and --join-window, as AccessNetworkHelper takes them.
struct AccessNetworkOptions
{
    std::string mobility{"static"}; //!< NodeMobilityHelper::List()
    double speed{0};                //!< metres per second (moving models)
    double pause{0};                //!< seconds at each waypoint (random-waypoint)
    std::string propagation;        //!< empty: the topology's default path loss
    uint32_t buildings{0};          //!< clients inside this many buildings (0: outdoors)
    std::string walls{"concrete-with-windows"}; //!< BuildingLayout::WallList()
    uint32_t cells{1};                          //!< LTE cells on one EPC (lte)
    std::string fading{"none"};                 //!< LTE fast fading (LteFadingTrace::List())
    double joinWindow{0}; //!< seconds over which Wi-Fi stations join (wifi-star, campus)

    /// Declares the options and their ranges; `nodes` names what moves ("client nodes").
    void AddOptions(ProgramOptions& options, const std::string& nodes);
    /// Sets them on `helper`; throws std::invalid_argument naming a bad value.
    void Configure(AccessNetworkHelper& helper) const;
    /// Records mobility, speed_mps, propagation (hybrid-buildings when buildings set it),
    /// buildings and walls (with buildings), cells and fading (lte) and join_window_s (when
    /// set) in the run's summary.json.
    void Record(LlmRunHelper& runner, const std::string& topology) const;

    /**
     * A one-line warning for a setting that runs but slowly, or empty: more than
     * STORM_STATIONS stations of a wifi-star joining at once make an association storm
     * (README, Performance); the line suggests a --join-window of 10 ms per station.
     */
    std::string Warning(const std::string& kind, uint32_t clients) const;
    static constexpr uint32_t STORM_STATIONS = 200;

    /**
     * The canonical kind of a --topology value (`wifi` -> `wifi-star`); throws
     * std::invalid_argument "unknown --<option> '<value>'; accepted: <the kinds>" for another.
     */
    static std::string Kind(const std::string& topology, const std::string& option = "topology");
    /**
     * With `battery` on, refuses `kind` (canonical) where its `nodes` have no radio energy
     * model (wired, lte in ns-3.37): they would draw nothing from it, or (`haveEngines`: they
     * run an engine of their own) their engines alone would. Throws std::invalid_argument
     * with one line.
     */
    static void CheckBattery(const BatteryOptions& battery,
                             const std::string& kind,
                             const std::string& nodes,
                             bool haveEngines = false);
    /// Kind() of the program's --topology (named --access when only its old name was given),
    /// then CheckBattery().
    static std::string CheckTopology(const ProgramOptions& options,
                                     const std::string& topology,
                                     const BatteryOptions& battery,
                                     const std::string& nodes,
                                     bool haveEngines = false);
};

} // namespace ns3

#endif // EDGE_LLM_ACCESS_NETWORK_OPTIONS_H
