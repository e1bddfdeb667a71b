#include "fading-trace-generator.h"

#include <cmath>
#include <complex>
#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>

namespace ns3
{

namespace
{
constexpr double SPEED_OF_LIGHT = 299792458.0;
constexpr double RESOURCE_BLOCK_HZ = 180e3;

/// A uniform angle in [-pi, pi) from the engine's 53 high bits (portable, unlike
/// std::uniform_real_distribution).
double
UniformAngle(std::mt19937_64& engine)
{
    const double u = static_cast<double>(engine() >> 11) * 0x1.0p-53;
    return (2 * u - 1) * M_PI;
}

/// One tap's Rayleigh process: the Zheng-Xiao sum of sinusoids, unit mean power.
class RayleighTap
{
  public:
    RayleighTap(uint32_t sinusoids, double dopplerHz, std::mt19937_64& engine)
    {
        const double theta = UniformAngle(engine);
        const double omega = 2 * M_PI * dopplerHz;
        for (uint32_t n = 1; n <= sinusoids; ++n)
        {
            const double alpha = (2 * M_PI * n - M_PI + theta) / (4.0 * sinusoids);
            m_inPhase.push_back({omega * std::cos(alpha), UniformAngle(engine)});
            m_quadrature.push_back({omega * std::sin(alpha), UniformAngle(engine)});
        }
        // Each quadrature sqrt(2/M) sum cos(.) has mean power 1; together 2: halve to 1.
        m_scale = std::sqrt(1.0 / sinusoids);
    }

    std::complex<double> At(double t) const
    {
        double i = 0;
        double q = 0;
        for (const auto& [w, phase] : m_inPhase)
        {
            i += std::cos(w * t + phase);
        }
        for (const auto& [w, phase] : m_quadrature)
        {
            q += std::cos(w * t + phase);
        }
        return {m_scale * i, m_scale * q};
    }

  private:
    std::vector<std::pair<double, double>> m_inPhase;    //!< angular frequency, phase
    std::vector<std::pair<double, double>> m_quadrature; //!< angular frequency, phase
    double m_scale{1};
};
} // namespace

FadingTraceGenerator::FadingTraceGenerator(const MultipathProfile& profile)
    : m_profile(profile)
{
    if (profile.delaysNs.empty() || profile.delaysNs.size() != profile.powersDb.size())
    {
        throw std::invalid_argument("multipath profile '" + profile.name +
                                    "': needs as many tap powers as delays, at least one");
    }
}

double
FadingTraceGenerator::DopplerHz(double speedKmh, double carrierHz)
{
    return speedKmh / 3.6 * carrierHz / SPEED_OF_LIGHT;
}

void
FadingTraceGenerator::SetDopplerHz(double hz)
{
    if (!(hz >= 0 && std::isfinite(hz)))
    {
        throw std::invalid_argument("Doppler " + std::to_string(hz) + " Hz: accepted >= 0");
    }
    m_dopplerHz = hz;
}

void
FadingTraceGenerator::SetResourceBlocks(uint32_t count)
{
    if (count < 1 || count > 255)
    {
        throw std::invalid_argument("resource blocks " + std::to_string(count) +
                                    ": accepted 1 to 255");
    }
    m_resourceBlocks = count;
}

void
FadingTraceGenerator::SetSamples(uint32_t count, double periodSeconds)
{
    if (count < 1 || !(periodSeconds > 0 && std::isfinite(periodSeconds)))
    {
        throw std::invalid_argument("fading trace of " + std::to_string(count) + " samples every " +
                                    std::to_string(periodSeconds) +
                                    " s: accepted at least 1 sample, a period > 0");
    }
    m_samples = count;
    m_period = periodSeconds;
}

void
FadingTraceGenerator::SetSinusoids(uint32_t count)
{
    if (count < 1)
    {
        throw std::invalid_argument("sinusoids per tap: accepted at least 1");
    }
    m_sinusoids = count;
}

void
FadingTraceGenerator::SetSeed(uint64_t seed)
{
    m_seed = seed;
}

std::vector<std::vector<double>>
FadingTraceGenerator::Generate() const
{
    std::mt19937_64 engine(m_seed);
    const std::vector<double> powers = m_profile.NormalisedPowers();
    const size_t taps = powers.size();
    std::vector<RayleighTap> processes;
    for (size_t k = 0; k < taps; ++k)
    {
        processes.emplace_back(m_sinusoids, m_dopplerHz, engine);
    }
    // exp(-j 2 pi f_m tau_k) sqrt(P_k) for each resource block m and tap k.
    std::vector<std::vector<std::complex<double>>> phasors(m_resourceBlocks);
    for (uint32_t m = 0; m < m_resourceBlocks; ++m)
    {
        const double f = (m - (m_resourceBlocks - 1) / 2.0) * RESOURCE_BLOCK_HZ;
        for (size_t k = 0; k < taps; ++k)
        {
            phasors[m].push_back(
                std::polar(std::sqrt(powers[k]), -2 * M_PI * f * m_profile.delaysNs[k] * 1e-9));
        }
    }
    std::vector<std::vector<double>> gains(m_resourceBlocks, std::vector<double>(m_samples));
    std::vector<std::complex<double>> tapGains(taps);
    for (uint32_t s = 0; s < m_samples; ++s)
    {
        const double t = s * m_period;
        for (size_t k = 0; k < taps; ++k)
        {
            tapGains[k] = processes[k].At(t);
        }
        for (uint32_t m = 0; m < m_resourceBlocks; ++m)
        {
            std::complex<double> h = 0;
            for (size_t k = 0; k < taps; ++k)
            {
                h += tapGains[k] * phasors[m][k];
            }
            gains[m][s] = 10 * std::log10(std::max(std::norm(h), 1e-20));
        }
    }
    return gains;
}

void
FadingTraceGenerator::Write(const std::string& path) const
{
    const auto gains = Generate();
    const std::string tmp = path + ".partial";
    {
        std::ofstream out(tmp);
        if (!out)
        {
            throw std::runtime_error("cannot write fading trace '" + tmp + "'");
        }
        char number[32];
        for (const auto& rb : gains)
        {
            for (size_t s = 0; s < rb.size(); ++s)
            {
                std::snprintf(number, sizeof(number), s ? " %.3f" : "%.3f", rb[s]);
                out << number;
            }
            out << "\n";
        }
        if (!out)
        {
            throw std::runtime_error("failed writing fading trace '" + tmp + "'");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
    {
        throw std::runtime_error("cannot rename '" + tmp + "' to '" + path + "'");
    }
}

} // namespace ns3
