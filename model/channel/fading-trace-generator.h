/*
 * FadingTraceGenerator: frequency-selective Rayleigh fading traces for ns-3's
 * TraceFadingLossModel, from a multipath profile and a Doppler frequency.
 */
#ifndef EDGE_LLM_FADING_TRACE_GENERATOR_H
#define EDGE_LLM_FADING_TRACE_GENERATOR_H

#include "multipath-profile.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Writes the fading of one multipath channel, per resource block and over time, in the
 * text format ns3::TraceFadingLossModel reads: one line per resource block, each line the
 * channel's power gain in dB at successive instants, separated by spaces.
 *
 * Each tap of the profile is an independent Rayleigh process with Clarke's (Jakes') Doppler
 * spectrum, made by the sum-of-sinusoids of Zheng and Xiao ("Simulation models with correct
 * statistical properties for Rayleigh fading channels", IEEE Trans. Commun. 51(6), 2003):
 * M sinusoids per quadrature at Doppler shifts fd cos(a_n) and fd sin(a_n), a_n = (2 pi n -
 * pi + theta) / 4M, with random phases and theta. The channel's frequency response at the
 * centre of resource block m, H(f_m, t) = sum_k a_k(t) exp(-j 2 pi f_m tau_k), gives the
 * sample 10 log10 |H|^2; tap powers are normalised to sum to 1, so the gain averages 0 dB
 * and path loss stays with the path-loss model. Deterministic: the random phases come from
 * a std::mt19937_64 seeded with SetSeed, turned into doubles without the standard library's
 * distributions (whose output differs between implementations).
 */
class FadingTraceGenerator
{
  public:
    explicit FadingTraceGenerator(const MultipathProfile& profile);

    /// Maximum Doppler shift fd = v f / c for `speedKmh` at `carrierHz`.
    static double DopplerHz(double speedKmh, double carrierHz);
    /// Maximum Doppler shift in Hz (default 5: 3 km/h at 1.8 GHz); throws if < 0 or not finite.
    void SetDopplerHz(double hz);
    /// Resource blocks (default 100, 20 MHz), 180 kHz apart around the carrier; throws
    /// outside 1 to 255 (TraceFadingLossModel's RbNum is 8 bits).
    void SetResourceBlocks(uint32_t count);
    /// Samples per resource block (default 10000) and their spacing in seconds (default
    /// 0.001, one TTI): TraceFadingLossModel's SamplesNum and TraceLength = samples x
    /// period. Throws for 0 samples or a period that is not > 0.
    void SetSamples(uint32_t count, double periodSeconds = 0.001);
    /// Sinusoids per quadrature of each tap (default 16); throws for 0.
    void SetSinusoids(uint32_t count);
    void SetSeed(uint64_t seed); //!< default 1

    /// The gains in dB: entry [rb][sample].
    std::vector<std::vector<double>> Generate() const;
    /// Generates and writes the trace to `path`; throws std::runtime_error if it cannot.
    void Write(const std::string& path) const;

  private:
    MultipathProfile m_profile;
    double m_dopplerHz{5};
    uint32_t m_resourceBlocks{100};
    uint32_t m_samples{10000};
    double m_period{0.001};
    uint32_t m_sinusoids{16};
    uint64_t m_seed{1};
};

} // namespace ns3

#endif // EDGE_LLM_FADING_TRACE_GENERATOR_H
