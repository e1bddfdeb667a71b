/*
 * Compute: model and device presets, the roofline and profiled cost models, and the fit.
 */

#include "edge-llm-test-fixture.h"

#include "ns3/cost-fit.h"
#include "ns3/cost-profile.h"
#include "ns3/device-profile.h"
#include "ns3/double.h"
#include "ns3/model-spec.h"
#include "ns3/profiled-cost-model.h"
#include "ns3/roofline-cost-model.h"
#include "ns3/string.h"

#include <cmath>
#include <gtest/gtest.h>
#include <random>
#include <stdexcept>

using namespace ns3;

namespace
{

constexpr double GIB = 1024.0 * 1024.0 * 1024.0;

// Known host-side coefficients the synthetic profile is generated from.
const std::array<double, 3> g_prefill = {2e-4, 3e-6, 4e-10};
const std::array<double, 3> g_decode = {1e-4, 5e-5, 2e-8};
const std::array<double, 2> g_headPrefill = {3e-4, 2e-6};
const std::array<double, 2> g_headDecode = {2e-4, 1e-5};

/// A profile of `model` on a made-up host, samples synthesised from the coefficients above.
CostProfile
SyntheticProfile(const std::string& model)
{
    CostProfile p;
    p.model = ModelSpec::Preset(model);
    p.profiledLayers = 2;
    p.dtype = "float32";
    p.bytesPerElement = 4;
    p.hostName = "test-host";
    p.cpuModel = "Test CPU";
    p.threads = 8;
    p.hostFlops = 1.5e12;
    p.hostBandwidth = 40e9;
    p.hostMemoryBytes = 1024 * GIB;
    p.torchVersion = "0.0";
    p.tool = "test";
    for (uint32_t tokens : {1u, 16u, 64u, 256u, 1024u})
    {
        const double t = tokens;
        p.samples.push_back(
            {"layer-prefill", tokens, 1, g_prefill[0] + g_prefill[1] * t + g_prefill[2] * t * t});
        p.samples.push_back({"head-prefill", tokens, 1, g_headPrefill[0] + g_headPrefill[1] * t});
        for (uint32_t batch : {1u, 4u, 16u})
        {
            const double b = batch;
            p.samples.push_back({"layer-decode",
                                 tokens,
                                 batch,
                                 g_decode[0] + g_decode[1] * b + g_decode[2] * b * t});
        }
    }
    for (uint32_t batch : {1u, 2u, 8u, 32u})
    {
        p.samples.push_back({"head-decode", 1, batch, g_headDecode[0] + g_headDecode[1] * batch});
    }
    p.Fit();
    return p;
}

/// A roofline model of two presets with ideal kernels: the device's peaks reached and no
/// per-iteration overhead (the roofline's own physics, before calibration).
Ptr<RooflineCostModel>
IdealRoofline(const std::string& model, const std::string& device)
{
    DeviceProfile d = DeviceProfile::Preset(device);
    d.computeFraction = 1;
    d.bandwidthFraction = 1;
    d.iterationOverhead = 0;
    Ptr<RooflineCostModel> m = CreateObject<RooflineCostModel>();
    m->SetModel(ModelSpec::Preset(model));
    m->SetDevice(d);
    return m;
}

Ptr<ProfiledCostModel>
Profiled(const CostProfile& profile)
{
    Ptr<ProfiledCostModel> m = CreateObject<ProfiledCostModel>();
    m->SetProfile(profile);
    return m;
}

/// Checks the properties every cost model must have, whatever its numbers.
void
ExpectWellBehaved(const InferenceCostModel& m)
{
    const LayerRange all = m.AllLayers();
    const uint32_t L = m.GetModel().layers;
    ASSERT_EQ(all.first, 0u);
    ASSERT_EQ(all.last, L);

    // Prefill grows with the prompt.
    double previous = 0;
    for (uint32_t p = 1; p <= m.GetModel().maxContext; p = p * 2 + 1)
    {
        const double s = m.PrefillSeconds(p, all);
        EXPECT_GT(s, previous) << "prefill of " << p;
        previous = s;
    }
    // Decode grows with the tokens generated and with the context.
    previous = 0;
    for (uint32_t g = 1; g <= 512; g *= 2)
    {
        const double s = m.DecodeSeconds(g, 100, all);
        EXPECT_GT(s, previous) << "decode of " << g;
        previous = s;
    }
    previous = 0;
    for (uint32_t c = 1; c < m.GetModel().maxContext; c = c * 2 + 1)
    {
        const double s = m.DecodeSeconds(16, c, all);
        EXPECT_GE(s, previous) << "decode from context " << c;
        previous = s;
    }
    EXPECT_GT(m.DecodeSeconds(16, m.GetModel().maxContext - 16, all), m.DecodeSeconds(16, 1, all));
    EXPECT_EQ(m.DecodeSeconds(0, 100, all), 0.0);

    // Layer ranges add up: [0, a) + [a, L) == [0, L), for prefill, decode and batches.
    BatchStep batch;
    batch.prefillTokens = {100, 7};
    batch.decodeContexts = {10, 300, 55};
    for (uint32_t a = 1; a < L; ++a)
    {
        const LayerRange front{0, a};
        const LayerRange back{a, L};
        EXPECT_NEAR(m.PrefillSeconds(300, front) + m.PrefillSeconds(300, back),
                    m.PrefillSeconds(300, all),
                    1e-12 * m.PrefillSeconds(300, all))
            << "split at " << a;
        EXPECT_NEAR(m.DecodeSeconds(20, 300, front) + m.DecodeSeconds(20, 300, back),
                    m.DecodeSeconds(20, 300, all),
                    1e-12 * m.DecodeSeconds(20, 300, all))
            << "split at " << a;
        EXPECT_NEAR(m.BatchStepSeconds(batch, front) + m.BatchStepSeconds(batch, back),
                    m.BatchStepSeconds(batch, all),
                    1e-12 * m.BatchStepSeconds(batch, all))
            << "split at " << a;
    }
    // Three pieces too.
    if (L >= 3)
    {
        EXPECT_NEAR(m.PrefillSeconds(50, {0, 1}) + m.PrefillSeconds(50, {1, L - 1}) +
                        m.PrefillSeconds(50, {L - 1, L}),
                    m.PrefillSeconds(50, all),
                    1e-12 * m.PrefillSeconds(50, all));
    }

    // Prefill and decode are the batch step of one sequence.
    EXPECT_NEAR(m.PrefillSeconds(123, all),
                m.BatchStepSeconds(BatchStep{{123}, {}}, all),
                1e-12 * m.PrefillSeconds(123, all));
    double steps = 0;
    for (uint32_t i = 0; i < 10; ++i)
    {
        steps += m.BatchStepSeconds(BatchStep{{}, {200 + i}}, all);
    }
    EXPECT_NEAR(m.DecodeSeconds(10, 200, all), steps, 1e-12 * steps);
    EXPECT_EQ(m.BatchStepSeconds(BatchStep{}, all), 0.0);

    // Time conversions agree with the seconds.
    EXPECT_NEAR(m.Prefill(64).GetSeconds(), m.PrefillSeconds(64, all), 2e-9);
    EXPECT_NEAR(m.Decode(64, 64).GetSeconds(), m.DecodeSeconds(64, 64, all), 2e-9);

    // Ranges outside the model are refused.
    EXPECT_THROW(m.PrefillSeconds(10, {2, 2}), std::invalid_argument);
    EXPECT_THROW(m.PrefillSeconds(10, {0, L + 1}), std::invalid_argument);
    EXPECT_THROW(m.DecodeSeconds(10, 10, {3, 1}), std::invalid_argument);
    EXPECT_THROW(m.BatchStepSeconds(batch, {L, L + 1}), std::invalid_argument);
}

} // namespace

// --- presets ------------------------------------------------------------------------------

TEST(ModelSpec, PresetParameterCounts)
{
    EXPECT_NEAR(ModelSpec::Preset("gpt2-124m").TotalParams(), 124e6, 0.02 * 124e6);
    EXPECT_NEAR(ModelSpec::Preset("llama-3-8b").TotalParams(), 8.0e9, 0.03 * 8.0e9);
    EXPECT_NEAR(ModelSpec::Preset("tinyllama-1.1b").TotalParams(), 1.1e9, 0.03 * 1.1e9);
    EXPECT_NEAR(ModelSpec::Preset("llama-3-70b").TotalParams(), 70.6e9, 0.03 * 70.6e9);
    const ModelSpec gpt2 = ModelSpec::Preset("gpt2-124m");
    EXPECT_DOUBLE_EQ(gpt2.WeightBytes(), gpt2.TotalParams() * gpt2.bytesPerParam);
}

TEST(ModelSpec, PresetShapes)
{
    const ModelSpec llama = ModelSpec::Preset("llama-3-8b");
    EXPECT_EQ(llama.HeadDim(), 128u);
    EXPECT_TRUE(llama.IsGated());
    // KV cache: 2 (K and V) x 32 layers x 8 heads x 128 x 2 bytes = 128 KiB per token.
    EXPECT_DOUBLE_EQ(llama.KvBytesPerToken(), 131072.0);
    EXPECT_DOUBLE_EQ(llama.HiddenStateBytesPerToken(), 8192.0);
    const ModelSpec gpt2 = ModelSpec::Preset("gpt2-124m");
    EXPECT_FALSE(gpt2.IsGated());
    EXPECT_EQ(gpt2.maxContext, 1024u);
}

TEST(ModelSpec, EveryPresetValidates)
{
    ASSERT_FALSE(ModelSpec::PresetNames().empty());
    for (const auto& name : ModelSpec::PresetNames())
    {
        const ModelSpec m = ModelSpec::Preset(name);
        EXPECT_EQ(m.name, name);
        EXPECT_NO_THROW(m.Validate()) << name;
        EXPECT_GT(m.TotalParams(), 0) << name;
        EXPECT_FALSE(m.source.empty()) << name;
    }
}

TEST(ModelSpec, UnknownPresetListsAcceptedNames)
{
    try
    {
        ModelSpec::Preset("nope");
        FAIL() << "no exception";
    }
    catch (const std::invalid_argument& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find("nope"), std::string::npos) << what;
        for (const auto& name : ModelSpec::PresetNames())
        {
            EXPECT_NE(what.find(name), std::string::npos) << what << " lacks " << name;
        }
    }
}

TEST(ModelSpec, ValidateNamesTheBadField)
{
    ModelSpec m = ModelSpec::Preset("llama-3-8b");
    m.heads = 30; // 4096 is not a multiple of 30
    EXPECT_THROW(m.Validate(), std::invalid_argument);
    m = ModelSpec::Preset("llama-3-8b");
    m.kvHeads = 5;
    EXPECT_THROW(m.Validate(), std::invalid_argument);
    m = ModelSpec::Preset("llama-3-8b");
    m.architecture = "mamba";
    EXPECT_THROW(m.Validate(), std::invalid_argument);
    m = ModelSpec::Preset("llama-3-8b");
    m.bytesPerParam = 0;
    EXPECT_THROW(m.Validate(), std::invalid_argument);
}

TEST(DeviceProfile, EveryPresetValidates)
{
    ASSERT_FALSE(DeviceProfile::PresetNames().empty());
    for (const auto& name : DeviceProfile::PresetNames())
    {
        const DeviceProfile d = DeviceProfile::Preset(name);
        EXPECT_EQ(d.name, name);
        EXPECT_NO_THROW(d.Validate()) << name;
        EXPECT_FALSE(d.source.empty()) << name;
    }
}

TEST(DeviceProfile, UnknownPresetListsAcceptedNames)
{
    try
    {
        DeviceProfile::Preset("nope");
        FAIL() << "no exception";
    }
    catch (const std::invalid_argument& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find("nope"), std::string::npos) << what;
        for (const auto& name : DeviceProfile::PresetNames())
        {
            EXPECT_NE(what.find(name), std::string::npos) << what << " lacks " << name;
        }
    }
}

TEST(DeviceProfile, ValidateRejectsBadNumbers)
{
    DeviceProfile d = DeviceProfile::Preset("a100-80gb");
    d.peakFlops = 0;
    EXPECT_THROW(d.Validate(), std::invalid_argument);
    d = DeviceProfile::Preset("a100-80gb");
    d.activePowerW = d.idlePowerW - 1;
    EXPECT_THROW(d.Validate(), std::invalid_argument);
    d = DeviceProfile::Preset("a100-80gb");
    d.bandwidthFraction = 1.5;
    EXPECT_THROW(d.Validate(), std::invalid_argument);
    d = DeviceProfile::Preset("a100-80gb");
    d.computeFraction = 0;
    EXPECT_THROW(d.Validate(), std::invalid_argument);
    d = DeviceProfile::Preset("a100-80gb");
    d.iterationOverhead = -1e-3;
    EXPECT_THROW(d.Validate(), std::invalid_argument);
    d = DeviceProfile::Preset("a100-80gb-x2");
    d.interconnectBandwidth = 0;
    EXPECT_THROW(d.Validate(), std::invalid_argument);
}

// --- roofline -----------------------------------------------------------------------------

TEST(RooflineCostModel, WellBehaved)
{
    ExpectWellBehaved(*test::Roofline("gpt2-124m", "edge-server-l4"));
    ExpectWellBehaved(*test::Roofline("llama-3-8b", "h100-sxm"));
    ExpectWellBehaved(*test::Roofline("tinyllama-1.1b", "raspberry-pi-5"));
}

TEST(RooflineCostModel, FasterDeviceIsFaster)
{
    auto fast = test::Roofline("llama-3-8b", "h100-sxm");
    auto slow = test::Roofline("llama-3-8b", "raspberry-pi-5");
    const LayerRange all = fast->AllLayers();
    for (uint32_t p : {1u, 64u, 1024u})
    {
        EXPECT_LT(fast->PrefillSeconds(p, all), slow->PrefillSeconds(p, all)) << p;
    }
    EXPECT_LT(fast->DecodeSeconds(100, 500, all), slow->DecodeSeconds(100, 500, all));
    // Decode is memory-bound: with ideal kernels the ratio is about the bandwidth ratio
    // (3350 / 17.1 GB/s).
    auto idealFast = IdealRoofline("llama-3-8b", "h100-sxm");
    auto idealSlow = IdealRoofline("llama-3-8b", "raspberry-pi-5");
    const double ratio =
        idealSlow->DecodeSeconds(100, 500, all) / idealFast->DecodeSeconds(100, 500, all);
    EXPECT_NEAR(ratio, 3350 / 17.1, 0.05 * 3350 / 17.1);
}

TEST(RooflineCostModel, DecodeStepIsWeightBound)
{
    // One decode step of a small context reads every weight once, except the embedding table
    // of which only the token's row is gathered: (weights - embedding) / (bandwidth x the
    // fraction real kernels reach), plus the device's per-iteration overhead.
    auto m = test::Roofline("llama-3-8b", "a100-80gb");
    const ModelSpec& spec = m->GetModel();
    const DeviceProfile& device = m->GetDevice();
    const double expected = (spec.TotalParams() - spec.EmbeddingParams()) * spec.bytesPerParam /
                                (device.memoryBandwidth * device.bandwidthFraction) +
                            device.iterationOverhead;
    EXPECT_NEAR(m->DecodeSeconds(1, 1, m->AllLayers()), expected, 0.01 * expected);
}

TEST(RooflineCostModel, TiedHeadStillReadsItsMatrix)
{
    // GPT-2 ties the LM head to the token embedding: stored once, but every step's logits
    // still read the whole vocab x hidden matrix.
    auto m = IdealRoofline("gpt2-124m", "a100-80gb");
    const ModelSpec& spec = m->GetModel();
    const double readParams = spec.layers * spec.ParamsPerLayer() + spec.HeadReadParams();
    const double expected = readParams * spec.bytesPerParam / m->GetDevice().memoryBandwidth;
    EXPECT_NEAR(m->DecodeSeconds(1, 1, m->AllLayers()), expected, 0.02 * expected);
}

TEST(RooflineCostModel, BatchSharesWeights)
{
    auto m = test::Roofline("llama-3-8b", "edge-server-l4");
    const LayerRange all = m->AllLayers();
    const double single = m->BatchStepSeconds(BatchStep{{}, {500}}, all);
    for (uint32_t b : {2u, 8u, 32u})
    {
        BatchStep batch;
        batch.decodeContexts.assign(b, 500);
        const double together = m->BatchStepSeconds(batch, all);
        EXPECT_LT(together, b * single) << "batch of " << b;
        EXPECT_GE(together, single) << "batch of " << b;
        // Decode is weight-bound: each extra sequence adds only its KV cache and compute,
        // far less than another pass over the weights.
        EXPECT_LT(together - single, 0.5 * (b - 1) * single) << "batch of " << b;
    }
}

TEST(RooflineCostModel, EfficiencyScalesTime)
{
    // max(f / (P e), b / (B e)) = max(f / P, b / B) / e: halving both efficiencies doubles all
    // the kernel time; the per-iteration overhead (once per prefill, once per decode step)
    // stays.
    auto ideal = test::Roofline("tinyllama-1.1b", "jetson-orin-nano");
    auto half = test::Roofline("tinyllama-1.1b", "jetson-orin-nano");
    ideal->SetAttribute("ComputeEfficiency", DoubleValue(1.0));
    ideal->SetAttribute("BandwidthEfficiency", DoubleValue(1.0));
    half->SetAttribute("ComputeEfficiency", DoubleValue(0.5));
    half->SetAttribute("BandwidthEfficiency", DoubleValue(0.5));
    const double overhead = ideal->GetDevice().iterationOverhead;
    const LayerRange all = ideal->AllLayers();
    const double prefill = ideal->PrefillSeconds(300, all) - overhead;
    const double decode = ideal->DecodeSeconds(30, 300, all) - 30 * overhead;
    EXPECT_NEAR(half->PrefillSeconds(300, all) - overhead, 2 * prefill, 1e-12 * prefill);
    EXPECT_NEAR(half->DecodeSeconds(30, 300, all) - 30 * overhead, 2 * decode, 1e-12 * decode);
}

TEST(RooflineCostModel, AttributesSelectPresets)
{
    Ptr<RooflineCostModel> m = CreateObject<RooflineCostModel>();
    m->SetAttribute("Model", StringValue("tinyllama-1.1b"));
    m->SetAttribute("Device", StringValue("jetson-agx-orin"));
    EXPECT_EQ(m->GetModel().name, "tinyllama-1.1b");
    EXPECT_EQ(m->GetDevice().name, "jetson-agx-orin");
    EXPECT_THROW(m->SetAttribute("Model", StringValue("nope")), std::invalid_argument);
    EXPECT_THROW(m->SetAttribute("Device", StringValue("nope")), std::invalid_argument);
}

TEST(RooflineCostModel, CheckFitsDevice)
{
    try
    {
        test::Roofline("llama-3-70b", "raspberry-pi-5")->CheckFitsDevice();
        FAIL() << "llama-3-70b fits a Raspberry Pi?";
    }
    catch (const std::invalid_argument& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find("llama-3-70b"), std::string::npos) << what;
        EXPECT_NE(what.find("raspberry-pi-5"), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
    }
    EXPECT_NO_THROW(test::Roofline("gpt2-124m", "a100-80gb")->CheckFitsDevice());
    EXPECT_NO_THROW(test::Roofline("llama-3-8b", "edge-server-l4")->CheckFitsDevice());
}

// --- profiled -----------------------------------------------------------------------------

TEST(ProfiledCostModel, FitRecoversCoefficients)
{
    const CostProfile p = SyntheticProfile("gpt2-124m");
    for (size_t i = 0; i < 3; ++i)
    {
        EXPECT_NEAR(p.layerPrefill[i], g_prefill[i], 1e-6 * g_prefill[i]) << "a" << i;
        EXPECT_NEAR(p.layerDecode[i], g_decode[i], 1e-6 * g_decode[i]) << "b" << i;
    }
    for (size_t i = 0; i < 2; ++i)
    {
        EXPECT_NEAR(p.headPrefill[i], g_headPrefill[i], 1e-6 * g_headPrefill[i]) << "c" << i;
        EXPECT_NEAR(p.headDecode[i], g_headDecode[i], 1e-6 * g_headDecode[i]) << "d" << i;
    }
    EXPECT_NEAR(p.fitRSquaredPrefill, 1.0, 1e-9);
    EXPECT_NEAR(p.fitRSquaredDecode, 1.0, 1e-9);
}

TEST(ProfiledCostModel, FitNeedsSamplesOfEveryPhase)
{
    CostProfile p = SyntheticProfile("gpt2-124m");
    std::vector<ProfileSample> kept;
    for (const auto& s : p.samples)
    {
        if (s.phase != "head-decode")
        {
            kept.push_back(s);
        }
    }
    p.samples = kept;
    EXPECT_THROW(p.Fit(), std::runtime_error);
}

TEST(ProfiledCostModel, HostTargetChargesExactlyTheFit)
{
    const CostProfile p = SyntheticProfile("gpt2-124m");
    auto m = Profiled(p);
    const uint32_t L = p.model.layers;
    EXPECT_EQ(m->PrefillScale(), 1.0);
    EXPECT_EQ(m->DecodeScale(), 1.0);
    EXPECT_EQ(m->GetDevice().name, "host:test-host");
    EXPECT_EQ(m->GetModel().name, "gpt2-124m");
    for (uint32_t prompt : {1u, 10u, 500u})
    {
        EXPECT_DOUBLE_EQ(m->PrefillSeconds(prompt, m->AllLayers()),
                         L * p.LayerPrefillSeconds(prompt) + p.HeadPrefillSeconds(prompt));
    }
    // Decode of G tokens from C: G steps at contexts C..C+G-1, each a step of batch 1.
    const uint32_t g = 37;
    const uint32_t c = 200;
    double expected = 0;
    for (uint32_t i = 0; i < g; ++i)
    {
        expected += L * p.LayerDecodeStepSeconds(1, c + i) + p.HeadDecodeStepSeconds(1);
    }
    EXPECT_NEAR(m->DecodeSeconds(g, c, m->AllLayers()), expected, 1e-12 * expected);
    // Pointing the target back at the host undoes any scaling.
    m->SetDevice(DeviceProfile::Preset("a100-80gb"));
    m->SetDevice(p.HostDevice());
    EXPECT_EQ(m->PrefillScale(), 1.0);
    EXPECT_EQ(m->DecodeScale(), 1.0);
}

TEST(ProfiledCostModel, ScalesToTheTargetDevice)
{
    const CostProfile p = SyntheticProfile("gpt2-124m");
    auto host = Profiled(p);
    auto target = Profiled(p);
    const DeviceProfile a100 = DeviceProfile::Preset("a100-80gb");
    target->SetDevice(a100);
    EXPECT_EQ(target->GetDevice().name, "a100-80gb");
    // The target reaches computeFraction of its peak FLOP/s and bandwidthFraction of its
    // bandwidth, and pays its per-iteration overhead once per iteration.
    const double prefillScale = p.hostFlops / (a100.peakFlops * a100.computeFraction);
    // gpt2-124m is served in 2-byte weights; the profile timed 4-byte ones.
    const double decodeScale =
        p.hostBandwidth / (a100.memoryBandwidth * a100.bandwidthFraction) * (2.0 / 4.0);
    const double overhead = a100.iterationOverhead;
    EXPECT_DOUBLE_EQ(target->PrefillScale(), prefillScale);
    EXPECT_DOUBLE_EQ(target->DecodeScale(), decodeScale);
    const LayerRange all = host->AllLayers();
    for (uint32_t prompt : {1u, 100u, 1000u})
    {
        EXPECT_NEAR(target->PrefillSeconds(prompt, all),
                    host->PrefillSeconds(prompt, all) * prefillScale + overhead,
                    1e-12 * host->PrefillSeconds(prompt, all));
    }
    // Decode: the host's weight streaming scaled, plus each step's KV reads (contexts 100 to
    // 149) at the target's achievable bandwidth; the host fit's context term is not used.
    const ModelSpec& model = p.model;
    const double kvBytes = model.KvBytesPerToken() * (50 * 100 + 50 * 49 / 2.0);
    const double hostWeights =
        model.layers * 50 * (p.layerDecode[0] + p.layerDecode[1]) + 50 * p.HeadDecodeStepSeconds(1);
    EXPECT_NEAR(target->DecodeSeconds(50, 100, all),
                hostWeights * decodeScale +
                    kvBytes / (a100.memoryBandwidth * a100.bandwidthFraction) + 50 * overhead,
                1e-12 * host->DecodeSeconds(50, 100, all));
    // A batch of decodes reads the weights once: far less than one step per sequence.
    BatchStep batch;
    batch.decodeContexts.assign(32, 100);
    BatchStep one;
    one.decodeContexts = {100};
    EXPECT_LT(target->BatchStepSeconds(batch, all), 4 * target->BatchStepSeconds(one, all));
    EXPECT_GT(target->BatchStepSeconds(batch, all), target->BatchStepSeconds(one, all));
    // A layer range pays its share of the overhead (launches are per block).
    const double share = overhead * 4.0 / p.model.layers;
    EXPECT_NEAR(target->PrefillSeconds(10, {3, 7}),
                host->PrefillSeconds(10, {3, 7}) * prefillScale + share,
                1e-15);
}

TEST(ProfiledCostModel, WellBehaved)
{
    ExpectWellBehaved(*Profiled(SyntheticProfile("gpt2-124m")));
    auto scaled = Profiled(SyntheticProfile("llama-3-8b"));
    scaled->SetDevice(DeviceProfile::Preset("jetson-agx-orin"));
    ExpectWellBehaved(*scaled);
}

TEST(ProfiledCostModel, BatchSharesFixedCosts)
{
    auto m = Profiled(SyntheticProfile("tinyllama-1.1b"));
    const LayerRange all = m->AllLayers();
    const double single = m->BatchStepSeconds(BatchStep{{}, {500}}, all);
    BatchStep batch;
    batch.decodeContexts.assign(8, 500);
    EXPECT_LT(m->BatchStepSeconds(batch, all), 8 * single);
}

TEST(ProfiledCostModel, CheckFitsDevice)
{
    auto big = Profiled(SyntheticProfile("llama-3-70b"));
    big->SetDevice(DeviceProfile::Preset("raspberry-pi-5"));
    try
    {
        big->CheckFitsDevice();
        FAIL() << "llama-3-70b fits a Raspberry Pi?";
    }
    catch (const std::invalid_argument& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find("llama-3-70b"), std::string::npos) << what;
        EXPECT_NE(what.find("raspberry-pi-5"), std::string::npos) << what;
    }
    auto small = Profiled(SyntheticProfile("gpt2-124m"));
    small->SetDevice(DeviceProfile::Preset("a100-80gb"));
    EXPECT_NO_THROW(small->CheckFitsDevice());
}

TEST(ProfiledCostModel, MissingProfileNamesTheModel)
{
    Ptr<ProfiledCostModel> m = CreateObject<ProfiledCostModel>();
    m->SetAttribute("Model", StringValue("no-such-model-xyz"));
    try
    {
        m->GetModel();
        FAIL() << "no exception";
    }
    catch (const std::runtime_error& e)
    {
        EXPECT_NE(std::string(e.what()).find("no-such-model-xyz"), std::string::npos) << e.what();
    }
}

// --- fit and percentiles -----------------------------------------------------------------

TEST(FitNonNegative, RecoversExactCoefficients)
{
    const std::vector<double> truth = {1e-3, 2e-5, 7e-9};
    std::vector<std::vector<double>> rows;
    std::vector<double> y;
    for (double x : {1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0})
    {
        rows.push_back({1.0, x, x * x});
        y.push_back(truth[0] + truth[1] * x + truth[2] * x * x);
    }
    const CostFitResult fit = FitNonNegative(rows, y);
    ASSERT_EQ(fit.coefficients.size(), 3u);
    for (size_t i = 0; i < 3; ++i)
    {
        EXPECT_NEAR(fit.coefficients[i], truth[i], 1e-7 * truth[i]) << i;
    }
    EXPECT_NEAR(fit.rSquared, 1.0, 1e-9);
}

TEST(FitNonNegative, ZeroCoefficientStaysZero)
{
    // y = 5 + 0 x + 2 x^2: a true zero must not come out negative.
    std::vector<std::vector<double>> rows;
    std::vector<double> y;
    for (double x = 1; x <= 20; ++x)
    {
        rows.push_back({1.0, x, x * x});
        y.push_back(5 + 2 * x * x);
    }
    const CostFitResult fit = FitNonNegative(rows, y);
    EXPECT_GE(fit.coefficients[1], 0.0);
    EXPECT_NEAR(fit.coefficients[0], 5.0, 1e-6);
    EXPECT_NEAR(fit.coefficients[2], 2.0, 1e-6);
}

TEST(FitNonNegative, NeverNegative)
{
    // A decreasing trend would need a negative slope; noisy data tempts every column.
    {
        std::vector<std::vector<double>> rows;
        std::vector<double> y;
        for (double x = 1; x <= 10; ++x)
        {
            rows.push_back({1.0, x});
            y.push_back(20 - x);
        }
        const CostFitResult fit = FitNonNegative(rows, y);
        EXPECT_GE(fit.coefficients[0], 0.0);
        EXPECT_EQ(fit.coefficients[1], 0.0);
    }
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> noise(0.5, 1.5);
    for (int trial = 0; trial < 200; ++trial)
    {
        std::vector<std::vector<double>> rows;
        std::vector<double> y;
        for (int i = 0; i < 8; ++i)
        {
            const double x = 1 + 50 * noise(rng);
            const double b = 1 + 10 * noise(rng);
            rows.push_back({1.0, b, b * x});
            y.push_back(noise(rng));
        }
        const CostFitResult fit = FitNonNegative(rows, y);
        for (size_t j = 0; j < fit.coefficients.size(); ++j)
        {
            EXPECT_GE(fit.coefficients[j], 0.0) << "trial " << trial << " column " << j;
        }
        EXPECT_LE(fit.rSquared, 1.0 + 1e-12);
    }
}

TEST(FitNonNegative, RejectsBadInput)
{
    EXPECT_THROW(FitNonNegative({}, {}), std::invalid_argument);
    EXPECT_THROW(FitNonNegative({{1.0, 2.0}}, {1.0, 2.0}), std::invalid_argument);
    EXPECT_THROW(FitNonNegative({{1.0, 2.0}, {1.0}}, {1.0, 2.0}), std::invalid_argument);
    EXPECT_THROW(FitNonNegative({{1.0, 2.0}, {1.0, 3.0}}, {1.0, 0.0}), std::invalid_argument);
    EXPECT_THROW(FitNonNegative({{1.0, 2.0}, {1.0, 3.0}}, {1.0, -1.0}), std::invalid_argument);
    EXPECT_THROW(FitNonNegative({{1.0, 2.0}, {1.0, 3.0}}, {1.0, NAN}), std::invalid_argument);
}

TEST(Percentile, BasicCases)
{
    EXPECT_TRUE(std::isnan(Percentile({}, 50)));
    EXPECT_EQ(Percentile({7.0}, 0), 7.0);
    EXPECT_EQ(Percentile({7.0}, 99), 7.0);
    const std::vector<double> v = {4, 1, 3, 2}; // unsorted on purpose
    EXPECT_DOUBLE_EQ(Percentile(v, 0), 1.0);
    EXPECT_DOUBLE_EQ(Percentile(v, 100), 4.0);
    EXPECT_DOUBLE_EQ(Percentile(v, 50), 2.5);
    EXPECT_DOUBLE_EQ(Percentile(v, 25), 1.75);
    EXPECT_DOUBLE_EQ(Percentile(v, 75), 3.25);
    EXPECT_DOUBLE_EQ(Percentile(v, -5), 1.0); // clamped
    EXPECT_DOUBLE_EQ(Percentile(v, 150), 4.0);
    std::vector<double> hundred;
    for (int i = 1; i <= 101; ++i)
    {
        hundred.push_back(i);
    }
    EXPECT_DOUBLE_EQ(Percentile(hundred, 95), 96.0);
    EXPECT_DOUBLE_EQ(Percentile(hundred, 99), 100.0);
}

TEST(RooflineCostModel, InterconnectAttributesReplaceThePresets)
{
    // Llama-2-70B on four A100s: each decode step pays two all-reduces per block over NVLink.
    auto cost = test::Roofline("llama-2-70b", "a100-80gb-x4");
    const DeviceProfile& device = cost->GetDevice();
    const LayerRange all = cost->AllLayers();
    const double bytes = cost->GetModel().HiddenStateBytesPerToken(); // one token's activations
    const double preset = cost->DecodeSeconds(1, 100, all);
    const double perStep = 80 * 2 * device.AllReduceSeconds(bytes);
    // An ideal link: no all-reduce time at all.
    cost->SetAttribute("InterconnectBandwidth", DoubleValue(1e30));
    cost->SetAttribute("InterconnectLatency", DoubleValue(0));
    EXPECT_NEAR(cost->DecodeSeconds(1, 100, all), preset - perStep, 1e-12);
    // A slower link: only the bandwidth term changes, 2 (N-1)/N x bytes / bandwidth.
    cost->SetAttribute("InterconnectBandwidth", DoubleValue(device.interconnectBandwidth / 10));
    cost->SetAttribute("InterconnectLatency", DoubleValue(-1));
    const double slower =
        80 * 2 *
        (2.0 * 3 / 4 * bytes * 10 / device.interconnectBandwidth + device.interconnectLatency);
    EXPECT_NEAR(cost->DecodeSeconds(1, 100, all), preset - perStep + slower, 1e-12);
    // A single GPU has no interconnect to replace.
    auto single = test::Roofline("llama-2-7b", "a100-80gb");
    const double alone = single->DecodeSeconds(1, 100, single->AllLayers());
    single->SetAttribute("InterconnectLatency", DoubleValue(1));
    EXPECT_EQ(single->DecodeSeconds(1, 100, single->AllLayers()), alone);
}
