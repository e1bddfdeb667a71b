/*
 * Tests of the encoder in the libtorch seam: a BERT-class classifier built from a ModelSpec,
 * its forward pass, its prefill-only profile and the cost models that serve it. Small shapes
 * ("tiny-bert": 2 blocks of width 64), except one block of bert-base-110m for its real shape.
 */

#include "ns3/config.h"
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
#include <fstream>
#include <gtest/gtest.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <unistd.h>

using namespace ns3;

namespace
{

// One thread: the suite checks behaviour, not speed (see test-torch-profiler.cc).
constexpr uint32_t THREADS = 1;

/// A bert-style encoder as small as "tiny".
ModelSpec
TinyBert()
{
    ModelSpec m;
    m.name = "tiny-bert";
    m.architecture = "bert";
    m.layers = 2;
    m.hidden = 64;
    m.heads = 4;
    m.kvHeads = 4;
    m.ffn = 256;
    m.vocab = 512;
    m.maxContext = 128;
    m.bytesPerParam = 4;
    m.source = "test";
    return m;
}

std::vector<int64_t>
Prompt(int64_t length, int64_t vocab)
{
    std::vector<int64_t> prompt;
    for (int64_t i = 0; i < length; ++i)
    {
        prompt.push_back((i * 7919 + 13) % vocab);
    }
    return prompt;
}

/// Expects `call` to throw `E` with a one-line message containing `detail`.
template <typename E, typename Call>
void
ExpectOneLineError(Call&& call, const std::string& detail)
{
    try
    {
        call();
        ADD_FAILURE() << "did not throw";
    }
    catch (const E& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find(detail), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
    }
}

class EncoderTest : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        TorchTransformer::SetThreads(THREADS);
    }

    void TearDown() override
    {
        Simulator::Destroy();
        Config::Reset();
    }
};

} // namespace

TEST_F(EncoderTest, ClassifiesWithBidirectionalAttention)
{
    const ModelSpec spec = TinyBert();
    TorchTransformer net(spec, spec.layers, true, 7);
    const std::vector<int64_t> prompt = Prompt(100, spec.vocab);
    const std::vector<float> logits = net.ClassifierLogits(prompt);
    ASSERT_EQ(logits.size(), TorchTransformer::ENCODER_CLASSES);
    for (float v : logits)
    {
        EXPECT_TRUE(std::isfinite(v)) << v;
    }
    // Same weights, same prompt: same logits.
    EXPECT_EQ(net.ClassifierLogits(prompt), logits);
    // The pooler reads the first position only; it sees the last token only through
    // bidirectional attention (a causal mask would hide it).
    std::vector<int64_t> lastChanged = prompt;
    lastChanged.back() = (lastChanged.back() + 1) % spec.vocab;
    EXPECT_NE(net.ClassifierLogits(lastChanged), logits);
    // A prompt of the whole context runs; one more token is refused.
    EXPECT_EQ(net.ClassifierLogits(Prompt(spec.maxContext, spec.vocab)).size(),
              TorchTransformer::ENCODER_CLASSES);
    EXPECT_THROW(net.ClassifierLogits(Prompt(spec.maxContext + 1, spec.vocab)),
                 std::invalid_argument);
    EXPECT_THROW(net.ClassifierLogits({}), std::invalid_argument);
    EXPECT_THROW(net.ClassifierLogits({static_cast<int64_t>(spec.vocab)}), std::invalid_argument);
    // Another seed, other weights.
    TorchTransformer other(spec, spec.layers, true, 8);
    EXPECT_NE(other.ClassifierLogits(prompt), logits);
}

TEST_F(EncoderTest, RunsTheProfilersPhasesAndRefusesDecoding)
{
    const ModelSpec spec = TinyBert();
    TorchTransformer net(spec, spec.layers, true, 1);
    EXPECT_NO_THROW(net.RunBlocksPrefill(64, 1));
    EXPECT_NO_THROW(net.RunBlocksPrefill(spec.maxContext, 2));
    EXPECT_NO_THROW(net.RunHeadPrefill(64));
    EXPECT_THROW(net.RunBlocksPrefill(spec.maxContext + 1, 1), std::invalid_argument);
    // No KV cache, no decode steps, no generation: one clear line each.
    ExpectOneLineError<std::logic_error>([&] { net.PrepareDecode(16, 1); }, "is an encoder");
    ExpectOneLineError<std::logic_error>([&] { net.RunBlocksDecodeStep(); }, "is an encoder");
    ExpectOneLineError<std::logic_error>([&] { net.RunHeadDecode(1); }, "is an encoder");
    ExpectOneLineError<std::logic_error>([&] { net.Generate(8, 2); }, "is an encoder");
    ExpectOneLineError<std::logic_error>([&] { net.Greedy({1, 2, 3}, 2, true); }, "is an encoder");
    // The classifier needs the whole encoder; a decoder has no classifier.
    TorchTransformer partial(spec, 1, true, 1);
    EXPECT_THROW(partial.ClassifierLogits({1, 2, 3}), std::logic_error);
    TorchTransformer decoder(ModelSpec::Preset("tiny"), 2, true, 1);
    EXPECT_THROW(decoder.ClassifierLogits({1, 2, 3}), std::logic_error);
}

TEST_F(EncoderTest, BuildsBertBasesPublishedShape)
{
    // One block of bert-base-110m and its embeddings, pooler and classifier. Per block:
    // fused q/k/v and output projections with biases, two LayerNorms, the 768 -> 3072 -> 768
    // MLP with biases: 7,087,872 weights. Embeddings (30522 tokens, 512 positions, 2 token
    // types, LayerNorm): 23,837,184. Pooler: 590,592. With all 12 blocks that is
    // bert-base-uncased's 109,482,240; the classifier adds 4 x 768 + 4.
    const ModelSpec bert = ModelSpec::Preset("bert-base-110m");
    TorchTransformer net(bert, 1, true, 1);
    const double expected =
        7087872.0 + 23837184.0 + 590592.0 + TorchTransformer::ENCODER_CLASSES * (bert.hidden + 1.0);
    EXPECT_DOUBLE_EQ(net.GetWeightBytes(), 4.0 * expected);
    EXPECT_DOUBLE_EQ(12 * 7087872.0 + 23837184.0 + 590592.0, 109482240.0);
    EXPECT_NO_THROW(net.RunBlocksPrefill(bert.maxContext, 1));
    EXPECT_NO_THROW(net.RunHeadPrefill(bert.maxContext));
}

TEST_F(EncoderTest, ProfileHasPrefillPhasesOnlyAndServesPrefill)
{
    ProfilerOptions options;
    options.model = TinyBert();
    options.threads = THREADS;
    options.repeats = 3;
    options.warmup = 1;
    options.retriesWhenBusy = 0; // bounded time on a busy machine
    const CostProfile profile = RunProfiler(options);
    EXPECT_FALSE(profile.HasDecode());
    EXPECT_EQ(profile.profiledLayers, 2u);
    uint32_t layerPrefill = 0;
    uint32_t headPrefill = 0;
    uint32_t longest = 0;
    for (const auto& s : profile.samples)
    {
        EXPECT_TRUE(s.phase == "layer-prefill" || s.phase == "head-prefill") << s.phase;
        EXPECT_GT(s.seconds, 0);
        layerPrefill += s.phase == "layer-prefill";
        headPrefill += s.phase == "head-prefill";
        longest = std::max(longest, s.tokens);
    }
    // 8 .. 128: the grid up to the encoder's context.
    EXPECT_EQ(layerPrefill, 5u);
    EXPECT_EQ(headPrefill, 5u);
    EXPECT_EQ(longest, 128u);
    for (double c : profile.layerPrefill)
    {
        EXPECT_TRUE(std::isfinite(c) && c >= 0) << c;
    }
    for (double c : profile.headPrefill)
    {
        EXPECT_TRUE(std::isfinite(c) && c >= 0) << c;
    }
    EXPECT_GT(profile.LayerPrefillSeconds(128), profile.LayerPrefillSeconds(8));
    EXPECT_GT(profile.HeadPrefillSeconds(64), 0);
    EXPECT_EQ(profile.layerDecode[0] + profile.layerDecode[1] + profile.layerDecode[2], 0);

    // The file has no decode fit, and reads back as it was written.
    char pattern[] = "/tmp/edge-llm-encoder-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    const std::string path = std::string(pattern) + "/tiny-bert.json";
    profile.Save(path);
    std::ifstream in(path);
    const nlohmann::json j = nlohmann::json::parse(in);
    EXPECT_TRUE(j.at("fit").contains("layer_prefill"));
    EXPECT_FALSE(j.at("fit").contains("layer_decode"));
    EXPECT_FALSE(j.at("fit").contains("head_decode"));
    const CostProfile loaded = CostProfile::Load(path);
    std::filesystem::remove_all(pattern);
    EXPECT_FALSE(loaded.HasDecode());
    EXPECT_TRUE(loaded.model.IsEncoder());
    EXPECT_DOUBLE_EQ(loaded.LayerPrefillSeconds(100), profile.LayerPrefillSeconds(100));

    // On the host, the whole forward pass is every block plus the head, as fitted.
    Ptr<ProfiledCostModel> cost = CreateObject<ProfiledCostModel>();
    cost->SetProfile(loaded);
    const LayerRange all = cost->AllLayers();
    EXPECT_NEAR(cost->PrefillSeconds(100, all),
                2 * loaded.LayerPrefillSeconds(100) + loaded.HeadPrefillSeconds(100),
                1e-12);
    BatchStep prefillOnly;
    prefillOnly.prefillTokens = {100};
    EXPECT_NEAR(cost->BatchStepSeconds(prefillOnly, all), cost->PrefillSeconds(100, all), 1e-12);
    ExpectOneLineError<std::invalid_argument>([&] { cost->DecodeSeconds(4, 100, all); },
                                              "'tiny-bert' is an encoder");
    BatchStep withDecode;
    withDecode.decodeContexts = {100};
    ExpectOneLineError<std::invalid_argument>([&] { cost->BatchStepSeconds(withDecode, all); },
                                              "is an encoder");
}

TEST_F(EncoderTest, LiveCostModelTimesTheForwardPass)
{
    Ptr<LiveCostModel> live = CreateObject<LiveCostModel>();
    live->SetAttribute("Threads", UintegerValue(THREADS));
    live->SetAttribute("Model", StringValue("bert-base-110m"));
    const LayerRange all = live->AllLayers();
    EXPECT_GT(live->PrefillSeconds(16, all), 0);
    ExpectOneLineError<std::invalid_argument>([&] { live->DecodeSeconds(2, 16, all); },
                                              "is an encoder");
}
