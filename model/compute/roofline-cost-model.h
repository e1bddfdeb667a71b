/*
 * RooflineCostModel: analytic costs from FLOPs and bytes against a device's peaks.
 */
#ifndef EDGE_LLM_ROOFLINE_COST_MODEL_H
#define EDGE_LLM_ROOFLINE_COST_MODEL_H

#include "inference-cost-model.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Each block costs max(FLOPs / (peak x ComputeEfficiency),
 * bytes moved / (bandwidth x BandwidthEfficiency)); bytes are the block's weights (read once
 * per call) plus its KV cache reads. The efficiencies default (0) to the device preset's
 * computeFraction and bandwidthFraction; 1 gives the ideal roofline. Each iteration also pays
 * the device's per-iteration overhead and, on a tensor-parallel device, the all-reduces
 * (InferenceCostModel::StepOverheadSeconds). No measurement involved: use it for models or
 * devices without a profile.
 */
class RooflineCostModel : public InferenceCostModel
{
  public:
    static TypeId GetTypeId();
    RooflineCostModel();

    void SetModel(const ModelSpec& model);
    void SetDevice(const DeviceProfile& device);

    const ModelSpec& GetModel() const override;
    const DeviceProfile& GetDevice() const override;
    double PrefillSeconds(uint32_t promptTokens, LayerRange layers) const override;
    double DecodeSeconds(uint32_t outputTokens, uint32_t context, LayerRange layers) const override;
    double BatchStepSeconds(const BatchStep& step, LayerRange layers) const override;

  private:
    void SetModelName(const std::string& name);
    std::string GetModelName() const;
    void SetDeviceName(const std::string& name);
    std::string GetDeviceName() const;
    double ComputeFraction() const;   //!< ComputeEfficiency, or the device's when 0
    double BandwidthFraction() const; //!< BandwidthEfficiency, or the device's when 0
    /// Seconds of one call moving `bytes` and computing `flops`.
    double Roofline(double flops, double bytes) const;
    /// Seconds of the embedding + head part for `tokens` tokens of logits and `rows` rows.
    double HeadSeconds(double logitTokens, double embeddedTokens) const;

    ModelSpec m_model;
    DeviceProfile m_device;
    double m_computeEfficiency;
    double m_bandwidthEfficiency;
};

} // namespace ns3

#endif // EDGE_LLM_ROOFLINE_COST_MODEL_H
