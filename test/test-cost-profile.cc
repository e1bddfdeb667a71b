/*
 * CostProfile: the profile file, written and read back, and every way reading it can fail.
 */

#include "edge-llm-test-fixture.h"

#include "ns3/cost-profile.h"

#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <stdexcept>

using namespace ns3;
using nlohmann::json;
using ns3::test::ReadFile;
using ns3::test::WriteFile;

namespace
{

CostProfile
SampleProfile()
{
    CostProfile p;
    p.model = ModelSpec::Preset("tinyllama-1.1b");
    p.model.bytesPerParam = 0.5; // a 4-bit deployment: not the preset's value
    p.profiledLayers = 3;
    p.dtype = "bfloat16";
    p.bytesPerElement = 2;
    p.hostName = "bench-01";
    p.cpuModel = "Example CPU @ 3.0GHz";
    p.threads = 12;
    p.hostFlops = 1.234e12;
    p.hostBandwidth = 45.6e9;
    p.hostMemoryBytes = 64.0 * 1024 * 1024 * 1024;
    p.torchVersion = "2.1.0";
    p.createdUtc = "2024-01-02T03:04:05Z";
    p.tool = "edge-llm-profile 0.1.0";
    p.samples = {{"layer-prefill", 128, 1, 0.00123, 0.02, 7},
                 {"layer-decode", 512, 4, 0.000456, 0.05, 9},
                 {"head-prefill", 64, 1, 0.000789, 0.01, 5},
                 {"head-decode", 1, 8, 0.000321, 0.03, 11}};
    p.layerPrefill = {1e-4, 2e-6, 3e-10};
    p.layerDecode = {4e-5, 5e-6, 6e-9};
    p.headPrefill = {7e-5, 8e-7};
    p.headDecode = {9e-5, 1e-6};
    p.fitRSquaredPrefill = 0.998;
    p.fitRSquaredDecode = 0.987;
    return p;
}

class CostProfileTest : public ns3::test::SimulationTest
{
  protected:
    void SetUp() override
    {
        SimulationTest::SetUp();
        m_dir = TempDir();
    }

    std::string Path(const std::string& name) const
    {
        return m_dir + "/" + name;
    }

    /// Saves a good profile, lets `edit` break its JSON, writes it back, returns the path.
    template <typename Edit>
    std::string Broken(const std::string& name, Edit edit)
    {
        const std::string path = Path(name);
        SampleProfile().Save(path);
        json j = json::parse(ReadFile(path));
        edit(j);
        WriteFile(path, j.dump(2));
        return path;
    }

    /// Load(path) must throw std::runtime_error whose message names the path and `detail`.
    void ExpectLoadFails(const std::string& path, const std::string& detail = "")
    {
        try
        {
            CostProfile::Load(path);
            ADD_FAILURE() << "Load(" << path << ") did not throw";
        }
        catch (const std::runtime_error& e)
        {
            const std::string what = e.what();
            EXPECT_NE(what.find(path), std::string::npos) << what;
            EXPECT_NE(what.find(detail), std::string::npos) << what << " lacks " << detail;
            EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
        }
        catch (const std::exception& e)
        {
            ADD_FAILURE() << "not a std::runtime_error: " << e.what();
        }
    }

    std::string m_dir;
};

} // namespace

TEST_F(CostProfileTest, SaveLoadRoundTrip)
{
    const CostProfile in = SampleProfile();
    const std::string path = Path("tinyllama-1.1b.json");
    in.Save(path);
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp")) << "temporary file left behind";
    const CostProfile out = CostProfile::Load(path);

    EXPECT_EQ(out.model.name, in.model.name);
    EXPECT_EQ(out.model.architecture, in.model.architecture);
    EXPECT_EQ(out.model.layers, in.model.layers);
    EXPECT_EQ(out.model.hidden, in.model.hidden);
    EXPECT_EQ(out.model.heads, in.model.heads);
    EXPECT_EQ(out.model.kvHeads, in.model.kvHeads);
    EXPECT_EQ(out.model.ffn, in.model.ffn);
    EXPECT_EQ(out.model.vocab, in.model.vocab);
    EXPECT_EQ(out.model.maxContext, in.model.maxContext);
    EXPECT_EQ(out.model.bytesPerParam, in.model.bytesPerParam);
    EXPECT_EQ(out.model.source, in.model.source);

    EXPECT_EQ(out.profiledLayers, in.profiledLayers);
    EXPECT_EQ(out.dtype, in.dtype);
    EXPECT_EQ(out.bytesPerElement, in.bytesPerElement);
    EXPECT_EQ(out.hostName, in.hostName);
    EXPECT_EQ(out.cpuModel, in.cpuModel);
    EXPECT_EQ(out.threads, in.threads);
    EXPECT_EQ(out.hostFlops, in.hostFlops);
    EXPECT_EQ(out.hostBandwidth, in.hostBandwidth);
    EXPECT_EQ(out.hostMemoryBytes, in.hostMemoryBytes);
    EXPECT_EQ(out.torchVersion, in.torchVersion);
    EXPECT_EQ(out.createdUtc, in.createdUtc);
    EXPECT_EQ(out.tool, in.tool);

    EXPECT_EQ(out.layerPrefill, in.layerPrefill);
    EXPECT_EQ(out.layerDecode, in.layerDecode);
    EXPECT_EQ(out.headPrefill, in.headPrefill);
    EXPECT_EQ(out.headDecode, in.headDecode);
    EXPECT_EQ(out.fitRSquaredPrefill, in.fitRSquaredPrefill);
    EXPECT_EQ(out.fitRSquaredDecode, in.fitRSquaredDecode);

    ASSERT_EQ(out.samples.size(), in.samples.size());
    for (size_t i = 0; i < in.samples.size(); ++i)
    {
        EXPECT_EQ(out.samples[i].phase, in.samples[i].phase) << i;
        EXPECT_EQ(out.samples[i].tokens, in.samples[i].tokens) << i;
        EXPECT_EQ(out.samples[i].batch, in.samples[i].batch) << i;
        EXPECT_EQ(out.samples[i].seconds, in.samples[i].seconds) << i;
        EXPECT_EQ(out.samples[i].spread, in.samples[i].spread) << i;
        EXPECT_EQ(out.samples[i].repeats, in.samples[i].repeats) << i;
    }

    // The costs it implies are the same, and saving again gives the same file.
    EXPECT_EQ(out.LayerPrefillSeconds(300), in.LayerPrefillSeconds(300));
    EXPECT_EQ(out.LayerDecodeStepSeconds(4, 1000), in.LayerDecodeStepSeconds(4, 1000));
    out.Save(Path("again.json"));
    EXPECT_EQ(ReadFile(Path("again.json")), ReadFile(path));
}

TEST_F(CostProfileTest, SaveOverwrites)
{
    const std::string path = Path("p.json");
    CostProfile p = SampleProfile();
    p.Save(path);
    p.hostName = "second";
    p.Save(path);
    EXPECT_EQ(CostProfile::Load(path).hostName, "second");
}

TEST_F(CostProfileTest, SaveToMissingDirectoryThrows)
{
    EXPECT_THROW(SampleProfile().Save(Path("no/such/dir/p.json")), std::runtime_error);
}

TEST_F(CostProfileTest, MissingFile)
{
    ExpectLoadFails(Path("does-not-exist.json"));
}

TEST_F(CostProfileTest, MalformedJson)
{
    const std::string path = Path("garbage.json");
    WriteFile(path, "{\"format_version\": 1, \"model\": {");
    ExpectLoadFails(path);
    WriteFile(path, "");
    ExpectLoadFails(path);
    WriteFile(path, "[1, 2, 3]");
    ExpectLoadFails(path);
}

TEST_F(CostProfileTest, MissingField)
{
    ExpectLoadFails(Broken("no-host-flops.json", [](json& j) { j["host"].erase("gemm_flops"); }),
                    "gemm_flops");
    ExpectLoadFails(Broken("no-fit.json", [](json& j) { j.erase("fit"); }), "fit");
    ExpectLoadFails(Broken("no-model.json", [](json& j) { j.erase("model"); }), "model");
    ExpectLoadFails(Broken("no-layers.json", [](json& j) { j["model"].erase("layers"); }),
                    "layers");
    ExpectLoadFails(Broken("no-phase.json", [](json& j) { j["samples"][0].erase("phase"); }),
                    "phase");
    ExpectLoadFails(Broken("no-version.json", [](json& j) { j.erase("format_version"); }),
                    "format_version");
}

TEST_F(CostProfileTest, WrongFieldType)
{
    ExpectLoadFails(Broken("string-layers.json", [](json& j) { j["model"]["layers"] = "many"; }));
    ExpectLoadFails(Broken("samples-object.json", [](json& j) { j["samples"] = 3; }));
}

TEST_F(CostProfileTest, WrongFormatVersion)
{
    ExpectLoadFails(Broken("v2.json", [](json& j) { j["format_version"] = 2; }), "format_version");
    ExpectLoadFails(Broken("v0.json", [](json& j) { j["format_version"] = 0; }), "format_version");
}

TEST_F(CostProfileTest, NegativeCoefficient)
{
    ExpectLoadFails(Broken("neg-a1.json", [](json& j) { j["fit"]["layer_prefill"][1] = -1e-6; }),
                    "layer_prefill");
    ExpectLoadFails(Broken("neg-b0.json", [](json& j) { j["fit"]["layer_decode"][0] = -1e-6; }),
                    "layer_decode");
    ExpectLoadFails(Broken("neg-d1.json", [](json& j) { j["fit"]["head_decode"][1] = -1.0; }),
                    "head_decode");
}

TEST_F(CostProfileTest, WrongCoefficientCount)
{
    ExpectLoadFails(Broken("short.json",
                           [](json& j) {
                               j["fit"]["layer_prefill"] = {1e-4, 1e-6};
                           }),
                    "layer_prefill");
}

TEST_F(CostProfileTest, InvalidModelOrHost)
{
    ExpectLoadFails(Broken("bad-arch.json", [](json& j) { j["model"]["architecture"] = "rnn"; }),
                    "architecture");
    ExpectLoadFails(Broken("zero-flops.json", [](json& j) { j["host"]["gemm_flops"] = 0; }),
                    "gemm_flops");
}

// Every field out of its range is refused, and the error names the field and the range.
TEST_F(CostProfileTest, FieldsOutOfRangeAreNamed)
{
    struct Row
    {
        const char* file;
        std::function<void(json&)> edit;
        const char* detail;
    };

    const double huge = 1e300; // (JSON has no infinity: nlohmann refuses 1e400 itself)
    const std::vector<Row> rows = {
        {"zero-tokens", [](json& j) { j["samples"][0]["tokens"] = 0; }, "samples[0].tokens 0"},
        {"negative-tokens", [](json& j) { j["samples"][1]["tokens"] = -5; }, "samples[1].tokens"},
        {"tokens-beyond-context",
         [](json& j) { j["samples"][0]["tokens"] = 1u << 30; },
         "samples[0].tokens"},
        {"fractional-tokens", [](json& j) { j["samples"][0]["tokens"] = 3.5; }, "whole number"},
        {"zero-batch", [](json& j) { j["samples"][2]["batch"] = 0; }, "samples[2].batch"},
        {"zero-seconds", [](json& j) { j["samples"][0]["seconds"] = 0; }, "samples[0].seconds"},
        {"negative-seconds",
         [](json& j) { j["samples"][3]["seconds"] = -1e-3; },
         "samples[3].seconds"},
        {"huge-seconds", [&](json& j) { j["samples"][0]["seconds"] = huge; }, "samples[0].seconds"},
        {"negative-spread", [](json& j) { j["samples"][0]["spread"] = -1; }, "spread"},
        {"unknown-phase", [](json& j) { j["samples"][0]["phase"] = "warmup"; }, "warmup"},
        {"sample-not-object", [](json& j) { j["samples"][0] = 7; }, "samples[0]"},
        {"zero-profiled-layers", [](json& j) { j["profiled_layers"] = 0; }, "profiled_layers"},
        {"more-profiled-layers-than-the-model",
         [](json& j) { j["profiled_layers"] = 1000; },
         "profiled_layers 1000"},
        {"zero-threads", [](json& j) { j["host"]["threads"] = 0; }, "host.threads"},
        {"huge-bandwidth",
         [&](json& j) { j["host"]["copy_bandwidth"] = huge; },
         "host.copy_bandwidth"},
        {"zero-memory", [](json& j) { j["host"]["memory_bytes"] = 0; }, "host.memory_bytes"},
        {"zero-bytes-per-element",
         [](json& j) { j["bytes_per_element"] = 0; },
         "bytes_per_element"},
        {"negative-layers", [](json& j) { j["model"]["layers"] = -1; }, "model.layers"},
        {"zero-hidden", [](json& j) { j["model"]["hidden"] = 0; }, "model.hidden"},
        {"huge-vocab", [](json& j) { j["model"]["vocab"] = 1e12; }, "model.vocab"},
        {"huge-bytes-per-param",
         [&](json& j) { j["model"]["bytes_per_param"] = huge; },
         "model.bytes_per_param"},
        {"huge-coefficient",
         [&](json& j) { j["fit"]["layer_prefill"][2] = huge; },
         "fit.layer_prefill[2]"},
        {"string-coefficient",
         [](json& j) { j["fit"]["head_prefill"][0] = "1"; },
         "fit.head_prefill[0]"},
        {"r-squared-above-one", [](json& j) { j["fit"]["r2_prefill"] = 1.5; }, "fit.r2_prefill"},
        {"dtype-number", [](json& j) { j["dtype"] = 4; }, "dtype"},
        {"host-array", [](json& j) { j["host"] = json::array(); }, "host"},
        {"fractional-version", [](json& j) { j["format_version"] = 1.5; }, "format_version"},
    };
    for (const Row& row : rows)
    {
        SCOPED_TRACE(row.file);
        ExpectLoadFails(Broken(std::string(row.file) + ".json", row.edit), row.detail);
    }
}

// The shipped profiles pass the same checks.
TEST_F(CostProfileTest, ShippedProfilesLoad)
{
    size_t loaded = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(EDGE_LLM_SCENARIOS_DIR) + "/../profiles"))
    {
        if (entry.path().extension() == ".json")
        {
            SCOPED_TRACE(entry.path().string());
            EXPECT_NO_THROW(CostProfile::Load(entry.path().string()));
            ++loaded;
        }
    }
    EXPECT_GE(loaded, 4u);
}

TEST_F(CostProfileTest, HostDevice)
{
    const CostProfile p = SampleProfile();
    const DeviceProfile host = p.HostDevice();
    EXPECT_EQ(host.name, "host:bench-01");
    EXPECT_EQ(host.peakFlops, p.hostFlops);
    EXPECT_EQ(host.memoryBandwidth, p.hostBandwidth);
    EXPECT_EQ(host.memoryBytes, p.hostMemoryBytes);
    EXPECT_NO_THROW(host.Validate());
}

TEST_F(CostProfileTest, FindProfileFileUsesTheEnvironment)
{
    SampleProfile().Save(Path("my-model.json"));
    ASSERT_EQ(setenv("EDGE_LLM_PROFILE_PATH", ("/nonexistent:" + m_dir).c_str(), 1), 0);
    EXPECT_EQ(FindProfileFile("my-model"), Path("my-model.json"));
    EXPECT_EQ(FindProfileFile("other-model"), "");
    EXPECT_NE(ProfileSearchPath().find(m_dir), std::string::npos);
    unsetenv("EDGE_LLM_PROFILE_PATH");
    EXPECT_EQ(FindProfileFile("my-model"), "");
}

// --- an encoder's profile: prefill phases only -----------------------------------------------

namespace
{

/// The sample profile as an encoder's: bert-base-110m, prefill samples only, fitted.
CostProfile
EncoderProfile()
{
    CostProfile p = SampleProfile();
    p.model = ModelSpec::Preset("bert-base-110m");
    p.profiledLayers = 12;
    p.samples = {{"layer-prefill", 8, 1, 0.0004, 0.02, 5},
                 {"layer-prefill", 64, 1, 0.0021, 0.02, 5},
                 {"layer-prefill", 512, 1, 0.019, 0.02, 5},
                 {"head-prefill", 8, 1, 0.00005, 0.02, 5},
                 {"head-prefill", 512, 1, 0.0004, 0.02, 5}};
    p.Fit();
    return p;
}

} // namespace

TEST_F(CostProfileTest, EncoderProfileHasNoDecodeFitAndRoundTrips)
{
    const CostProfile in = EncoderProfile();
    EXPECT_FALSE(in.HasDecode());
    EXPECT_GT(in.LayerPrefillSeconds(512), in.LayerPrefillSeconds(8));
    const std::string path = Path("bert-base-110m.json");
    in.Save(path);
    const json j = json::parse(ReadFile(path));
    EXPECT_FALSE(j.at("fit").contains("layer_decode"));
    EXPECT_FALSE(j.at("fit").contains("head_decode"));
    const CostProfile out = CostProfile::Load(path);
    EXPECT_FALSE(out.HasDecode());
    EXPECT_EQ(out.layerPrefill, in.layerPrefill);
    EXPECT_EQ(out.headPrefill, in.headPrefill);
    // A decoder's profile still needs its decode fit.
    ExpectLoadFails(Broken("no-decode.json",
                           [](json& j) {
                               j["fit"].erase("layer_decode");
                               j["fit"].erase("head_decode");
                           }),
                    "layer_decode");
    // A decoder's samples still need every phase to fit.
    CostProfile decoder = SampleProfile();
    decoder.samples = in.samples;
    EXPECT_THROW(decoder.Fit(), std::runtime_error);
}
