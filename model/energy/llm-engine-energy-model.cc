#include "llm-engine-energy-model.h"

#include "ns3/abort.h"
#include "ns3/log.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmEngineEnergyModel");
NS_OBJECT_ENSURE_REGISTERED(LlmEngineEnergyModel);

TypeId
LlmEngineEnergyModel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LlmEngineEnergyModel")
            .SetParent<DeviceEnergyModel>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<LlmEngineEnergyModel>()
            .AddTraceSource("TotalEnergyConsumption",
                            "Joules the engine has drawn from its source, updated at each "
                            "state change",
                            MakeTraceSourceAccessor(&LlmEngineEnergyModel::m_totalEnergy),
                            "ns3::TracedValueCallback::Double");
    return tid;
}

LlmEngineEnergyModel::LlmEngineEnergyModel()
    : m_totalEnergy(0)
{
}

LlmEngineEnergyModel::~LlmEngineEnergyModel() = default;

void
LlmEngineEnergyModel::DoDispose()
{
    m_engine = nullptr;
    m_source = nullptr;
    DeviceEnergyModel::DoDispose();
}

void
LlmEngineEnergyModel::SetEngine(Ptr<LlmEngine> engine)
{
    NS_ABORT_MSG_IF(!engine || !engine->GetCostModel(),
                    "LlmEngineEnergyModel needs an engine with its cost model (its device)");
    m_engine = engine;
    m_lastUpdate = Simulator::Now();
    m_state = engine->IsBusy() ? BUSY : IDLE;
    engine->TraceConnectWithoutContext("Busy", MakeCallback(&LlmEngineEnergyModel::OnBusy, this));
}

void
LlmEngineEnergyModel::SetEnergySource(Ptr<EnergySource> source)
{
    NS_ABORT_MSG_IF(!source, "LlmEngineEnergyModel needs an energy source");
    m_source = source;
}

double
LlmEngineEnergyModel::PowerW(State state) const
{
    if (!m_engine || state == OFF)
    {
        return 0;
    }
    const DeviceProfile& device = m_engine->GetCostModel()->GetDevice();
    return state == BUSY ? device.activePowerW : device.idlePowerW;
}

double
LlmEngineEnergyModel::DoGetCurrentA() const
{
    if (!m_source)
    {
        return 0;
    }
    return PowerW(m_state) / m_source->GetSupplyVoltage();
}

void
LlmEngineEnergyModel::Account()
{
    const Time now = Simulator::Now();
    m_totalEnergy = m_totalEnergy + PowerW(m_state) * (now - m_lastUpdate).GetSeconds();
    m_lastUpdate = now;
}

double
LlmEngineEnergyModel::GetTotalEnergyConsumption() const
{
    return m_totalEnergy + PowerW(m_state) * (Simulator::Now() - m_lastUpdate).GetSeconds();
}

void
LlmEngineEnergyModel::OnBusy(bool busy)
{
    ChangeState(busy ? BUSY : IDLE);
}

void
LlmEngineEnergyModel::ChangeState(int newState)
{
    NS_LOG_FUNCTION(this << newState);
    NS_ABORT_MSG_IF(newState < IDLE || newState > OFF,
                    "LlmEngineEnergyModel state " << newState << ": accepted 0, 1, 2");
    // Off, only the source's recharge turns the engine on (the engine's last Busy(false)
    // arrives while it powers off).
    if (m_state == OFF || newState == m_state)
    {
        return;
    }
    Account();
    // The source charges the time since its last update at the current it reads now: the old
    // state's. It may find itself depleted and switch this model off meanwhile.
    if (m_source)
    {
        m_source->UpdateEnergySource();
    }
    if (m_state != OFF)
    {
        m_state = static_cast<State>(newState);
    }
}

LlmEngineEnergyModel::State
LlmEngineEnergyModel::GetState() const
{
    return m_state;
}

Time
LlmEngineEnergyModel::GetDepletionTime() const
{
    return m_depletedAt;
}

void
LlmEngineEnergyModel::HandleEnergyDepletion()
{
    NS_LOG_FUNCTION(this);
    Account();
    m_state = OFF;
    if (m_depletedAt.IsNegative())
    {
        m_depletedAt = Simulator::Now();
    }
    if (m_engine)
    {
        m_engine->PowerOff("energy-depleted");
    }
}

void
LlmEngineEnergyModel::HandleEnergyRecharged()
{
    NS_LOG_FUNCTION(this);
    if (m_state != OFF)
    {
        return;
    }
    Account();
    m_state = IDLE;
    if (m_engine)
    {
        m_engine->PowerOn();
    }
}

void
LlmEngineEnergyModel::HandleEnergyChanged()
{
}

} // namespace ns3
