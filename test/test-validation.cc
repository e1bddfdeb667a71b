/*
 * Calibration: the published-speeds reader, the physics the calibration adds to the cost
 * models (achievable fractions of the peaks, per-iteration overhead, precision variants,
 * tensor-parallel all-reduces), and ./edge-llm validate against the shared measurements.
 */

#include "edge-llm-test-fixture.h"

#include "ns3/device-profile.h"
#include "ns3/double.h"
#include "ns3/model-spec.h"
#include "ns3/published-speed.h"
#include "ns3/roofline-cost-model.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

using namespace ns3;

namespace
{

const std::string SHARED_CSV = EDGE_LLM_SHARED_DATA_DIR "/published-speeds.csv";
const std::string VALIDATE = EDGE_LLM_VALIDATE_TOOL;

const std::string HEADER = "id,device,model,precision,framework,batch,prompt_tokens,"
                           "output_tokens,metric,value,unit,source\n";
const std::string GOOD_ROW =
    "a,a100-80gb,llama-2-7b,fp16,engine,1,128,128,output_rate,100,tokens/s,somewhere\n";

/// The message of the std::invalid_argument that loading `text` as a CSV throws ("" if none).
std::string
LoadError(const std::string& dir, const std::string& text)
{
    const std::string path = dir + "/speeds.csv";
    test::WriteFile(path, text);
    try
    {
        PublishedSpeed::Load(path);
    }
    catch (const std::invalid_argument& e)
    {
        return e.what();
    }
    return "";
}

struct ToolRun
{
    int exitCode{-1};
    std::string out;
    std::string err;
};

class ValidationTest : public test::SimulationTest
{
  protected:
    ToolRun Run(const std::string& args)
    {
        const std::string dir = TempDir();
        const std::string command =
            "'" + VALIDATE + "' " + args + " >'" + dir + "/out' 2>'" + dir + "/err' </dev/null";
        const int status = std::system(command.c_str());
        ToolRun run;
        run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        run.out = test::ReadFile(dir + "/out");
        run.err = test::ReadFile(dir + "/err");
        test::ExpectNoSanitizerReport(VALIDATE + " " + args, run.err);
        return run;
    }

    std::string Error(const std::string& text)
    {
        return LoadError(TempDir(), text);
    }
};

/// `device` with ideal kernels: the peaks reached, no overhead.
DeviceProfile
Ideal(DeviceProfile device)
{
    device.computeFraction = 1;
    device.bandwidthFraction = 1;
    device.iterationOverhead = 0;
    return device;
}

} // namespace

// --- the reader ---------------------------------------------------------------------------

TEST_F(ValidationTest, ReadsTheSharedFile)
{
    const auto rows = PublishedSpeed::Load(SHARED_CSV);
    ASSERT_GE(rows.size(), 10u);
    for (const auto& row : rows)
    {
        EXPECT_NO_THROW(DeviceProfile::Preset(row.device)) << row.id;
        EXPECT_NO_THROW(ModelSpec::Preset(row.ModelPreset())) << row.id;
        EXPECT_GT(row.value, 0) << row.id;
    }
}

TEST_F(ValidationTest, PrecisionPicksTheVariant)
{
    const std::string dir = TempDir();
    test::WriteFile(dir + "/s.csv",
                    HEADER + "a,jetson-agx-orin,llama-3-8b,int4 (AWQ W4A16),x,1,,,decode_time,0.03,"
                             "s/token,y\n"
                             "b,a100-80gb,llama-2-7b,bf16,x,offline,128,128,output_rate,5000,"
                             "tokens/s,y\n"
                             "c,a100-80gb,llama-2-7b,int8,x,1,,,ttft,0.01,s,y\n");
    const auto rows = PublishedSpeed::Load(dir + "/s.csv");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].ModelPreset(), "llama-3-8b-int4");
    EXPECT_EQ(rows[0].promptTokens, 0u);
    EXPECT_EQ(rows[0].outputTokens, 0u);
    EXPECT_EQ(rows[1].ModelPreset(), "llama-2-7b");
    EXPECT_TRUE(rows[1].offline);
    EXPECT_EQ(rows[2].ModelPreset(), "llama-2-7b-int8");
}

TEST_F(ValidationTest, BadCsvNamesTheField)
{
    // A missing column names the column.
    std::string header = HEADER;
    header.replace(header.find("metric,"), 7, "");
    std::string row = GOOD_ROW;
    row.replace(row.find("output_rate,"), 12, "");
    std::string error = Error(header + row);
    EXPECT_NE(error.find("column 'metric'"), std::string::npos) << error;
    EXPECT_NE(error.find(":1:"), std::string::npos) << error;

    // A non-numeric value names the column, the value and the line.
    row = GOOD_ROW;
    row.replace(row.find(",100,"), 5, ",fast,");
    error = Error(HEADER + row);
    EXPECT_NE(error.find("value 'fast'"), std::string::npos) << error;
    EXPECT_NE(error.find(":2:"), std::string::npos) << error;

    row = GOOD_ROW;
    row.replace(row.find(",128,128,"), 9, ",128,lots,");
    error = Error(HEADER + row);
    EXPECT_NE(error.find("output_tokens 'lots'"), std::string::npos) << error;

    row = GOOD_ROW;
    row.replace(row.find(",1,"), 3, ",big,");
    error = Error(HEADER + row);
    EXPECT_NE(error.find("batch 'big'"), std::string::npos) << error;
    EXPECT_NE(error.find("offline"), std::string::npos) << error;

    row = GOOD_ROW;
    row.replace(row.find("output_rate"), 11, "speed");
    error = Error(HEADER + row);
    EXPECT_NE(error.find("metric 'speed'"), std::string::npos) << error;

    row = GOOD_ROW;
    row.replace(row.find("tokens/s"), 8, "s");
    error = Error(HEADER + row);
    EXPECT_NE(error.find("unit 's'"), std::string::npos) << error;

    row = GOOD_ROW;
    row.replace(row.find("fp16"), 4, "fp8");
    error = Error(HEADER + row);
    EXPECT_NE(error.find("precision 'fp8'"), std::string::npos) << error;

    row = GOOD_ROW;
    row.replace(row.find("a100-80gb"), 9, "tpu");
    error = Error(HEADER + row);
    EXPECT_NE(error.find("device 'tpu'"), std::string::npos) << error;
    EXPECT_NE(error.find("a100-80gb"), std::string::npos) << "lists the accepted: " << error;

    EXPECT_NE(Error(HEADER).find("no rows"), std::string::npos);
    for (const std::string& e : {Error(header + row), Error(HEADER + "a,b\n")})
    {
        EXPECT_EQ(e.find('\n'), std::string::npos) << "one line: " << e;
    }
}

// --- the physics --------------------------------------------------------------------------

TEST(Calibration, Int4WeightsAreAQuarterOfFp16)
{
    const ModelSpec fp16 = ModelSpec::Preset("llama-3-8b");
    const ModelSpec int8 = ModelSpec::Preset("llama-3-8b-int8");
    const ModelSpec int4 = ModelSpec::Preset("llama-3-8b-int4");
    EXPECT_EQ(int4.TotalParams(), fp16.TotalParams());
    EXPECT_DOUBLE_EQ(int4.bytesPerParam, fp16.bytesPerParam / 4);
    EXPECT_DOUBLE_EQ(int8.WeightBytes(), fp16.WeightBytes() / 2);
    // The int4 weights are a quarter; the group scales (4 bytes per 128 weights) come on top.
    EXPECT_DOUBLE_EQ(int4.WeightBytes(), fp16.WeightBytes() / 4 + fp16.TotalParams() / 32);
    // The KV cache and the activations stay fp16.
    EXPECT_DOUBLE_EQ(int4.KvBytesPerToken(), fp16.KvBytesPerToken());
    EXPECT_DOUBLE_EQ(int4.HiddenStateBytesPerToken(), fp16.HiddenStateBytesPerToken());
    EXPECT_EQ(ModelSpec::BaseName("llama-3-8b-int4"), "llama-3-8b");
    EXPECT_EQ(ModelSpec::BaseName("llama-3-8b"), "llama-3-8b");

    // Batch-1 decode reads the weights: the int4 step is about 0.53 / 2 of the fp16 one.
    Ptr<RooflineCostModel> a = CreateObject<RooflineCostModel>();
    Ptr<RooflineCostModel> b = CreateObject<RooflineCostModel>();
    a->SetModel(fp16);
    b->SetModel(int4);
    a->SetDevice(Ideal(DeviceProfile::Preset("jetson-agx-orin")));
    b->SetDevice(Ideal(DeviceProfile::Preset("jetson-agx-orin")));
    const double ratio =
        b->DecodeSeconds(1, 16, b->AllLayers()) / a->DecodeSeconds(1, 16, a->AllLayers());
    EXPECT_NEAR(ratio, (0.5 + 1.0 / 32) / 2, 0.01);
}

TEST(Calibration, LlamaTwoPresetsMatchTheirSizes)
{
    EXPECT_NEAR(ModelSpec::Preset("llama-2-7b").TotalParams(), 6.74e9, 0.01 * 6.74e9);
    EXPECT_NEAR(ModelSpec::Preset("llama-2-13b").TotalParams(), 13.0e9, 0.01 * 13.0e9);
    EXPECT_NEAR(ModelSpec::Preset("llama-2-70b").TotalParams(), 69.0e9, 0.01 * 69.0e9);
}

TEST(Calibration, FractionsRaiseMemoryBoundTimeByExactlyTheirInverse)
{
    // Decode at batch 1 is memory-bound: once the overhead is taken off, time = bytes /
    // (bandwidth x fraction), so the preset's fraction raises it by exactly 1 / fraction.
    const DeviceProfile device = DeviceProfile::Preset("a100-80gb");
    ASSERT_LT(device.bandwidthFraction, 1.0);
    ASSERT_GT(device.iterationOverhead, 0.0);
    auto preset = test::Roofline("llama-3-8b", "a100-80gb"); // the device's fractions
    auto ideal = test::Roofline("llama-3-8b", "a100-80gb");
    ideal->SetAttribute("ComputeEfficiency", DoubleValue(1.0));
    ideal->SetAttribute("BandwidthEfficiency", DoubleValue(1.0));
    const LayerRange all = preset->AllLayers();
    const uint32_t g = 20;
    const double overhead = g * device.iterationOverhead;
    const double real = preset->DecodeSeconds(g, 100, all) - overhead;
    const double roof = ideal->DecodeSeconds(g, 100, all) - overhead;
    EXPECT_NEAR(real, roof / device.bandwidthFraction, 1e-12 * real);
    // An explicit efficiency replaces the device's fraction.
    auto half = test::Roofline("llama-3-8b", "a100-80gb");
    half->SetAttribute("BandwidthEfficiency", DoubleValue(0.5));
    half->SetAttribute("ComputeEfficiency", DoubleValue(1.0));
    EXPECT_NEAR(half->DecodeSeconds(g, 100, all) - overhead, 2 * roof, 1e-12 * roof);
    // The overhead is charged once per iteration: prefill once, decode once per step.
    auto noOverhead = CreateObject<RooflineCostModel>();
    DeviceProfile quiet = device;
    quiet.iterationOverhead = 0;
    noOverhead->SetModel(ModelSpec::Preset("llama-3-8b"));
    noOverhead->SetDevice(quiet);
    EXPECT_NEAR(preset->PrefillSeconds(300, all) - noOverhead->PrefillSeconds(300, all),
                device.iterationOverhead,
                1e-12);
    EXPECT_NEAR(preset->DecodeSeconds(g, 300, all) - noOverhead->DecodeSeconds(g, 300, all),
                overhead,
                1e-12);
}

TEST(Calibration, TensorParallelAllReducesCost)
{
    const DeviceProfile one = DeviceProfile::Preset("a100-80gb");
    const DeviceProfile four = DeviceProfile::Preset("a100-80gb-x4");
    EXPECT_EQ(one.tensorParallel, 1u);
    EXPECT_EQ(four.tensorParallel, 4u);
    EXPECT_EQ(one.AllReduceSeconds(1e6), 0.0);
    // Ring all-reduce: 2 (N-1)/N x bytes / link bandwidth + latency.
    EXPECT_DOUBLE_EQ(four.AllReduceSeconds(1e6),
                     1.5 * 1e6 / four.interconnectBandwidth + four.interconnectLatency);

    // x4 is slower than four ideal GPUs by exactly two all-reduces per block.
    DeviceProfile ideal = four;
    ideal.tensorParallel = 1;
    auto tp = CreateObject<RooflineCostModel>();
    auto perfect = CreateObject<RooflineCostModel>();
    const ModelSpec model = ModelSpec::Preset("llama-2-70b");
    tp->SetModel(model);
    perfect->SetModel(model);
    tp->SetDevice(four);
    perfect->SetDevice(ideal);
    const LayerRange all = tp->AllLayers();
    for (uint32_t prompt : {1u, 2048u})
    {
        const double allReduces =
            model.layers * 2 * four.AllReduceSeconds(prompt * model.HiddenStateBytesPerToken());
        EXPECT_GT(tp->PrefillSeconds(prompt, all), perfect->PrefillSeconds(prompt, all));
        EXPECT_NEAR(tp->PrefillSeconds(prompt, all) - perfect->PrefillSeconds(prompt, all),
                    allReduces,
                    1e-9 * allReduces)
            << prompt;
    }
    const double decodeAllReduces =
        10 * model.layers * 2 * four.AllReduceSeconds(model.HiddenStateBytesPerToken());
    EXPECT_NEAR(tp->DecodeSeconds(10, 100, all) - perfect->DecodeSeconds(10, 100, all),
                decodeAllReduces,
                1e-9 * decodeAllReduces);
    // Four GPUs are still faster than one for a model that fits one.
    const LayerRange all13 = {0, ModelSpec::Preset("llama-2-13b").layers};
    EXPECT_LT(test::Roofline("llama-2-13b", "a100-80gb-x4")->DecodeSeconds(10, 100, all13),
              test::Roofline("llama-2-13b", "a100-80gb")->DecodeSeconds(10, 100, all13));
}

// --- ./edge-llm validate ------------------------------------------------------------------

TEST_F(ValidationTest, SharedMeasurementsMeetTheCalibrationTarget)
{
    ASSERT_TRUE(std::filesystem::exists(VALIDATE)) << VALIDATE << " is not built";
    const ToolRun run = Run("--json --file='" + SHARED_CSV + "'");
    ASSERT_NE(run.exitCode, 2) << run.err;
    const nlohmann::json result = nlohmann::json::parse(run.out);
    EXPECT_EQ(result.at("rows").size(), PublishedSpeed::Load(SHARED_CSV).size());
    EXPECT_GT(result.at("predicted_rows").get<int>(), 0);
    const double median = result.at("median_abs_error_pct").get<double>();
    const double p95 = result.at("p95_abs_error_pct").get<double>();
    EXPECT_LE(median, 15.0) << run.out;
    EXPECT_LE(p95, 30.0) << run.out;
    EXPECT_TRUE(result.at("met").get<bool>());
    EXPECT_EQ(run.exitCode, 0) << "exit 0 when the target is met";
}

TEST_F(ValidationTest, ToolPrintsEveryRowAndTheVerdict)
{
    const ToolRun run = Run("--file='" + SHARED_CSV + "'");
    ASSERT_EQ(run.exitCode, 0) << run.out << run.err;
    for (const auto& row : PublishedSpeed::Load(SHARED_CSV))
    {
        EXPECT_NE(run.out.find(row.id + " "), std::string::npos) << row.id;
    }
    EXPECT_NE(run.out.find("median |error|"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("target (median <= 15 %, p95 <= 30 %): met on "), std::string::npos);
}

TEST_F(ValidationTest, ToolRejectsBadInputWithOneLine)
{
    const std::string dir = TempDir();
    std::string row = GOOD_ROW;
    row.replace(row.find(",100,"), 5, ",fast,");
    test::WriteFile(dir + "/bad.csv", HEADER + row);
    for (const auto& [args, needle] : std::vector<std::pair<std::string, std::string>>{
             {"--file='" + dir + "/bad.csv'", "value 'fast'"},
             {"--file='" + dir + "/none.csv'", "none.csv"},
             {"--cost=magic", "--cost 'magic'"},
             {"--frobnicate", "'--frobnicate'"}})
    {
        const ToolRun run = Run(args);
        EXPECT_EQ(run.exitCode, 2) << args;
        EXPECT_NE(run.err.find(needle), std::string::npos) << args << ": " << run.err;
        EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
    }
}
