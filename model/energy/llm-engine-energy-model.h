/*
 * LlmEngineEnergyModel: an LLM engine's compute as a device of ns-3's energy framework.
 */
#ifndef EDGE_LLM_LLM_ENGINE_ENERGY_MODEL_H
#define EDGE_LLM_LLM_ENGINE_ENERGY_MODEL_H

#include "llm-engine.h"

#include "ns3/device-energy-model.h"
#include "ns3/energy-source.h"
#include "ns3/nstime.h"
#include "ns3/traced-value.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Draws an LlmEngine's power from the node's EnergySource (a battery), as
 * WifiRadioEnergyModel draws the radio's: the device's idle power while the engine waits,
 * its active power while it computes (DeviceProfile::idlePowerW and activePowerW), as a
 * current at the source's supply voltage.
 *
 * When the source is depleted the engine powers off (LlmEngine::PowerOff): the jobs it holds
 * and every later one are dropped as `energy-depleted`, and it draws nothing; a recharged
 * source powers it on. As with every ns-3 energy model, the source notices depletion when it
 * updates: at each state change of any of its devices and every
 * BasicEnergySource::PeriodicEnergyUpdateInterval (1 s by default).
 */
class LlmEngineEnergyModel : public DeviceEnergyModel
{
  public:
    /// Values of ChangeState.
    enum State
    {
        IDLE = 0,
        BUSY = 1,
        OFF = 2,
    };

    static TypeId GetTypeId();
    LlmEngineEnergyModel();
    ~LlmEngineEnergyModel() override;

    /// Follows the engine's Busy trace; the engine must have its cost model (its device).
    void SetEngine(Ptr<LlmEngine> engine);
    void SetEnergySource(Ptr<EnergySource> source) override;
    /// Joules drawn so far, the current state's share included.
    double GetTotalEnergyConsumption() const override;
    void ChangeState(int newState) override;
    State GetState() const;
    /// When the source was first depleted (negative: never).
    Time GetDepletionTime() const;

    void HandleEnergyDepletion() override;
    void HandleEnergyRecharged() override;
    void HandleEnergyChanged() override;

  protected:
    void DoDispose() override;

  private:
    double DoGetCurrentA() const override;
    double PowerW(State state) const;
    void Account(); //!< adds the current state's energy since the last change
    void OnBusy(bool busy);

    Ptr<LlmEngine> m_engine;
    Ptr<EnergySource> m_source;
    State m_state{IDLE};
    Time m_lastUpdate;
    Time m_depletedAt{Seconds(-1)};
    TracedValue<double> m_totalEnergy;
};

} // namespace ns3

#endif // EDGE_LLM_LLM_ENGINE_ENERGY_MODEL_H
