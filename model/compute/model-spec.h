/*
 * ModelSpec: a transformer architecture, as published in the model's config.
 */
#ifndef EDGE_LLM_MODEL_SPEC_H
#define EDGE_LLM_MODEL_SPEC_H

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief The shape of a decoder-only transformer: enough to build it in libtorch, count its
 * FLOPs and bytes, and size what it sends over the network.
 *
 * Two block styles cover the presets: "gpt2" (LayerNorm, GELU MLP with two matrices, learned
 * positions, biases) and "llama" (RMSNorm, SwiGLU MLP with three matrices, rotary positions,
 * grouped-query attention). A third, "bert", is an encoder (GPT-2's block with bidirectional
 * attention, learned positions and token types) with a classifier head instead of an LM head:
 * the expert router's prompt classifier, costed by its prefill; it never generates.
 */
struct ModelSpec
{
    std::string name;         //!< preset or user name, e.g. "llama-3-8b"
    std::string architecture; //!< "gpt2", "llama" or "bert" (encoder)
    uint32_t layers{0};       //!< transformer blocks
    uint32_t hidden{0};       //!< model width d
    uint32_t heads{0};        //!< attention (query) heads
    uint32_t kvHeads{0};      //!< key/value heads (== heads without GQA)
    uint32_t ffn{0};          //!< MLP inner width
    uint32_t vocab{0};        //!< vocabulary size
    uint32_t maxContext{0};   //!< longest context the model accepts (prompt + output)
    double bytesPerParam{2};  //!< weight bytes as served (2 = fp16/bf16, 1 = int8, 0.5 = 4-bit)
    std::string source;       //!< where the numbers come from
    /// Bytes of quantisation scales (and zero points) per weight, read with the weights:
    /// 0 for fp16 and int8 (per-channel scales are negligible), 4 bytes per group of 128
    /// weights = 0.03125 for the int4 variants.
    double scaleBytesPerParam{0};
    double kvBytesPerElement{2};         //!< KV-cache bytes per element (fp16 cache: 2)
    double activationBytesPerElement{2}; //!< hidden-state bytes per element (fp16: 2)

    uint32_t HeadDim() const;
    bool IsGated() const;   //!< SwiGLU MLP (three matrices) rather than GELU (two)
    bool IsEncoder() const; //!< bidirectional encoder with a classifier head ("bert")

    double ParamsPerLayer() const;  //!< weights of one block (attention + MLP + norms)
    double EmbeddingParams() const; //!< token (and position) embeddings
    double HeadParams() const;      //!< final norm + LM head weights stored (0 head when tied)
    double HeadReadParams() const;  //!< weights the head reads per call (tied or not)
    /// An encoder's head: pooler and final norm (the classifier's few outputs are negligible).
    double ClassifierHeadParams() const;
    double TotalParams() const; //!< all weights
    /// Bytes a kernel reads per weight: bytesPerParam + scaleBytesPerParam.
    double WeightBytesPerParam() const;
    double WeightBytes() const; //!< TotalParams() x WeightBytesPerParam()

    /// Bytes of KV cache per token of context, over all layers, at kvBytesPerElement.
    double KvBytesPerToken() const;
    /// Bytes of one token's hidden state at activationBytesPerElement (what a split point
    /// sends per token, and what a tensor-parallel all-reduce sums per token).
    double HiddenStateBytesPerToken() const;

    /// FLOPs of one block to prefill P tokens (matrix products + attention).
    double PrefillFlopsPerLayer(double promptTokens) const;
    /// FLOPs of one block for one decode step of a sequence whose context holds C tokens.
    double DecodeFlopsPerLayer(double context) const;
    /// FLOPs of the LM head for one token's logits.
    double HeadFlopsPerToken() const;

    /// Throws std::invalid_argument naming the bad field when the shape is inconsistent.
    void Validate() const;

    /// A preset by name; throws std::invalid_argument listing the accepted names. Every preset
    /// but "tiny" also comes as "<name>-int8" (1 byte per weight) and "<name>-int4" (0.5 byte
    /// per weight plus group scales); the KV cache and activations stay fp16.
    static ModelSpec Preset(const std::string& name);
    /// `name` without a precision suffix ("llama-3-8b-int4" -> "llama-3-8b").
    static std::string BaseName(const std::string& name);
    static std::vector<std::string> PresetNames();
    /// "a, b, c" for error messages and --help.
    static std::string PresetList();
};

} // namespace ns3

#endif // EDGE_LLM_MODEL_SPEC_H
