#include "cost-profile.h"

#include "cost-fit.h"

#include <algorithm>
#include <cmath>
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

/*
 * The reader checks every field against its accepted range and names it in the error
 * ("samples[3].tokens 0 is outside 1..8192"), so that a hand-edited or truncated profile
 * never reaches a cost model with a zero size, a negative or infinite time.
 */

/// Where `key` sits below `parent` ("host.threads", "samples[3].tokens").
std::string
FieldPath(const std::string& parent, const std::string& key)
{
    return parent.empty() ? key : parent + "." + key;
}

/// The member `key` of `object`, or nullptr when it is absent.
const json*
Optional(const json& object, const std::string& parent, const std::string& key)
{
    if (!object.is_object())
    {
        throw std::runtime_error((parent.empty() ? std::string("the file") : parent) +
                                 " is not a JSON object");
    }
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

const json&
Required(const json& object, const std::string& parent, const std::string& key)
{
    const json* value = Optional(object, parent, key);
    if (value == nullptr)
    {
        throw std::runtime_error(FieldPath(parent, key) + " is missing");
    }
    return *value;
}

std::string
Text(const json& value, const std::string& path)
{
    if (!value.is_string())
    {
        throw std::runtime_error(path + " is not a string (" + value.dump() + ")");
    }
    return value.get<std::string>();
}

/// A finite number in [lo, hi]; `positive` excludes lo itself (lo is then 0).
double
Number(const json& value, const std::string& path, double lo, double hi, bool positive = false)
{
    if (!value.is_number())
    {
        throw std::runtime_error(path + " is not a number (" + value.dump() + ")");
    }
    const double x = value.get<double>();
    if (!std::isfinite(x) || x < lo || x > hi || (positive && !(x > lo)))
    {
        std::ostringstream accepted;
        accepted << (positive ? "> " : ">= ") << lo << " and <= " << hi;
        throw std::runtime_error(path + " " + value.dump() + " is outside the accepted range (" +
                                 accepted.str() + ")");
    }
    return x;
}

/// A whole number in lo..hi.
uint32_t
Count(const json& value, const std::string& path, uint64_t lo, uint64_t hi)
{
    const bool whole =
        value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0);
    if (!whole || value.get<uint64_t>() < lo || value.get<uint64_t>() > hi)
    {
        throw std::runtime_error(path + " " + value.dump() + " is not a whole number in " +
                                 std::to_string(lo) + ".." + std::to_string(hi));
    }
    return static_cast<uint32_t>(value.get<uint64_t>());
}

// Accepted ranges: generous bounds around every real model and machine, tight enough to keep
// products of them finite.
constexpr uint64_t MAX_DIMENSION = 10'000'000; // hidden, ffn, vocab, context
constexpr double MAX_BYTES_PER_ELEMENT = 8;    // float64
constexpr double MAX_RATE = 1e18;              // FLOP/s or bytes/s (an exascale machine)
constexpr double MAX_SAMPLE_SECONDS = 3600;    // one timed call
constexpr double MAX_COEFFICIENT = 1e6;        // seconds per unit of a fitted term

ModelSpec
ModelFromJson(const json& j)
{
    const std::string at = "model";
    auto count = [&](const char* key, uint64_t hi) {
        return Count(Required(j, at, key), FieldPath(at, key), 1, hi);
    };
    auto bytes = [&](const char* key, double fallback, bool positive) {
        const json* value = Optional(j, at, key);
        return value == nullptr
                   ? fallback
                   : Number(*value, FieldPath(at, key), 0, MAX_BYTES_PER_ELEMENT, positive);
    };
    ModelSpec m;
    m.name = Text(Required(j, at, "name"), "model.name");
    m.architecture = Text(Required(j, at, "architecture"), "model.architecture");
    m.layers = count("layers", 100'000);
    m.hidden = count("hidden", MAX_DIMENSION);
    m.heads = count("heads", 100'000);
    m.kvHeads = count("kv_heads", 100'000);
    m.ffn = count("ffn", MAX_DIMENSION);
    m.vocab = count("vocab", MAX_DIMENSION);
    m.maxContext = count("max_context", MAX_DIMENSION);
    m.bytesPerParam = Number(Required(j, at, "bytes_per_param"),
                             "model.bytes_per_param",
                             0,
                             MAX_BYTES_PER_ELEMENT,
                             true);
    // Files written before these fields existed: no scales, fp16 KV cache and activations.
    m.scaleBytesPerParam = bytes("scale_bytes_per_param", m.scaleBytesPerParam, false);
    m.kvBytesPerElement = bytes("kv_bytes_per_element", m.kvBytesPerElement, true);
    m.activationBytesPerElement =
        bytes("activation_bytes_per_element", m.activationBytesPerElement, true);
    const json* source = Optional(j, at, "source");
    m.source = source == nullptr ? "" : Text(*source, "model.source");
    try
    {
        m.Validate();
    }
    catch (const std::invalid_argument& e)
    {
        throw std::runtime_error(e.what());
    }
    return m;
}

template <size_t N>
std::array<double, N>
ArrayFromJson(const json& fit, const char* key)
{
    const std::string path = FieldPath("fit", key);
    const json& values = Required(fit, "fit", key);
    if (!values.is_array() || values.size() != N)
    {
        throw std::runtime_error(
            path + " needs " + std::to_string(N) + " coefficients, has " +
            (values.is_array() ? std::to_string(values.size()) : values.dump()));
    }
    std::array<double, N> out{};
    for (size_t i = 0; i < N; ++i)
    {
        out[i] = Number(values[i],
                        path + "[" + std::to_string(i) + "] (a negative coefficient?)",
                        0,
                        MAX_COEFFICIENT);
    }
    return out;
}

ProfileSample
SampleFromJson(const json& s, const std::string& at, const ModelSpec& model)
{
    ProfileSample sample;
    sample.phase = Text(Required(s, at, "phase"), FieldPath(at, "phase"));
    if (sample.phase != "layer-prefill" && sample.phase != "layer-decode" &&
        sample.phase != "head-prefill" && sample.phase != "head-decode")
    {
        throw std::runtime_error(FieldPath(at, "phase") + " '" + sample.phase +
                                 "' is not one of: layer-prefill, layer-decode, head-prefill, "
                                 "head-decode");
    }
    sample.tokens = Count(Required(s, at, "tokens"), FieldPath(at, "tokens"), 1, model.maxContext);
    sample.batch = Count(Required(s, at, "batch"), FieldPath(at, "batch"), 1, 1'000'000);
    sample.seconds =
        Number(Required(s, at, "seconds"), FieldPath(at, "seconds"), 0, MAX_SAMPLE_SECONDS, true);
    if (const json* spread = Optional(s, at, "spread"))
    {
        sample.spread = Number(*spread, FieldPath(at, "spread"), 0, 1e6);
    }
    if (const json* repeats = Optional(s, at, "repeats"))
    {
        sample.repeats = Count(*repeats, FieldPath(at, "repeats"), 0, 1'000'000'000);
    }
    return sample;
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
    return Parse(in, path);
}

CostProfile
CostProfile::Parse(std::istream& in, const std::string& name)
{
    try
    {
        const json j = json::parse(in);
        const json& version = Required(j, "", "format_version");
        if (!version.is_number_integer() || version.get<int64_t>() != FORMAT_VERSION)
        {
            throw std::runtime_error("format_version " + version.dump() + " is not the supported " +
                                     std::to_string(FORMAT_VERSION));
        }
        CostProfile p;
        p.model = ModelFromJson(Required(j, "", "model"));
        p.profiledLayers =
            Count(Required(j, "", "profiled_layers"), "profiled_layers", 1, p.model.layers);
        p.dtype = Text(Required(j, "", "dtype"), "dtype");
        p.bytesPerElement = Number(Required(j, "", "bytes_per_element"),
                                   "bytes_per_element",
                                   0,
                                   MAX_BYTES_PER_ELEMENT,
                                   true);
        const json& host = Required(j, "", "host");
        p.hostName = Text(Required(host, "host", "name"), "host.name");
        p.cpuModel = Text(Required(host, "host", "cpu_model"), "host.cpu_model");
        p.threads = Count(Required(host, "host", "threads"), "host.threads", 1, 1'000'000);
        p.hostFlops =
            Number(Required(host, "host", "gemm_flops"), "host.gemm_flops", 0, MAX_RATE, true);
        p.hostBandwidth = Number(Required(host, "host", "copy_bandwidth"),
                                 "host.copy_bandwidth",
                                 0,
                                 MAX_RATE,
                                 true);
        p.hostMemoryBytes =
            Number(Required(host, "host", "memory_bytes"), "host.memory_bytes", 0, MAX_RATE, true);
        const json& libraries = Required(j, "", "libraries");
        p.torchVersion = Text(Required(libraries, "libraries", "torch"), "libraries.torch");
        const json* tool = Optional(libraries, "libraries", "tool");
        p.tool = tool == nullptr ? "" : Text(*tool, "libraries.tool");
        const json* created = Optional(j, "", "created_utc");
        p.createdUtc = created == nullptr ? "" : Text(*created, "created_utc");
        const json& samples = Required(j, "", "samples");
        if (!samples.is_array())
        {
            throw std::runtime_error("samples is not an array (" + samples.dump() + ")");
        }
        for (size_t i = 0; i < samples.size(); ++i)
        {
            p.samples.push_back(
                SampleFromJson(samples[i], "samples[" + std::to_string(i) + "]", p.model));
        }
        const json& fit = Required(j, "", "fit");
        p.layerPrefill = ArrayFromJson<3>(fit, "layer_prefill");
        p.headPrefill = ArrayFromJson<2>(fit, "head_prefill");
        auto rSquared = [&](const char* key) {
            const json* value = Optional(fit, "fit", key);
            return value == nullptr ? 0.0 : Number(*value, FieldPath("fit", key), -1e12, 1);
        };
        p.fitRSquaredPrefill = rSquared("r2_prefill");
        // The decode fit is optional for an encoder only (it never decodes).
        p.hasDecodeFit =
            !p.model.IsEncoder() || fit.contains("layer_decode") || fit.contains("head_decode");
        if (p.hasDecodeFit)
        {
            p.layerDecode = ArrayFromJson<3>(fit, "layer_decode");
            p.headDecode = ArrayFromJson<2>(fit, "head_decode");
            p.fitRSquaredDecode = rSquared("r2_decode");
        }
        return p;
    }
    catch (const std::exception& e)
    {
        throw std::runtime_error("malformed profile file '" + name + "': " + e.what());
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
