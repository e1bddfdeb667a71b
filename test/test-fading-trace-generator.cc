/*
 * FadingTraceGenerator and LteFadingTrace: the traces the build makes are Rayleigh fading of
 * mean 0 dB at the Doppler rate of their speed, in the format TraceFadingLossModel reads.
 */

#include "ns3/fading-trace-generator.h"
#include "ns3/lte-fading-trace.h"
#include "ns3/multipath-profile.h"

#include <cmath>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// What a trace says about the fading it holds.
struct TraceStatistics
{
    double meanPowerDb{0};    //!< 10 log10 of the mean linear gain, all RBs and samples
    double shareBelow10Db{0}; //!< samples more than 10 dB below the mean
    double fadesPerSecond{0}; //!< downward crossings of -10 dB per RB per second

    static TraceStatistics Of(const std::vector<std::vector<double>>& gainsDb, double period)
    {
        TraceStatistics s;
        double linear = 0;
        uint64_t samples = 0;
        uint64_t below = 0;
        uint64_t crossings = 0;
        for (const auto& rb : gainsDb)
        {
            for (size_t i = 0; i < rb.size(); ++i)
            {
                linear += std::pow(10.0, rb[i] / 10);
                below += rb[i] < -10 ? 1 : 0;
                crossings += i > 0 && rb[i - 1] >= -10 && rb[i] < -10 ? 1 : 0;
                ++samples;
            }
        }
        s.meanPowerDb = 10 * std::log10(linear / samples);
        s.shareBelow10Db = static_cast<double>(below) / samples;
        s.fadesPerSecond = crossings / (gainsDb.size() * gainsDb[0].size() * period);
        return s;
    }
};

/// Rayleigh fading: |h|^2 exponential with mean 1, so P(|h|^2 < 0.1) = 1 - exp(-0.1).
const double RAYLEIGH_BELOW_10DB = 1 - std::exp(-0.1);

/// Clarke's level-crossing rate at rho = sqrt(0.1) (-10 dB): sqrt(2 pi) fd rho exp(-rho^2).
double
ClarkeFadesPerSecond(double dopplerHz)
{
    const double rho = std::sqrt(0.1);
    return std::sqrt(2 * M_PI) * dopplerHz * rho * std::exp(-rho * rho);
}

std::vector<std::vector<double>>
ReadTrace(const std::string& path)
{
    std::ifstream in(path);
    std::vector<std::vector<double>> rows;
    std::string line;
    while (std::getline(in, line))
    {
        std::istringstream values(line);
        rows.emplace_back();
        double v;
        while (values >> v)
        {
            rows.back().push_back(v);
        }
    }
    return rows;
}

} // namespace

TEST(MultipathProfile, Follows36104AnnexB)
{
    const MultipathProfile epa = MultipathProfile::Get("epa");
    EXPECT_EQ(epa.delaysNs.size(), 7u);
    EXPECT_EQ(epa.delaysNs.back(), 410);
    EXPECT_EQ(MultipathProfile::Get("eva").delaysNs.back(), 2510);
    EXPECT_EQ(MultipathProfile::Get("etu").delaysNs.back(), 5000);
    double total = 0;
    for (double p : MultipathProfile::Get("etu").NormalisedPowers())
    {
        total += p;
    }
    EXPECT_NEAR(total, 1, 1e-12);
    EXPECT_THROW(MultipathProfile::Get("tdl-a"), std::invalid_argument);
}

TEST(LteFadingTrace, ParsesNamesAndRefusesOthers)
{
    const LteFadingTrace eva = LteFadingTrace::Parse("eva-60kmh");
    EXPECT_EQ(eva.profile.name, "eva");
    EXPECT_EQ(eva.speedKmh, 60);
    EXPECT_EQ(LteFadingTrace::Parse("etu-2.5kmh").speedKmh, 2.5);
    for (const char* bad :
         {"eva", "eva-60", "eva-kmh", "xyz-3kmh", "eva--3kmh", "eva-1e3kmh", "eva-600kmh", "none"})
    {
        EXPECT_THROW(LteFadingTrace::Parse(bad), std::invalid_argument) << bad;
    }
    EXPECT_THROW(LteFadingTrace::Find("epa-7kmh"), std::invalid_argument); // not built
}

TEST(FadingTraceGenerator, IsDeterministicPerSeed)
{
    FadingTraceGenerator generator(MultipathProfile::Get("epa"));
    generator.SetSamples(200);
    const auto first = generator.Generate();
    EXPECT_EQ(first, generator.Generate());
    generator.SetSeed(2);
    EXPECT_NE(first, generator.Generate());
    EXPECT_THROW(generator.SetResourceBlocks(256), std::invalid_argument);
    EXPECT_THROW(generator.SetSamples(0), std::invalid_argument);
    EXPECT_THROW(generator.SetDopplerHz(-1), std::invalid_argument);
}

// The built traces, read as TraceFadingLossModel reads them: 100 lines (resource blocks) of
// 10000 samples; Rayleigh statistics of mean 0 dB, fading at the Doppler rate of the speed.
TEST(FadingTraceGenerator, BuiltTracesAreRayleighAtTheirDoppler)
{
    for (const std::string& name : LteFadingTrace::Built())
    {
        const auto gains = ReadTrace(LteFadingTrace::Find(name));
        ASSERT_EQ(gains.size(), LteFadingTrace::RESOURCE_BLOCKS) << name;
        for (const auto& rb : gains)
        {
            ASSERT_EQ(rb.size(), LteFadingTrace::SAMPLES) << name;
        }
        const LteFadingTrace trace = LteFadingTrace::Parse(name);
        const double doppler =
            FadingTraceGenerator::DopplerHz(trace.speedKmh, LteFadingTrace::CARRIER_HZ);
        const TraceStatistics s = TraceStatistics::Of(gains, LteFadingTrace::SAMPLE_SECONDS);
        ::testing::Test::RecordProperty(name + "_mean_db", std::to_string(s.meanPowerDb));
        ::testing::Test::RecordProperty(name + "_below_10db", std::to_string(s.shareBelow10Db));
        ::testing::Test::RecordProperty(name + "_fades_per_s", std::to_string(s.fadesPerSecond));
        // 10 s hold 10 s x fd fade cycles: 1,000 at 60 km/h, 50 at 3 km/h, so the slow
        // traces' averages wander further from their expectation.
        const bool slow = doppler < 50;
        const double slack = slow ? 2.5 : 1;
        EXPECT_NEAR(s.meanPowerDb, 0, 0.3 * slack) << name;
        EXPECT_NEAR(s.shareBelow10Db, RAYLEIGH_BELOW_10DB, 0.015 * slack) << name;
        if (slow)
        {
            // Fades below -10 dB last 25 ms on average at 5 Hz: 1 ms samples see each one
            // (at 60 km/h they last 1.3 ms and many fall between samples: see below).
            EXPECT_NEAR(s.fadesPerSecond / ClarkeFadesPerSecond(doppler), 1, 0.25) << name;
        }
    }
}

// The Doppler rate at 60 km/h, sampled finely enough (0.1 ms) to see every fade.
TEST(FadingTraceGenerator, FadesAtClarkesRate)
{
    FadingTraceGenerator generator(MultipathProfile::Get("eva"));
    const double doppler = FadingTraceGenerator::DopplerHz(60, LteFadingTrace::CARRIER_HZ);
    EXPECT_NEAR(doppler, 102.4, 0.1);
    generator.SetDopplerHz(doppler);
    generator.SetSamples(20000, 1e-4);
    const TraceStatistics s = TraceStatistics::Of(generator.Generate(), 1e-4);
    EXPECT_NEAR(s.fadesPerSecond / ClarkeFadesPerSecond(doppler), 1, 0.1);
    EXPECT_NEAR(s.shareBelow10Db, RAYLEIGH_BELOW_10DB, 0.015);
}
