#include "battery-helper.h"

#include "number-text.h"
#include "program-options.h"

#include "ns3/basic-energy-source-helper.h"
#include "ns3/double.h"
#include "ns3/simulator.h"
#include "ns3/wifi-net-device.h"
#include "ns3/wifi-phy.h"
#include "ns3/wifi-radio-energy-model-helper.h"

#include <cmath>
#include <stdexcept>

namespace ns3
{

double
Battery::RadioJoules() const
{
    double joules = 0;
    for (const auto& radio : radios)
    {
        joules += radio->GetTotalEnergyConsumption();
    }
    return joules;
}

double
Battery::ComputeJoules() const
{
    return engine ? engine->GetTotalEnergyConsumption() : 0.0;
}

Time
Battery::DepletionTime() const
{
    return users ? users->GetDepletionTime() : Seconds(-1);
}

namespace
{

/*
 * Switches the radio off once it has stopped receiving or sending. ns-3's default depletion
 * callback calls WifiPhy::SetOffMode at once, which in the middle of a reception leaves the
 * reception's events pending and aborts ("Invalid WifiPhy state OFF") when they fire;
 * SetSleepMode waits for the end of the current frame. Asleep, the PHY has no reception under
 * way; it may not go off from sleep in ns-3.37 (SwitchToOff refuses it), so it wakes and goes
 * off in the same instant.
 */
void
SwitchRadioOff(Ptr<WifiPhy> phy)
{
    if (phy->IsStateOff())
    {
        return;
    }
    if (phy->IsStateSleep())
    {
        phy->ResumeFromSleep();
        phy->SetOffMode();
        return;
    }
    phy->SetSleepMode();
    Simulator::Schedule(Max(phy->GetDelayUntilIdle(), MicroSeconds(1)), &SwitchRadioOff, phy);
}

} // namespace

void
BatteryOptions::AddOptions(ProgramOptions& options, const std::string& devices)
{
    options.AddValue("battery",
                     "Joules in the battery of each of the " + devices +
                         " (ns-3 energy framework: radio and compute draw from it; a phone's "
                         "4,000 mAh at 3.85 V is 55,000 J); 0: mains power",
                     capacityJoules);
    options.AddValue("battery-voltage", "Supply voltage of those batteries (V)", voltage);
    options.Range("battery", 0, 1e12);
    options.Range("battery-voltage", 0.1, 1000);
    options.Alias("ns3::BasicEnergySource::BasicEnergySourceInitialEnergyJ", "battery");
    options.Alias("ns3::BasicEnergySource::BasicEnergySupplyVoltageV", "battery-voltage");
}

bool
BatteryOptions::IsOn() const
{
    return capacityJoules > 0;
}

void
BatteryHelper::Set(const BatteryOptions& options)
{
    SetCapacity(options.capacityJoules);
    SetVoltage(options.voltage);
}

void
BatteryHelper::SetCapacity(double joules)
{
    if (!std::isfinite(joules) || !(joules > 0))
    {
        throw std::invalid_argument("battery capacity " + NumberText(joules) + " J: accepted > 0");
    }
    m_capacity = joules;
}

void
BatteryHelper::SetVoltage(double volts)
{
    if (!std::isfinite(volts) || !(volts > 0))
    {
        throw std::invalid_argument("battery voltage " + NumberText(volts) + " V: accepted > 0");
    }
    m_voltage = volts;
}

std::vector<Battery>
BatteryHelper::Install(const NodeContainer& nodes) const
{
    BasicEnergySourceHelper sources;
    sources.Set("BasicEnergySourceInitialEnergyJ", DoubleValue(m_capacity));
    sources.Set("BasicEnergySupplyVoltageV", DoubleValue(m_voltage));
    std::vector<Battery> batteries;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        Battery battery;
        battery.node = *it;
        battery.source = DynamicCast<BasicEnergySource>(sources.Install(*it).Get(0));
        battery.users = CreateObject<DevicePowerSwitch>();
        battery.users->SetNode(*it);
        battery.users->SetEnergySource(battery.source);
        battery.source->AppendDeviceEnergyModel(battery.users);
        for (uint32_t i = 0; i < (*it)->GetNDevices(); ++i)
        {
            Ptr<WifiNetDevice> wifi = DynamicCast<WifiNetDevice>((*it)->GetDevice(i));
            if (wifi)
            {
                WifiRadioEnergyModelHelper radio;
                radio.SetDepletionCallback(MakeBoundCallback(&SwitchRadioOff, wifi->GetPhy()));
                battery.radios.push_back(
                    DynamicCast<WifiRadioEnergyModel>(radio.Install(wifi, battery.source).Get(0)));
            }
        }
        if (Ptr<LlmEngine> engine = (*it)->GetObject<LlmEngine>())
        {
            battery.engine = CreateObject<LlmEngineEnergyModel>();
            battery.engine->SetEnergySource(battery.source);
            battery.engine->SetEngine(engine);
            battery.source->AppendDeviceEnergyModel(battery.engine);
        }
        batteries.push_back(battery);
    }
    return batteries;
}

} // namespace ns3
