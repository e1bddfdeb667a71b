/*
 * DevicePowerSwitch: what a device's users do when its battery runs out.
 */
#ifndef EDGE_LLM_DEVICE_POWER_SWITCH_H
#define EDGE_LLM_DEVICE_POWER_SWITCH_H

#include "ns3/device-energy-model.h"
#include "ns3/node.h"
#include "ns3/nstime.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief A DeviceEnergyModel that draws nothing itself and switches the device's users off
 * when the node's EnergySource is depleted: every LlmUserApplication of the node stops
 * issuing requests and ends those it has open as `energy-depleted` (a dead phone has no user
 * typing prompts, and the answers it waited for can no longer reach it). The radio and the
 * engine have their own models (WifiRadioEnergyModel, LlmEngineEnergyModel).
 */
class DevicePowerSwitch : public DeviceEnergyModel
{
  public:
    static TypeId GetTypeId();

    /// The node whose applications are switched off.
    void SetNode(Ptr<Node> node);
    /// When the source was first depleted (negative: never).
    Time GetDepletionTime() const;

    void SetEnergySource(Ptr<EnergySource> source) override;
    double GetTotalEnergyConsumption() const override; //!< 0: draws nothing
    void ChangeState(int newState) override;           //!< no states
    void HandleEnergyDepletion() override;
    void HandleEnergyRecharged() override;
    void HandleEnergyChanged() override;

  protected:
    void DoDispose() override;

  private:
    Ptr<Node> m_node;
    Time m_depletedAt{Seconds(-1)};
};

} // namespace ns3

#endif // EDGE_LLM_DEVICE_POWER_SWITCH_H
