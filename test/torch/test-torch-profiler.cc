/*
 * Tests of the libtorch seam: the transformer, the profiler and the live cost model, on the
 * "tiny" preset (profiles in about a second).
 */

#include "ns3/config.h"
#include "ns3/cost-fit.h"
#include "ns3/cost-profile.h"
#include "ns3/profiled-cost-model.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/torch-live-cost-model.h"
#include "ns3/torch-profiler.h"
#include "ns3/torch-transformer.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <memory>
#include <stdexcept>
#include <string>
#include <unistd.h>

using namespace ns3;

namespace
{

// One thread: the suite checks behaviour, not speed, and one thread is far less disturbed by
// whatever else runs on a 2-core machine (ctest -j, a compiler) than two.
constexpr uint32_t THREADS = 1;

/// A gpt2-style model as small as "tiny", to check that block style too.
ModelSpec
TinyGpt2()
{
    ModelSpec m;
    m.name = "tiny-gpt2";
    m.architecture = "gpt2";
    m.layers = 2;
    m.hidden = 64;
    m.heads = 4;
    m.kvHeads = 4;
    m.ffn = 256;
    m.vocab = 512;
    m.maxContext = 1024;
    m.bytesPerParam = 4;
    m.source = "test";
    return m;
}

ProfilerOptions
TinyOptions()
{
    ProfilerOptions options;
    options.model = ModelSpec::Preset("tiny");
    options.threads = THREADS;
    options.repeats = 5;
    options.warmup = 2;
    options.retriesWhenBusy = 0; // keep the suite's time bounded on a busy machine
    return options;
}

/// A directory removed at the end of the test.
class TempDir
{
  public:
    TempDir()
    {
        char pattern[] = "/tmp/edge-llm-torch-test-XXXXXX";
        const char* dir = mkdtemp(pattern);
        if (dir == nullptr)
        {
            throw std::runtime_error("mkdtemp failed");
        }
        m_path = dir;
    }

    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }

    const std::string& Path() const
    {
        return m_path;
    }

  private:
    std::string m_path;
};

} // namespace

TEST(TorchTransformerTest, CachedDecodingMatchesFullRecomputation)
{
    // The KV cache, rotary positions and causal mask are right if decoding one token at a
    // time with the cache picks the same tokens as recomputing the whole sequence each time.
    TorchTransformer::SetThreads(THREADS);
    for (const ModelSpec& spec : {ModelSpec::Preset("tiny"), TinyGpt2()})
    {
        TorchTransformer net(spec, spec.layers, true, 7);
        // Long enough for prefill attention to run in several query chunks.
        std::vector<int64_t> prompt;
        for (int64_t i = 0; i < 600; ++i)
        {
            prompt.push_back((i * 7919 + 13) % spec.vocab);
        }
        const auto cached = net.Greedy(prompt, 12, true);
        const auto full = net.Greedy(prompt, 12, false);
        ASSERT_EQ(cached.size(), 12u) << spec.name;
        EXPECT_EQ(cached, full) << spec.name;
        // The output depends on the prompt, so the comparison means something.
        const std::vector<int64_t> shortPrompt = {3, 141, 59, 265, 358};
        const auto other = net.Greedy(shortPrompt, 12, true);
        EXPECT_NE(other, cached) << spec.name;
        EXPECT_EQ(other, net.Greedy(shortPrompt, 12, false)) << spec.name;
    }
}

TEST(TorchTransformerTest, RejectsBadShapes)
{
    const ModelSpec tiny = ModelSpec::Preset("tiny");
    EXPECT_THROW(TorchTransformer(tiny, 0, true, 1), std::invalid_argument);
    EXPECT_THROW(TorchTransformer(tiny, tiny.layers + 1, true, 1), std::invalid_argument);

    TorchTransformer partial(tiny, 1, true, 1);
    EXPECT_THROW(partial.Generate(8, 4), std::logic_error);
    TorchTransformer noHead(tiny, tiny.layers, false, 1);
    EXPECT_THROW(noHead.RunHeadDecode(1), std::logic_error);
    EXPECT_THROW(noHead.RunBlocksDecodeStep(), std::logic_error); // no PrepareDecode

    TorchTransformer full(tiny, tiny.layers, true, 1);
    EXPECT_THROW(full.Generate(tiny.maxContext, 1 + 1), std::invalid_argument);
    EXPECT_THROW(full.Generate(0, 4), std::invalid_argument);
    const auto t = full.Generate(16, 4);
    EXPECT_GT(t.prefillSeconds, 0);
    EXPECT_GT(t.decodeSeconds, 0);
}

TEST(TorchTransformerTest, ReportsThreadsAndVersion)
{
    TorchTransformer::SetThreads(2);
    EXPECT_EQ(TorchTransformer::GetThreads(), 2u);
    TorchTransformer::SetThreads(1);
    EXPECT_EQ(TorchTransformer::GetThreads(), 1u);
    TorchTransformer::SetThreads(THREADS);
    EXPECT_EQ(TorchTransformer::TorchVersion().rfind("1.", 0), 0u)
        << TorchTransformer::TorchVersion();
    EXPECT_THROW(TorchTransformer::SetThreads(0), std::invalid_argument);
}

/// Profiles "tiny" once for all the tests that read the profile.
class TinyProfileTest : public ::testing::Test
{
  protected:
    static void SetUpTestSuite()
    {
        s_profile = std::make_unique<CostProfile>(RunProfiler(TinyOptions()));
    }

    static void TearDownTestSuite()
    {
        s_profile.reset();
    }

    void TearDown() override
    {
        Simulator::Destroy();
        Config::Reset();
    }

    static std::unique_ptr<CostProfile> s_profile;
};

std::unique_ptr<CostProfile> TinyProfileTest::s_profile;

TEST_F(TinyProfileTest, HasEveryPhaseAndHostFacts)
{
    const CostProfile& p = *s_profile;
    for (const char* phase : {"layer-prefill", "layer-decode", "head-prefill", "head-decode"})
    {
        size_t count = 0;
        for (const auto& s : p.samples)
        {
            if (s.phase == phase)
            {
                ++count;
                EXPECT_GT(s.seconds, 0) << phase;
                EXPECT_GE(s.spread, 0) << phase;
                EXPECT_EQ(s.repeats, 5u) << phase;
            }
        }
        EXPECT_GE(count, 4u) << phase;
    }
    EXPECT_EQ(p.model.name, "tiny");
    EXPECT_EQ(p.profiledLayers, p.model.layers);
    EXPECT_EQ(p.dtype, "float32");
    EXPECT_EQ(p.bytesPerElement, 4);
    EXPECT_EQ(p.threads, THREADS);
    // OpenBLAS reaches tens of GFLOP/s here; the reference BLAS manages about 2.
    EXPECT_GT(p.hostFlops, 10e9);
    EXPECT_GT(p.hostBandwidth, 1e9);
    EXPECT_GT(p.hostMemoryBytes, 1e9);
    EXPECT_FALSE(p.cpuModel.empty());
    EXPECT_FALSE(p.hostName.empty());
    EXPECT_EQ(p.torchVersion, TorchTransformer::TorchVersion());
    EXPECT_EQ(p.tool.rfind("edge-llm-profile ", 0), 0u) << p.tool;
    EXPECT_EQ(p.createdUtc.size(), 20u) << p.createdUtc; // 2024-01-02T03:04:05Z
}

TEST_F(TinyProfileTest, FitIsNonNegativeAndGood)
{
    const CostProfile& p = *s_profile;
    for (double c : p.layerPrefill)
    {
        EXPECT_GE(c, 0);
    }
    for (double c : p.layerDecode)
    {
        EXPECT_GE(c, 0);
    }
    for (double c : p.headPrefill)
    {
        EXPECT_GE(c, 0);
    }
    for (double c : p.headDecode)
    {
        EXPECT_GE(c, 0);
    }
    EXPECT_GT(p.fitRSquaredPrefill, 0.8);
    EXPECT_GT(p.fitRSquaredDecode, 0.8);
}

TEST_F(TinyProfileTest, LongerPromptsCostMore)
{
    const ProfileSample* smallest = nullptr;
    const ProfileSample* largest = nullptr;
    for (const auto& s : s_profile->samples)
    {
        if (s.phase != "layer-prefill")
        {
            continue;
        }
        if (!smallest || s.tokens < smallest->tokens)
        {
            smallest = &s;
        }
        if (!largest || s.tokens > largest->tokens)
        {
            largest = &s;
        }
    }
    ASSERT_NE(smallest, nullptr);
    EXPECT_EQ(smallest->tokens, 8u);
    EXPECT_EQ(largest->tokens, 1024u);
    EXPECT_GT(largest->seconds, smallest->seconds);
    EXPECT_GT(s_profile->LayerPrefillSeconds(1024), s_profile->LayerPrefillSeconds(8));
}

TEST_F(TinyProfileTest, SaveLoadRoundTrip)
{
    TempDir dir;
    const std::string path = dir.Path() + "/tiny.json";
    s_profile->Save(path);
    const CostProfile loaded = CostProfile::Load(path);
    EXPECT_EQ(loaded.model.name, s_profile->model.name);
    EXPECT_EQ(loaded.profiledLayers, s_profile->profiledLayers);
    EXPECT_EQ(loaded.threads, s_profile->threads);
    EXPECT_DOUBLE_EQ(loaded.hostFlops, s_profile->hostFlops);
    for (size_t i = 0; i < 3; ++i)
    {
        EXPECT_DOUBLE_EQ(loaded.layerPrefill[i], s_profile->layerPrefill[i]);
        EXPECT_DOUBLE_EQ(loaded.layerDecode[i], s_profile->layerDecode[i]);
    }
    for (size_t i = 0; i < 2; ++i)
    {
        EXPECT_DOUBLE_EQ(loaded.headPrefill[i], s_profile->headPrefill[i]);
        EXPECT_DOUBLE_EQ(loaded.headDecode[i], s_profile->headDecode[i]);
    }
    ASSERT_EQ(loaded.samples.size(), s_profile->samples.size());
    for (size_t i = 0; i < loaded.samples.size(); ++i)
    {
        EXPECT_EQ(loaded.samples[i].phase, s_profile->samples[i].phase);
        EXPECT_EQ(loaded.samples[i].tokens, s_profile->samples[i].tokens);
        EXPECT_EQ(loaded.samples[i].batch, s_profile->samples[i].batch);
        EXPECT_DOUBLE_EQ(loaded.samples[i].seconds, s_profile->samples[i].seconds);
    }
    // Refitting the loaded samples gives the same curves.
    CostProfile refit = loaded;
    refit.Fit();
    EXPECT_NEAR(refit.LayerPrefillSeconds(300), loaded.LayerPrefillSeconds(300), 1e-12);
}

TEST_F(TinyProfileTest, PredictsLiveGenerationOffTheGrid)
{
    // Tiny timings are tens of microseconds and noisy, and the profile was taken earlier in
    // the run while the machine may have been busier or quieter: a factor of 1.8 either way
    // still catches a wrong phase, a missing head or a per-layer/per-model mix-up (each an
    // error of 2x or more). (A CI run measured 1.6 while other builds shared the cores.)
    Ptr<ProfiledCostModel> predictor = CreateObject<ProfiledCostModel>();
    predictor->SetProfile(*s_profile);
    const ModelSpec& model = s_profile->model;
    const uint32_t prompt = 100;
    const uint32_t output = 24;
    const double predicted = predictor->PrefillSeconds(prompt, predictor->AllLayers()) +
                             predictor->DecodeSeconds(output - 1, prompt, predictor->AllLayers());

    TorchTransformer::SetThreads(s_profile->threads);
    TorchTransformer net(model, model.layers, true, 1);
    net.Generate(prompt, output);
    std::vector<double> live;
    for (int i = 0; i < 21; ++i) // ~0.1 s: a median robust to a busy neighbour
    {
        const auto t = net.Generate(prompt, output);
        live.push_back(t.prefillSeconds + t.decodeSeconds);
    }
    const double measured = Percentile(live, 50);
    EXPECT_LT(std::abs(std::log(predicted / measured)), std::log(1.8))
        << "predicted " << predicted << " s, live " << measured << " s";
}

TEST(TorchProfilerTest, FewerBlocksThanLayersStillFits)
{
    ProfilerOptions options = TinyOptions();
    options.blocks = 1;
    options.repeats = 3;
    options.warmup = 1;
    options.maxPromptTokens = 128;
    std::vector<std::string> lines;
    options.progress = [&lines](const std::string& line) { lines.push_back(line); };
    const CostProfile p = RunProfiler(options);
    EXPECT_EQ(p.profiledLayers, 1u);
    EXPECT_EQ(p.model.layers, 2u);
    EXPECT_GT(p.LayerPrefillSeconds(64), 0);
    EXPECT_GT(p.LayerDecodeStepSeconds(1, 64), 0);
    EXPECT_GT(p.HeadPrefillSeconds(64), 0);
    EXPECT_GT(p.HeadDecodeStepSeconds(1), 0);
    for (const auto& s : p.samples)
    {
        if (s.phase == "layer-prefill")
        {
            EXPECT_LE(s.tokens, 128u);
        }
    }
    EXPECT_FALSE(lines.empty());
}

TEST(TorchProfilerTest, RejectsBadOptions)
{
    ProfilerOptions options = TinyOptions();
    options.repeats = 0;
    EXPECT_THROW(RunProfiler(options), std::invalid_argument);
    options = TinyOptions();
    options.threads = 0;
    EXPECT_THROW(RunProfiler(options), std::invalid_argument);
    options = TinyOptions();
    options.blocks = 3;
    EXPECT_THROW(RunProfiler(options), std::invalid_argument);
    options = TinyOptions();
    options.maxPromptTokens = 10; // only 8 and 10: too few for the quadratic fit
    EXPECT_THROW(RunProfiler(options), std::invalid_argument);
}

TEST(TorchProfilerTest, BlockCountDefaults)
{
    ProfilerOptions options;
    options.model = ModelSpec::Preset("gpt2-124m"); // ~0.3 GiB of fp32 blocks: all of them
    EXPECT_EQ(ProfiledBlocks(options), 12u);
    options.model = ModelSpec::Preset("llama-3-8b"); // ~28 GiB: two at full width
    EXPECT_EQ(ProfiledBlocks(options), 2u);
    options.blocks = 5;
    EXPECT_EQ(ProfiledBlocks(options), 5u);
}

class LiveCostModelTest : public ::testing::Test
{
  protected:
    void TearDown() override
    {
        Simulator::Destroy();
        Config::Reset();
    }
};

TEST_F(LiveCostModelTest, MeasuresTheWholeModel)
{
    Ptr<LiveCostModel> live = CreateObject<LiveCostModel>();
    live->SetAttribute("Threads", UintegerValue(THREADS));
    EXPECT_EQ(live->GetModel().name, "tiny");
    const LayerRange all = live->AllLayers();
    EXPECT_GT(live->PrefillSeconds(32, all), 0);
    EXPECT_GT(live->DecodeSeconds(4, 32, all), 0);
    EXPECT_EQ(live->DecodeSeconds(0, 32, all), 0);
    BatchStep step;
    step.prefillTokens = {16, 8};
    step.decodeContexts = {40, 41, 42};
    EXPECT_GT(live->BatchStepSeconds(step, all), 0);
    EXPECT_GT(live->Prefill(32), Seconds(0));

    const DeviceProfile& host = live->GetDevice();
    EXPECT_EQ(host.name.rfind("host:", 0), 0u) << host.name;
    EXPECT_GT(host.peakFlops, 0);
    EXPECT_GT(host.memoryBandwidth, 0);
    EXPECT_GT(host.memoryBytes, 0);
    EXPECT_NO_THROW(live->CheckFitsDevice());
}

TEST_F(LiveCostModelTest, RejectsPartialRangesAndUnknownNames)
{
    Ptr<LiveCostModel> live = CreateObject<LiveCostModel>();
    EXPECT_THROW(live->PrefillSeconds(16, LayerRange{0, 1}), std::invalid_argument);
    EXPECT_THROW(live->DecodeSeconds(2, 16, LayerRange{1, 2}), std::invalid_argument);
    EXPECT_THROW(live->BatchStepSeconds(BatchStep{}, LayerRange{0, 3}), std::invalid_argument);
    EXPECT_THROW(live->SetAttribute("Model", StringValue("no-such-model")), std::invalid_argument);

    live->SetAttribute("Device", StringValue("raspberry-pi-5"));
    EXPECT_EQ(live->GetDevice().name, "raspberry-pi-5");
}
