/*
 * BatteryHelper: battery-powered devices in ns-3's energy framework, their radio and their
 * LLM engine drawing from one battery each.
 */
#ifndef EDGE_LLM_BATTERY_HELPER_H
#define EDGE_LLM_BATTERY_HELPER_H

#include "device-power-switch.h"
#include "llm-engine-energy-model.h"

#include "ns3/basic-energy-source.h"
#include "ns3/node-container.h"
#include "ns3/wifi-radio-energy-model.h"

#include <string>
#include <vector>

namespace ns3
{

/// One node's battery and the devices that draw from it.
struct Battery
{
    Ptr<Node> node;
    Ptr<BasicEnergySource> source;
    std::vector<Ptr<WifiRadioEnergyModel>> radios; //!< one per Wi-Fi device of the node
    Ptr<LlmEngineEnergyModel> engine;              //!< null when the node has no LlmEngine
    Ptr<DevicePowerSwitch> users; //!< ends the node's users' requests when it runs out

    double RadioJoules() const;   //!< drawn by the radios so far
    double ComputeJoules() const; //!< drawn by the engine so far
    /// When the battery first ran out (negative: it did not).
    Time DepletionTime() const;
};

class ProgramOptions;

/// A program's --battery and --battery-voltage options: mains power unless --battery is given.
struct BatteryOptions
{
    double capacityJoules{0}; //!< 0: mains-powered, no energy framework
    double voltage{3.85};     //!< a lithium-ion cell's nominal voltage

    /// Declares the options, their ranges and the BasicEnergySource attributes they set;
    /// `devices` names what runs on the battery ("phones", "MoA devices").
    void AddOptions(ProgramOptions& options, const std::string& devices);
    bool IsOn() const; //!< a capacity was given
};

/**
 * \ingroup edge-llm
 * \brief Gives each node a BasicEnergySource of the chosen capacity and supply voltage, a
 * WifiRadioEnergyModel on each of its Wi-Fi devices (ns-3's currents, settable as
 * ns3::WifiRadioEnergyModel attributes; the radio switches off when the battery is empty), an
 * LlmEngineEnergyModel on its LlmEngine when it has one, and a DevicePowerSwitch that ends
 * its users' requests then. Wiring only. Install after the Wi-Fi devices, the engines and the
 * applications.
 */
class BatteryHelper
{
  public:
    /// Joules a full battery holds (> 0, finite); throws std::invalid_argument.
    void SetCapacity(double joules);
    /// Supply voltage in volts (> 0, finite); throws std::invalid_argument.
    void SetVoltage(double volts);
    /// Capacity and voltage from a program's options.
    void Set(const BatteryOptions& options);

    std::vector<Battery> Install(const NodeContainer& nodes) const;

  private:
    double m_capacity{55'000}; //!< about a phone's 4,000 mAh at 3.85 V
    double m_voltage{3.85};
};

} // namespace ns3

#endif // EDGE_LLM_BATTERY_HELPER_H
