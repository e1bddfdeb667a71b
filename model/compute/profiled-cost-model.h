/*
 * ProfiledCostModel: costs measured by the libtorch profiler on a real host, scaled to the
 * target device by roofline ratios.
 */
#ifndef EDGE_LLM_PROFILED_COST_MODEL_H
#define EDGE_LLM_PROFILED_COST_MODEL_H

#include "cost-profile.h"
#include "inference-cost-model.h"

#include <string>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Seconds from a profile file, scaled to the target device.
 *
 * Prefill is compute-bound: host seconds x host GEMM FLOP/s / (target peak FLOP/s x the
 * target's computeFraction). Decode is memory-bound: host seconds x host copy bandwidth /
 * (target bandwidth x the target's bandwidthFraction) x (served bytes per weight / profiled
 * bytes per weight). Each iteration also pays the target's per-iteration overhead and, on a
 * tensor-parallel target, the all-reduces (InferenceCostModel::StepOverheadSeconds). When the
 * target is the profiling host itself (the default), no scaling is applied and nothing is
 * added: the simulation charges exactly the fitted host timings.
 *
 * Batched decode on a device: the CPU profiler runs a batch of B decodes as B matrix-vector
 * products, each streaming the weights, so the host fit's per-sequence term holds a weight
 * read per sequence. Device kernels read the weights once per iteration, so a scaled decode
 * iteration costs max(the single-sequence step's weight streaming plus every sequence's KV
 * reads at the device's achievable bandwidth, the B tokens at the prefill fit's per-token
 * compute cost). One sequence costs exactly what Decode charges per step.
 *
 * An encoder's profile (bert-base-110m) has only prefill phases: PrefillSeconds and
 * prefill-only batch steps are served from it; DecodeSeconds, a batch step with decodes and
 * the decode helpers throw std::invalid_argument (one line: an encoder has no decode steps).
 *
 * Attributes: ProfileFile (path, or empty to look up `<Model>.json` with FindProfileFile),
 * Model (preset name, used for that look-up; a precision variant such as "llama-3-8b-int4"
 * without a profile of its own uses its base model's profile, served at its precision) and
 * Device (preset name, or "host").
 */
class ProfiledCostModel : public InferenceCostModel
{
  public:
    static TypeId GetTypeId();
    ProfiledCostModel();

    /// Uses `profile` directly (no file); the target stays the profiling host.
    void SetProfile(const CostProfile& profile);
    /// Scales to `device`; pass profile.HostDevice() to undo.
    void SetDevice(const DeviceProfile& device);
    const CostProfile& GetProfile() const;

    const ModelSpec& GetModel() const override;
    const DeviceProfile& GetDevice() const override;
    double PrefillSeconds(uint32_t promptTokens, LayerRange layers) const override;
    double DecodeSeconds(uint32_t outputTokens, uint32_t context, LayerRange layers) const override;
    double BatchStepSeconds(const BatchStep& step, LayerRange layers) const override;

    /// Multipliers applied to host seconds (1 when the target is the host).
    double PrefillScale() const;
    double DecodeScale() const;
    /// Seconds of one block's single-sequence decode step without its context term (the
    /// weights streamed once), on the target.
    double DecodeWeightSeconds() const;
    /// Seconds of one block's reads of `contextSum` cached tokens in a decode step, on the
    /// target: the fitted context term on the host, the KV bytes at the achievable bandwidth
    /// on a device.
    double DecodeKvSeconds(double contextSum) const;

  private:
    void SetProfileFile(const std::string& path);
    std::string GetProfileFile() const;
    void SetModelName(const std::string& name);
    std::string GetModelName() const;
    void SetDeviceName(const std::string& name);
    std::string GetDeviceName() const;
    void Load() const; //!< loads the profile on first use when set through attributes

    mutable bool m_hasProfile{false}; //!< m_profile holds the profile to use
    mutable bool m_hasDevice{false};  //!< m_device matches m_deviceName
    mutable CostProfile m_profile;
    mutable DeviceProfile m_device;
    mutable bool m_targetIsHost{true};
    std::string m_profileFile;
    std::string m_modelName;
    std::string m_deviceName;
};

} // namespace ns3

#endif // EDGE_LLM_PROFILED_COST_MODEL_H
