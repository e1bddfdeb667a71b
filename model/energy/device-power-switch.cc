#include "device-power-switch.h"

#include "llm-user-application.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("DevicePowerSwitch");
NS_OBJECT_ENSURE_REGISTERED(DevicePowerSwitch);

TypeId
DevicePowerSwitch::GetTypeId()
{
    static TypeId tid = TypeId("ns3::DevicePowerSwitch")
                            .SetParent<DeviceEnergyModel>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<DevicePowerSwitch>();
    return tid;
}

void
DevicePowerSwitch::DoDispose()
{
    m_node = nullptr;
    DeviceEnergyModel::DoDispose();
}

void
DevicePowerSwitch::SetNode(Ptr<Node> node)
{
    m_node = node;
}

Time
DevicePowerSwitch::GetDepletionTime() const
{
    return m_depletedAt;
}

void
DevicePowerSwitch::SetEnergySource(Ptr<EnergySource>)
{
}

double
DevicePowerSwitch::GetTotalEnergyConsumption() const
{
    return 0;
}

void
DevicePowerSwitch::ChangeState(int)
{
}

void
DevicePowerSwitch::HandleEnergyDepletion()
{
    NS_LOG_FUNCTION(this);
    if (!m_depletedAt.IsNegative())
    {
        return;
    }
    m_depletedAt = Simulator::Now();
    if (!m_node)
    {
        return;
    }
    for (uint32_t i = 0; i < m_node->GetNApplications(); ++i)
    {
        if (Ptr<LlmUserApplication> user =
                DynamicCast<LlmUserApplication>(m_node->GetApplication(i)))
        {
            user->EndAll("energy-depleted");
        }
    }
}

void
DevicePowerSwitch::HandleEnergyRecharged()
{
    // Users do not come back within a run: what they issued has ended.
}

void
DevicePowerSwitch::HandleEnergyChanged()
{
}

} // namespace ns3
