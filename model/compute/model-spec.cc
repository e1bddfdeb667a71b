#include "model-spec.h"

#include "preset-table.h"

#include <map>
#include <stdexcept>

namespace ns3
{

namespace
{

// Values from each model's published config.json (HuggingFace model cards cited in `source`).
const std::map<std::string, ModelSpec>&
BasePresets()
{
    static const std::map<std::string, ModelSpec> presets = {
        {"tiny",
         {"tiny",
          "llama",
          2,
          64,
          4,
          2,
          256,
          512,
          2048,
          4,
          "edge-llm test model: llama-style, GQA, small enough to profile in seconds; fp32 "
          "weights, KV cache and activations",
          0,
          4,
          4}},
        {"gpt2-124m",
         {"gpt2-124m",
          "gpt2",
          12,
          768,
          12,
          12,
          3072,
          50257,
          1024,
          2,
          "openai-community/gpt2 config.json (n_layer 12, n_embd 768, n_head 12, n_ctx 1024)"}},
        {"tinyllama-1.1b",
         {"tinyllama-1.1b",
          "llama",
          22,
          2048,
          32,
          4,
          5632,
          32000,
          2048,
          2,
          "TinyLlama/TinyLlama-1.1B-Chat-v1.0 config.json"}},
        {"llama-2-7b",
         {"llama-2-7b",
          "llama",
          32,
          4096,
          32,
          32,
          11008,
          32000,
          4096,
          2,
          "meta-llama/Llama-2-7b-hf config.json"}},
        {"llama-2-13b",
         {"llama-2-13b",
          "llama",
          40,
          5120,
          40,
          40,
          13824,
          32000,
          4096,
          2,
          "meta-llama/Llama-2-13b-hf config.json"}},
        {"llama-2-70b",
         {"llama-2-70b",
          "llama",
          80,
          8192,
          64,
          8,
          28672,
          32000,
          4096,
          2,
          "meta-llama/Llama-2-70b-hf config.json (grouped-query attention: 8 KV heads)"}},
        {"llama-3-8b",
         {"llama-3-8b",
          "llama",
          32,
          4096,
          32,
          8,
          14336,
          128256,
          8192,
          2,
          "meta-llama/Meta-Llama-3-8B config.json"}},
        {"llama-3-70b",
         {"llama-3-70b",
          "llama",
          80,
          8192,
          64,
          8,
          28672,
          128256,
          8192,
          2,
          "meta-llama/Meta-Llama-3-70B config.json"}},
        {"qwen1.5-72b",
         {"qwen1.5-72b",
          "llama",
          80,
          8192,
          64,
          64,
          24576,
          152064,
          32768,
          2,
          "Qwen/Qwen1.5-72B config.json (multi-head attention: 64 KV heads)"}},
        // The expert router's prompt classifier: an encoder, never served for generation.
        {"bert-base-110m",
         {"bert-base-110m",
          "bert",
          12,
          768,
          12,
          12,
          3072,
          30522,
          512,
          2,
          "google-bert/bert-base-uncased config.json (num_hidden_layers 12, hidden_size 768, "
          "num_attention_heads 12, intermediate_size 3072, vocab_size 30522, "
          "max_position_embeddings 512); head: pooler and a linear classifier"}},
    };
    return presets;
}

/// A weight-only quantised variant of `base`: weights at `bytes` per parameter plus `scales`,
/// KV cache and activations unchanged (fp16).
ModelSpec
Quantised(const ModelSpec& base, const std::string& suffix, double bytes, double scales)
{
    ModelSpec variant = base;
    variant.name = base.name + "-" + suffix;
    variant.bytesPerParam = bytes;
    variant.scaleBytesPerParam = scales;
    variant.source = base.source + "; " + suffix + " weight-only quantisation: " +
                     (scales > 0 ? "0.5 byte per weight plus one fp16 scale and one fp16 zero "
                                   "point per group of 128 weights (AWQ/GPTQ-style W4A16: 0.53 "
                                   "byte per weight read)"
                                 : "1 byte per weight (W8A16; per-channel scales negligible)") +
                     ", KV cache and activations fp16";
    return variant;
}

const std::map<std::string, ModelSpec>&
Presets()
{
    static const std::map<std::string, ModelSpec> presets = [] {
        std::map<std::string, ModelSpec> table = BasePresets();
        for (const auto& entry : BasePresets())
        {
            if (entry.first == "tiny")
            {
                continue; // the fp32 test model has no served precision to vary
            }
            const ModelSpec int8 = Quantised(entry.second, "int8", 1.0, 0.0);
            const ModelSpec int4 = Quantised(entry.second, "int4", 0.5, 4.0 / 128.0);
            table.emplace(int8.name, int8);
            table.emplace(int4.name, int4);
        }
        return table;
    }();
    return presets;
}

} // namespace

uint32_t
ModelSpec::HeadDim() const
{
    return heads == 0 ? 0 : hidden / heads;
}

bool
ModelSpec::IsGated() const
{
    return architecture == "llama";
}

bool
ModelSpec::IsEncoder() const
{
    return architecture == "bert";
}

double
ModelSpec::ParamsPerLayer() const
{
    const double d = hidden;
    const double kvWidth = static_cast<double>(kvHeads) * HeadDim();
    const double attention = d * d * 2 + d * kvWidth * 2; // q, o and k, v projections
    const double mlp = (IsGated() ? 3.0 : 2.0) * d * ffn;
    const double norms = 2 * d;
    return attention + mlp + norms;
}

double
ModelSpec::EmbeddingParams() const
{
    // Learned positions (GPT-2, BERT); BERT also has two token-type embeddings.
    const double positions = architecture == "gpt2" || IsEncoder() ? maxContext : 0.0;
    const double tokenTypes = IsEncoder() ? 2.0 : 0.0;
    return (static_cast<double>(vocab) + positions + tokenTypes) * hidden;
}

double
ModelSpec::HeadParams() const
{
    if (IsEncoder())
    {
        return ClassifierHeadParams();
    }
    // GPT-2 ties the LM head to the token embedding; Llama-style models do not.
    const double lmHead = architecture == "gpt2" ? 0.0 : static_cast<double>(vocab) * hidden;
    return lmHead + hidden;
}

double
ModelSpec::ClassifierHeadParams() const
{
    // BERT's pooler (a dense layer on the first token) and final norm; the linear classifier
    // over a few classes is negligible beside it.
    return static_cast<double>(hidden) * hidden + 2.0 * hidden;
}

double
ModelSpec::HeadReadParams() const
{
    if (IsEncoder())
    {
        return ClassifierHeadParams();
    }
    return static_cast<double>(vocab) * hidden + hidden;
}

double
ModelSpec::TotalParams() const
{
    return EmbeddingParams() + layers * ParamsPerLayer() + HeadParams();
}

double
ModelSpec::WeightBytesPerParam() const
{
    return bytesPerParam + scaleBytesPerParam;
}

double
ModelSpec::WeightBytes() const
{
    return TotalParams() * WeightBytesPerParam();
}

double
ModelSpec::KvBytesPerToken() const
{
    return 2.0 * layers * kvHeads * HeadDim() * kvBytesPerElement;
}

double
ModelSpec::HiddenStateBytesPerToken() const
{
    return static_cast<double>(hidden) * activationBytesPerElement;
}

double
ModelSpec::PrefillFlopsPerLayer(double promptTokens) const
{
    const double matrixFlops = 2.0 * (ParamsPerLayer() - 2.0 * hidden) * promptTokens;
    // Causal attention: QK^T and AV over on average P/2 keys, for every head; an encoder's
    // attention is bidirectional (all P keys).
    const double keys = IsEncoder() ? promptTokens : promptTokens / 2.0;
    const double attentionFlops = 2.0 * 2.0 * promptTokens * keys * hidden;
    return matrixFlops + attentionFlops;
}

double
ModelSpec::DecodeFlopsPerLayer(double context) const
{
    const double matrixFlops = 2.0 * (ParamsPerLayer() - 2.0 * hidden);
    const double attentionFlops = 2.0 * 2.0 * context * hidden;
    return matrixFlops + attentionFlops;
}

double
ModelSpec::HeadFlopsPerToken() const
{
    if (IsEncoder())
    {
        return 2.0 * ClassifierHeadParams();
    }
    return 2.0 * static_cast<double>(vocab) * hidden;
}

void
ModelSpec::Validate() const
{
    auto fail = [this](const std::string& what) {
        throw std::invalid_argument("model '" + name + "': " + what);
    };
    if (architecture != "gpt2" && architecture != "llama" && architecture != "bert")
    {
        fail("architecture '" + architecture + "' is not one of: gpt2, llama, bert");
    }
    if (layers == 0 || hidden == 0 || heads == 0 || kvHeads == 0 || ffn == 0 || vocab == 0 ||
        maxContext == 0)
    {
        fail("layers, hidden, heads, kv_heads, ffn, vocab and max_context must all be > 0");
    }
    if (hidden % heads != 0)
    {
        fail("hidden " + std::to_string(hidden) + " is not a multiple of heads " +
             std::to_string(heads));
    }
    if (heads % kvHeads != 0)
    {
        fail("heads " + std::to_string(heads) + " is not a multiple of kv_heads " +
             std::to_string(kvHeads));
    }
    if (!(bytesPerParam > 0))
    {
        fail("bytes_per_param must be > 0");
    }
    if (!(scaleBytesPerParam >= 0))
    {
        fail("scale_bytes_per_param must be >= 0");
    }
    if (!(kvBytesPerElement > 0) || !(activationBytesPerElement > 0))
    {
        fail("kv_bytes_per_element and activation_bytes_per_element must be > 0");
    }
}

ModelSpec
ModelSpec::Preset(const std::string& name)
{
    return PresetTableLookup(Presets(), "model", name);
}

std::string
ModelSpec::BaseName(const std::string& name)
{
    for (const std::string suffix : {"-int8", "-int4"})
    {
        if (name.size() > suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        {
            return name.substr(0, name.size() - suffix.size());
        }
    }
    return name;
}

std::vector<std::string>
ModelSpec::PresetNames()
{
    return PresetTableNames(Presets());
}

std::string
ModelSpec::PresetList()
{
    return PresetTableList(Presets());
}

} // namespace ns3
