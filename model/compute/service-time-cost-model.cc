#include "service-time-cost-model.h"

#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/string.h"

#include <cmath>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ServiceTimeCostModel");
NS_OBJECT_ENSURE_REGISTERED(ServiceTimeCostModel);

TypeId
ServiceTimeCostModel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::ServiceTimeCostModel")
            .SetParent<InferenceCostModel>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<ServiceTimeCostModel>()
            .AddAttribute("ServiceTime",
                          "Seconds one job costs, drawn per job (e.g. "
                          "ns3::ConstantRandomVariable[Constant=2] or "
                          "ns3::ExponentialRandomVariable[Mean=2])",
                          StringValue("ns3::ExponentialRandomVariable[Mean=1.0]"),
                          MakePointerAccessor(&ServiceTimeCostModel::m_serviceTime),
                          MakePointerChecker<RandomVariableStream>())
            .AddAttribute("Model",
                          "Model preset named by the run (context limit, memory check)",
                          StringValue("gpt2-124m"),
                          MakeStringAccessor(&ServiceTimeCostModel::SetModelName,
                                             &ServiceTimeCostModel::GetModelName),
                          MakeStringChecker())
            .AddAttribute("Device",
                          "Device preset named by the run (memory check, power)",
                          StringValue("edge-server-l4"),
                          MakeStringAccessor(&ServiceTimeCostModel::SetDeviceName,
                                             &ServiceTimeCostModel::GetDeviceName),
                          MakeStringChecker());
    return tid;
}

ServiceTimeCostModel::ServiceTimeCostModel() = default;

void
ServiceTimeCostModel::SetModelName(const std::string& name)
{
    m_model = ModelSpec::Preset(name);
}

std::string
ServiceTimeCostModel::GetModelName() const
{
    return m_model.name;
}

void
ServiceTimeCostModel::SetDeviceName(const std::string& name)
{
    m_device = DeviceProfile::Preset(name);
}

std::string
ServiceTimeCostModel::GetDeviceName() const
{
    return m_device.name;
}

const ModelSpec&
ServiceTimeCostModel::GetModel() const
{
    return m_model;
}

const DeviceProfile&
ServiceTimeCostModel::GetDevice() const
{
    return m_device;
}

double
ServiceTimeCostModel::Draw() const
{
    const double seconds = m_serviceTime->GetValue();
    if (!std::isfinite(seconds) || seconds < 0)
    {
        throw std::invalid_argument("ServiceTimeCostModel: ServiceTime drew " +
                                    std::to_string(seconds) + " s; it must be finite and >= 0");
    }
    return seconds;
}

double
ServiceTimeCostModel::PrefillSeconds(uint32_t /* promptTokens */, LayerRange layers) const
{
    CheckRange(layers);
    return Draw();
}

double
ServiceTimeCostModel::DecodeSeconds(uint32_t /* outputTokens */,
                                    uint32_t /* context */,
                                    LayerRange layers) const
{
    CheckRange(layers);
    return 0;
}

double
ServiceTimeCostModel::BatchStepSeconds(const BatchStep& /* step */, LayerRange layers) const
{
    CheckRange(layers);
    return Draw();
}

int64_t
ServiceTimeCostModel::AssignStreams(int64_t stream)
{
    m_serviceTime->SetStream(stream);
    return 1;
}

} // namespace ns3
