/*
 * LiveCostModel: inference seconds measured now, by running the real model in libtorch.
 * This header does not include torch.
 */
#ifndef EDGE_LLM_TORCH_LIVE_COST_MODEL_H
#define EDGE_LLM_TORCH_LIVE_COST_MODEL_H

#include "device-profile.h"
#include "inference-cost-model.h"
#include "model-spec.h"

#include <cstdint>
#include <memory>
#include <string>

namespace ns3
{

class TorchTransformer;

/**
 * \ingroup edge-llm
 * \brief Validation mode: every query runs the full model live in libtorch on this host
 * (TorchTransformer::Generate) and returns the measured wall-clock seconds.
 *
 * Not reproducible by design (timings depend on the machine and its load), and slow: use it
 * to check ProfiledCostModel, not to run experiments. Only the whole model (AllLayers()) is
 * supported; other layer ranges throw std::invalid_argument.
 *
 *  - PrefillSeconds(P): the prefill phase of Generate(P, 1); for an encoder (bert), one
 *    ClassifierLogits forward pass over P tokens. An encoder has no decode: DecodeSeconds and
 *    batch steps with decodes throw std::invalid_argument.
 *  - DecodeSeconds(G, C): the decode phase of Generate(C, G + 1), i.e. G steps with contexts
 *    C .. C + G - 1 (the prefill of the C-token context is run but not charged).
 *  - BatchStepSeconds: an approximation. Each prefill and each decode step is measured on its
 *    own (batch 1) and the times are summed, which overestimates a real batched iteration
 *    whose sequences share each weight read.
 *
 * The model (all blocks and head, fp32) is built on first use and kept by this object.
 * Attributes: Model (preset name), Device (preset name reported by GetDevice, or "host":
 * this machine, with measured GEMM rate and copy bandwidth and MemTotal), Threads.
 */
class LiveCostModel : public InferenceCostModel
{
  public:
    static TypeId GetTypeId();
    LiveCostModel();
    ~LiveCostModel() override;

    const ModelSpec& GetModel() const override;
    const DeviceProfile& GetDevice() const override;
    double PrefillSeconds(uint32_t promptTokens, LayerRange layers) const override;
    double DecodeSeconds(uint32_t outputTokens, uint32_t context, LayerRange layers) const override;
    double BatchStepSeconds(const BatchStep& step, LayerRange layers) const override;

  protected:
    void DoDispose() override;

  private:
    void SetModelName(const std::string& name);
    std::string GetModelName() const;
    void SetDeviceName(const std::string& name);
    std::string GetDeviceName() const;
    /// Throws std::invalid_argument unless `layers` is the whole model.
    void CheckWholeModel(LayerRange layers) const;
    /// Throws std::invalid_argument (one line) for an encoder, which has no decode steps.
    void CheckDecoder() const;
    /// The live model, built on first use with the current thread count.
    TorchTransformer& Engine() const;

    ModelSpec m_model;
    std::string m_deviceName;
    uint32_t m_threads{0};
    mutable bool m_deviceReady{false};
    mutable DeviceProfile m_device;
    mutable std::unique_ptr<TorchTransformer> m_engine;
};

} // namespace ns3

#endif // EDGE_LLM_TORCH_LIVE_COST_MODEL_H
