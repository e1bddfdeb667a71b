/*
 * TorchTransformer: a transformer (decoder, or BERT-class encoder) built in libtorch from a
 * ModelSpec, with random weights, for timing. This header does not include torch (pimpl): only
 * torch-*.cc do.
 */
#ifndef EDGE_LLM_TORCH_TRANSFORMER_H
#define EDGE_LLM_TORCH_TRANSFORMER_H

#include "model-spec.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief The real architecture of a ModelSpec in libtorch (fp32, random weights, eval, no
 * autograd), exposing the primitives the profiler times and a live greedy generation.
 *
 * Block styles follow ModelSpec::architecture:
 *  - "gpt2": LayerNorm, multi-head attention with biases, GELU (tanh) MLP hidden -> ffn ->
 *    hidden, learned position embedding, LM head tied to the token embedding;
 *  - "llama": RMSNorm, grouped-query attention (kvHeads), rotary positions, SwiGLU MLP;
 *  - "bert" (an encoder): token, learned position and token-type embeddings with LayerNorm,
 *    post-LayerNorm blocks with biases, bidirectional self-attention (no causal mask, no KV
 *    cache), GELU (erf) MLP; the head is BERT's pooler (dense + tanh on the first token) and
 *    a linear classifier over ENCODER_CLASSES classes. An encoder only runs forward passes
 *    (RunBlocksPrefill, RunHeadPrefill, ClassifierLogits); the decode and generation calls
 *    throw std::logic_error.
 * Projections are fused the way serving engines fuse them (q/k/v in one matrix, gate/up in
 * one), which is mathematically the same model. Each block keeps a KV cache preallocated to a
 * capacity and written in place; grouped-query attention reads the shared K/V heads without
 * copying them.
 *
 * Big models are profiled on a few blocks at full width (blocksToBuild < layers): per-block
 * costs do not depend on depth. Generate() needs the full model (all blocks and the head).
 *
 * Weights and random inputs come from a private generator seeded with `seed`; the global
 * torch generator is not touched. Thread counts are process-wide (SetThreads).
 */
class TorchTransformer
{
  public:
    /// Classes of an encoder's classification head (the router's default mix has four).
    static constexpr uint32_t ENCODER_CLASSES = 4;

    /// Wall-clock seconds of the two phases of one Generate() call.
    struct LiveTiming
    {
        double prefillSeconds{0}; //!< prompt through the model, first token out
        double decodeSeconds{0};  //!< the remaining outputTokens - 1 greedy steps
    };

    /**
     * Builds the model. Throws std::invalid_argument when the spec is invalid or blocksToBuild
     * is 0 or above spec.layers, and std::runtime_error when the fp32 weights would not fit
     * in 90 % of the available memory.
     */
    TorchTransformer(const ModelSpec& spec, uint32_t blocksToBuild, bool buildHead, uint64_t seed);
    ~TorchTransformer();
    TorchTransformer(const TorchTransformer&) = delete;
    TorchTransformer& operator=(const TorchTransformer&) = delete;

    const ModelSpec& GetModel() const;
    uint32_t GetBlocks() const;
    bool HasHead() const;
    /// Bytes of the fp32 weights actually built (blocks and head).
    double GetWeightBytes() const;

    /// Random hidden states [batch, promptTokens, hidden] through all built blocks: causal
    /// mask and a fresh (empty) KV cache for a decoder, bidirectional and no cache for an
    /// encoder.
    void RunBlocksPrefill(uint32_t promptTokens, uint32_t batch);
    /// Fills every block's KV cache with `context` random tokens per sequence for `batch`
    /// sequences (untimed preparation for RunBlocksDecodeStep).
    void PrepareDecode(uint32_t context, uint32_t batch);
    /// One new token per sequence through all built blocks, attending to the prepared context
    /// plus itself. The cache length is not advanced, so repeated calls time the same step.
    void RunBlocksDecodeStep();
    /// Token (and position) embedding of promptTokens tokens, final norm, LM head on the last
    /// token only, argmax; for an encoder, its embeddings (token, position, token type,
    /// LayerNorm), pooler on the first token and classifier, argmax. Needs the head.
    void RunHeadPrefill(uint32_t promptTokens);
    /// Embedding of `batch` tokens, final norm, LM head, argmax. Needs the head.
    void RunHeadDecode(uint32_t batch);

    /**
     * An encoder's forward pass on `prompt` (token ids, all of token type 0): embeddings, all
     * blocks (bidirectional), pooler on the first token, classifier. Returns the
     * ENCODER_CLASSES logits. Throws std::logic_error for a decoder or without all blocks and
     * the head, std::invalid_argument for an empty prompt, one longer than the context or a
     * token outside the vocabulary.
     */
    std::vector<float> ClassifierLogits(const std::vector<int64_t>& prompt);

    /**
     * Live greedy generation on the full model: random prompt token ids, prefill (produces
     * the first token), then outputTokens - 1 decode steps with the KV cache. Needs all
     * blocks and the head; throws std::logic_error otherwise and std::invalid_argument when
     * promptTokens or outputTokens is 0 or their sum exceeds the model's context.
     */
    LiveTiming Generate(uint32_t promptTokens, uint32_t outputTokens);

    /**
     * Greedy tokens after `prompt`, with the KV cache (useCache) or by recomputing the whole
     * sequence for every token (a reference for checking the cache, rotary positions and
     * the causal mask). Same preconditions as Generate().
     */
    std::vector<int64_t> Greedy(const std::vector<int64_t>& prompt,
                                uint32_t outputTokens,
                                bool useCache);

    /**
     * Process-wide threads for the computation. With OpenBLAS (Debian's libtorch) the
     * matrix products run on `threads` OpenBLAS threads and ATen's own intra-op pool is set
     * to one thread: the two pools spin-wait and fight for the cores otherwise (timings vary
     * by 50-150 %). Without OpenBLAS, ATen gets the threads. One inter-op thread where still
     * allowed. Throws std::invalid_argument for 0.
     */
    static void SetThreads(uint32_t threads);
    /// The thread count of the matrix products.
    static uint32_t GetThreads();
    /// The libtorch version compiled against, e.g. "1.13.0".
    static std::string TorchVersion();

  private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace ns3

#endif // EDGE_LLM_TORCH_TRANSFORMER_H
