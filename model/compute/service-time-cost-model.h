/*
 * ServiceTimeCostModel: service times drawn from a given distribution, as queueing theory
 * assumes, instead of costs of a real transformer.
 */
#ifndef EDGE_LLM_SERVICE_TIME_COST_MODEL_H
#define EDGE_LLM_SERVICE_TIME_COST_MODEL_H

#include "inference-cost-model.h"

#include "ns3/random-variable-stream.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Each job costs one independent draw of ServiceTime, whatever its prompt and output
 * lengths: the world of the distributed MoA paper's stability theorem (mean inference time
 * alpha per device). The whole draw is charged to prefill, so the first token comes out when
 * the job completes; a batch step also costs one draw. Model and Device only name what is
 * simulated (context limit, memory check, power for energy).
 */
class ServiceTimeCostModel : public InferenceCostModel
{
  public:
    static TypeId GetTypeId();
    ServiceTimeCostModel();

    const ModelSpec& GetModel() const override;
    const DeviceProfile& GetDevice() const override;
    double PrefillSeconds(uint32_t promptTokens, LayerRange layers) const override;
    double DecodeSeconds(uint32_t outputTokens, uint32_t context, LayerRange layers) const override;
    double BatchStepSeconds(const BatchStep& step, LayerRange layers) const override;

    /// Assigns a fixed stream to ServiceTime; returns 1.
    int64_t AssignStreams(int64_t stream);

  private:
    void SetModelName(const std::string& name);
    std::string GetModelName() const;
    void SetDeviceName(const std::string& name);
    std::string GetDeviceName() const;
    double Draw() const;

    ModelSpec m_model;
    DeviceProfile m_device;
    Ptr<RandomVariableStream> m_serviceTime;
};

} // namespace ns3

#endif // EDGE_LLM_SERVICE_TIME_COST_MODEL_H
