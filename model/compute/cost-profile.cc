#include "cost-profile.h"

#include "cost-fit.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace ns3
{

using nlohmann::json;

namespace
{

json
ModelToJson(const ModelSpec& m)
{
    return json{{"name", m.name},
                {"architecture", m.architecture},
                {"layers", m.layers},
                {"hidden", m.hidden},
                {"heads", m.heads},
                {"kv_heads", m.kvHeads},
                {"ffn", m.ffn},
                {"vocab", m.vocab},
                {"max_context", m.maxContext},
                {"bytes_per_param", m.bytesPerParam},
                {"scale_bytes_per_param", m.scaleBytesPerParam},
                {"kv_bytes_per_element", m.kvBytesPerElement},
                {"activation_bytes_per_element", m.activationBytesPerElement},
                {"source", m.source}};
}

ModelSpec
ModelFromJson(const json& j)
{
    ModelSpec m;
    m.name = j.at("name").get<std::string>();
    m.architecture = j.at("architecture").get<std::string>();
    m.layers = j.at("layers").get<uint32_t>();
    m.hidden = j.at("hidden").get<uint32_t>();
    m.heads = j.at("heads").get<uint32_t>();
    m.kvHeads = j.at("kv_heads").get<uint32_t>();
    m.ffn = j.at("ffn").get<uint32_t>();
    m.vocab = j.at("vocab").get<uint32_t>();
    m.maxContext = j.at("max_context").get<uint32_t>();
    m.bytesPerParam = j.at("bytes_per_param").get<double>();
    // Files written before these fields existed: no scales, fp16 KV cache and activations.
    m.scaleBytesPerParam = j.value("scale_bytes_per_param", m.scaleBytesPerParam);
    m.kvBytesPerElement = j.value("kv_bytes_per_element", m.kvBytesPerElement);
    m.activationBytesPerElement =
        j.value("activation_bytes_per_element", m.activationBytesPerElement);
    m.source = j.value("source", "");
    m.Validate();
    return m;
}

template <size_t N>
std::array<double, N>
ArrayFromJson(const json& j, const char* key)
{
    const auto values = j.at(key).get<std::vector<double>>();
    if (values.size() != N)
    {
        throw std::runtime_error(std::string("fit.") + key + " needs " + std::to_string(N) +
                                 " coefficients, has " + std::to_string(values.size()));
    }
    std::array<double, N> out{};
    for (size_t i = 0; i < N; ++i)
    {
        if (!(values[i] >= 0))
        {
            throw std::runtime_error(std::string("fit.") + key + " has a negative coefficient");
        }
        out[i] = values[i];
    }
    return out;
}

// Rows of the design matrix for each phase (see CostProfile's class comment).
std::vector<double>
DesignRow(const ProfileSample& s)
{
    const double p = s.tokens;
    const double b = s.batch;
    if (s.phase == "layer-prefill")
    {
        return {1.0, p, p * p};
    }
    if (s.phase == "layer-decode")
    {
        return {1.0, b, b * p};
    }
    if (s.phase == "head-prefill")
    {
        return {1.0, p};
    }
    return {1.0, b}; // head-decode
}

CostFitResult
FitPhase(const std::vector<ProfileSample>& samples, const std::string& phase, size_t minimum)
{
    std::vector<std::vector<double>> rows;
    std::vector<double> y;
    for (const auto& s : samples)
    {
        if (s.phase == phase)
        {
            rows.push_back(DesignRow(s));
            y.push_back(s.seconds);
        }
    }
    if (rows.size() < minimum)
    {
        throw std::runtime_error("profile has " + std::to_string(rows.size()) + " '" + phase +
                                 "' samples; the fit needs at least " + std::to_string(minimum));
    }
    return FitNonNegative(rows, y);
}

} // namespace

double
CostProfile::LayerPrefillSeconds(double p) const
{
    return layerPrefill[0] + layerPrefill[1] * p + layerPrefill[2] * p * p;
}

double
CostProfile::LayerDecodeStepSeconds(double batch, double contextSum) const
{
    return layerDecode[0] + layerDecode[1] * batch + layerDecode[2] * contextSum;
}

double
CostProfile::HeadPrefillSeconds(double p) const
{
    return headPrefill[0] + headPrefill[1] * p;
}

double
CostProfile::HeadDecodeStepSeconds(double batch) const
{
    return headDecode[0] + headDecode[1] * batch;
}

bool
CostProfile::HasDecode() const
{
    return hasDecodeFit;
}

void
CostProfile::Fit()
{
    const auto prefill = FitPhase(samples, "layer-prefill", 3);
    const auto headP = FitPhase(samples, "head-prefill", 2);
    std::copy(prefill.coefficients.begin(), prefill.coefficients.end(), layerPrefill.begin());
    std::copy(headP.coefficients.begin(), headP.coefficients.end(), headPrefill.begin());
    fitRSquaredPrefill = prefill.rSquared;
    // An encoder never decodes: its profile fits the decode curves only if it sampled them.
    const bool decodeSampled = std::any_of(samples.begin(), samples.end(), [](const auto& s) {
        return s.phase == "layer-decode" || s.phase == "head-decode";
    });
    hasDecodeFit = !model.IsEncoder() || decodeSampled;
    layerDecode = {};
    headDecode = {};
    fitRSquaredDecode = 0;
    if (hasDecodeFit)
    {
        const auto decode = FitPhase(samples, "layer-decode", 3);
        const auto headD = FitPhase(samples, "head-decode", 2);
        std::copy(decode.coefficients.begin(), decode.coefficients.end(), layerDecode.begin());
        std::copy(headD.coefficients.begin(), headD.coefficients.end(), headDecode.begin());
        fitRSquaredDecode = decode.rSquared;
    }
}

DeviceProfile
CostProfile::HostDevice() const
{
    DeviceProfile host;
    host.name = "host:" + hostName;
    host.peakFlops = hostFlops;
    host.memoryBandwidth = hostBandwidth;
    host.memoryBytes = hostMemoryBytes;
    host.idlePowerW = 0;
    host.activePowerW = 0;
    host.source = "measured by the profiler on " + cpuModel + " with " + std::to_string(threads) +
                  " threads (" + torchVersion + ")";
    return host;
}

CostProfile
CostProfile::Load(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
    {
        throw std::runtime_error("cannot open profile file '" + path + "'");
    }
    try
    {
        const json j = json::parse(in);
        const int version = j.at("format_version").get<int>();
        if (version != FORMAT_VERSION)
        {
            throw std::runtime_error("format_version " + std::to_string(version) +
                                     " is not the supported " + std::to_string(FORMAT_VERSION));
        }
        CostProfile p;
        p.model = ModelFromJson(j.at("model"));
        p.profiledLayers = j.at("profiled_layers").get<uint32_t>();
        p.dtype = j.at("dtype").get<std::string>();
        p.bytesPerElement = j.at("bytes_per_element").get<double>();
        const json& host = j.at("host");
        p.hostName = host.at("name").get<std::string>();
        p.cpuModel = host.at("cpu_model").get<std::string>();
        p.threads = host.at("threads").get<uint32_t>();
        p.hostFlops = host.at("gemm_flops").get<double>();
        p.hostBandwidth = host.at("copy_bandwidth").get<double>();
        p.hostMemoryBytes = host.at("memory_bytes").get<double>();
        p.torchVersion = j.at("libraries").at("torch").get<std::string>();
        p.tool = j.at("libraries").value("tool", "");
        p.createdUtc = j.value("created_utc", "");
        for (const json& s : j.at("samples"))
        {
            ProfileSample sample;
            sample.phase = s.at("phase").get<std::string>();
            sample.tokens = s.at("tokens").get<uint32_t>();
            sample.batch = s.at("batch").get<uint32_t>();
            sample.seconds = s.at("seconds").get<double>();
            sample.spread = s.value("spread", 0.0);
            sample.repeats = s.value("repeats", 0u);
            p.samples.push_back(sample);
        }
        const json& fit = j.at("fit");
        p.layerPrefill = ArrayFromJson<3>(fit, "layer_prefill");
        p.headPrefill = ArrayFromJson<2>(fit, "head_prefill");
        p.fitRSquaredPrefill = fit.value("r2_prefill", 0.0);
        // The decode fit is optional for an encoder only (it never decodes).
        p.hasDecodeFit =
            !p.model.IsEncoder() || fit.contains("layer_decode") || fit.contains("head_decode");
        if (p.hasDecodeFit)
        {
            p.layerDecode = ArrayFromJson<3>(fit, "layer_decode");
            p.headDecode = ArrayFromJson<2>(fit, "head_decode");
            p.fitRSquaredDecode = fit.value("r2_decode", 0.0);
        }
        if (!(p.hostFlops > 0) || !(p.hostBandwidth > 0))
        {
            throw std::runtime_error("host.gemm_flops and host.copy_bandwidth must be > 0");
        }
        return p;
    }
    catch (const json::exception& e)
    {
        throw std::runtime_error("malformed profile file '" + path + "': " + e.what());
    }
    catch (const std::exception& e)
    {
        throw std::runtime_error("malformed profile file '" + path + "': " + e.what());
    }
}

void
CostProfile::Save(const std::string& path) const
{
    json samplesJson = json::array();
    for (const auto& s : samples)
    {
        samplesJson.push_back({{"phase", s.phase},
                               {"tokens", s.tokens},
                               {"batch", s.batch},
                               {"seconds", s.seconds},
                               {"spread", s.spread},
                               {"repeats", s.repeats}});
    }
    json fit = {{"layer_prefill", layerPrefill},
                {"head_prefill", headPrefill},
                {"r2_prefill", fitRSquaredPrefill}};
    if (hasDecodeFit)
    {
        fit["layer_decode"] = layerDecode;
        fit["head_decode"] = headDecode;
        fit["r2_decode"] = fitRSquaredDecode;
    }
    const json j = {
        {"format_version", FORMAT_VERSION},
        {"model", ModelToJson(model)},
        {"profiled_layers", profiledLayers},
        {"dtype", dtype},
        {"bytes_per_element", bytesPerElement},
        {"host",
         {{"name", hostName},
          {"cpu_model", cpuModel},
          {"threads", threads},
          {"gemm_flops", hostFlops},
          {"copy_bandwidth", hostBandwidth},
          {"memory_bytes", hostMemoryBytes}}},
        {"libraries", {{"torch", torchVersion}, {"tool", tool}}},
        {"created_utc", createdUtc},
        {"fit", fit},
        {"samples", samplesJson},
    };
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp);
        if (!out)
        {
            throw std::runtime_error("cannot write profile file '" + tmp + "'");
        }
        out << j.dump(2) << "\n";
        if (!out)
        {
            throw std::runtime_error("failed writing profile file '" + tmp + "'");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
    {
        throw std::runtime_error("cannot rename '" + tmp + "' to '" + path + "'");
    }
}

namespace
{

std::vector<std::string>
ProfileDirectories()
{
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("EDGE_LLM_PROFILE_PATH"))
    {
        std::stringstream ss(env);
        std::string dir;
        while (std::getline(ss, dir, ':'))
        {
            if (!dir.empty())
            {
                dirs.push_back(dir);
            }
        }
    }
#ifdef EDGE_LLM_SOURCE_PROFILE_DIR
    dirs.emplace_back(EDGE_LLM_SOURCE_PROFILE_DIR);
#endif
#ifdef EDGE_LLM_LIB_TO_PROFILE_DIR
    // Relative to this library's own file, for trees installed under another prefix.
    Dl_info info;
    if (dladdr(reinterpret_cast<void*>(&FindProfileFile), &info) != 0 && info.dli_fname)
    {
        const auto libDir = std::filesystem::path(info.dli_fname).parent_path();
        dirs.push_back((libDir / EDGE_LLM_LIB_TO_PROFILE_DIR).lexically_normal().string());
    }
#endif
#ifdef EDGE_LLM_INSTALL_PROFILE_DIR
    dirs.emplace_back(EDGE_LLM_INSTALL_PROFILE_DIR);
#endif
    return dirs;
}

} // namespace

std::string
FindProfileFile(const std::string& modelName)
{
    for (const auto& dir : ProfileDirectories())
    {
        const std::string candidate = dir + "/" + modelName + ".json";
        struct stat st;
        if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        {
            return candidate;
        }
    }
    return "";
}

std::string
ProfileSearchPath()
{
    std::string out;
    for (const auto& dir : ProfileDirectories())
    {
        out += (out.empty() ? "" : ":") + dir;
    }
    return out;
}

} // namespace ns3
