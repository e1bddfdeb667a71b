/*
 * CostProfile: the profile file. What a model's inference cost on a real host, as measured by
 * the libtorch profiler, and the cost model fitted to it.
 */
#ifndef EDGE_LLM_COST_PROFILE_H
#define EDGE_LLM_COST_PROFILE_H

#include "device-profile.h"
#include "model-spec.h"

#include <array>
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace ns3
{

/// One measurement: the median of `repeats` timed calls after warm-up.
struct ProfileSample
{
    /// "layer-prefill", "layer-decode", "head-prefill" or "head-decode"
    std::string phase;
    uint32_t tokens{0};  //!< prompt tokens (prefill) or context per sequence (decode)
    uint32_t batch{1};   //!< sequences in the call
    double seconds{0};   //!< median seconds; per layer for layer phases
    double spread{0};    //!< (p75 - p25) / median of the repeats
    uint32_t repeats{0}; //!< timed calls
};

/**
 * \ingroup edge-llm
 * \brief A profile file: model, host, libraries, raw samples and the fitted cost model.
 *
 * The fitted model, in seconds, for one transformer block:
 *  - prefill of P tokens:                     a0 + a1 P + a2 P^2
 *  - one decode step of B sequences, contexts summing to S:  b0 + b1 B + b2 S
 * and for the embedding + final norm + LM head (logits of the last token only):
 *  - prefill of P tokens:  c0 + c1 P
 *  - one decode step of B sequences:  d0 + d1 B
 * Big models are profiled on a few blocks at full width; per-block costs make layer count
 * a multiplier, and layer ranges (split inference) fall out directly.
 *
 * An encoder (ModelSpec::IsEncoder, e.g. bert-base-110m) never decodes: its profile may hold
 * only the prefill phases (head-prefill is then embeddings + pooler + classifier), and the
 * file then has no decode fit (HasDecode() is false). A decoder's profile needs all four.
 */
struct CostProfile
{
    static constexpr int FORMAT_VERSION = 1;

    ModelSpec model;            //!< what was profiled
    uint32_t profiledLayers{0}; //!< blocks actually built and timed
    std::string dtype;          //!< tensor type timed, e.g. "float32"
    double bytesPerElement{4};  //!< bytes per weight as timed

    // The host that ran the profile and what its libraries were.
    std::string hostName;
    std::string cpuModel;
    uint32_t threads{0};
    double hostFlops{0};     //!< measured FLOP/s of a square GEMM at `dtype`
    double hostBandwidth{0}; //!< measured bytes/s of a large tensor copy (read + write)
    double hostMemoryBytes{0};
    std::string torchVersion;
    std::string createdUtc;
    std::string tool; //!< what wrote it, with its version

    std::vector<ProfileSample> samples;

    std::array<double, 3> layerPrefill{}; //!< a0, a1, a2
    std::array<double, 3> layerDecode{};  //!< b0, b1, b2
    std::array<double, 2> headPrefill{};  //!< c0, c1
    std::array<double, 2> headDecode{};   //!< d0, d1
    double fitRSquaredPrefill{0};
    double fitRSquaredDecode{0};
    /// The decode curves were fitted (or read): false only for an encoder's prefill-only
    /// profile, whose layerDecode and headDecode then stay 0.
    bool hasDecodeFit{true};

    /// Whether the profile can cost decode steps (see hasDecodeFit).
    bool HasDecode() const;

    /// Seconds of one block, on the host.
    double LayerPrefillSeconds(double promptTokens) const;
    double LayerDecodeStepSeconds(double batch, double contextSum) const;
    /// Seconds of embedding + final norm + LM head, on the host.
    double HeadPrefillSeconds(double promptTokens) const;
    double HeadDecodeStepSeconds(double batch) const;

    /// Fits the cost curves to `samples`: all four for a decoder, the two prefill curves and
    /// the decode ones only if sampled for an encoder. Throws std::runtime_error if a needed
    /// phase has too few samples.
    void Fit();

    /// The host as a device: measured GEMM rate and copy bandwidth (what scaling divides by).
    DeviceProfile HostDevice() const;

    /// Reads a profile file; throws std::runtime_error with the path and what is wrong.
    static CostProfile Load(const std::string& path);
    /**
     * Reads a profile from a stream. Every field is checked against its accepted range
     * (positive sizes and times, token counts within the model's context, finite non-negative
     * fit coefficients); the std::runtime_error names `name`, the field and the range.
     */
    static CostProfile Parse(std::istream& in, const std::string& name);
    /// Writes the file atomically (temporary file, then rename).
    void Save(const std::string& path) const;
};

/**
 * Finds the profile file for a model: `<dir>/<model>.json` in the directories of the
 * EDGE_LLM_PROFILE_PATH environment variable (colon-separated), then the project's profiles/
 * directory: the source tree's, the share directory relative to the loaded library, then the
 * configured install prefix's. Returns "" when there is none.
 */
std::string FindProfileFile(const std::string& modelName);
/// The directories FindProfileFile searches, colon-separated, for error messages.
std::string ProfileSearchPath();

} // namespace ns3

#endif // EDGE_LLM_COST_PROFILE_H
