#include "torch-transformer.h"

#include "ns3/log.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <chrono>
#include <cmath>
#include <dlfcn.h>
#include <fstream>
#include <limits>
#include <malloc.h>
#include <stdexcept>
#include <torch/version.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TorchTransformer");

namespace
{

using at::Tensor;

constexpr double INIT_STD = 0.02;       // GPT-2's (and BERT's) initialiser range
constexpr double NORM_EPS = 1e-5;       // LayerNorm and RMSNorm epsilon of the presets
constexpr double BERT_NORM_EPS = 1e-12; // BERT's layer_norm_eps
constexpr int64_t TOKEN_TYPES = 2;      // BERT's type_vocab_size
constexpr double ROPE_THETA = 10000.0;  // rotary base; timing does not depend on it
/// Prefill attention scores are computed in query chunks of about this many bytes.
constexpr int64_t SCORE_CHUNK_BYTES = 4 << 20;
/// Decode of up to this many sequences runs its projections as GEMVs (see Linear).
constexpr int64_t GEMV_MAX_ROWS = 8;

// Weights of one block; the *B tensors stay undefined for llama (no biases), and upW holds
// gate and up stacked for llama (one GEMM, as serving engines fuse them). An encoder's blocks
// have no KV cache (each forward pass sees the whole prompt).
struct Block
{
    Tensor norm1W;
    Tensor norm1B;
    Tensor norm2W;
    Tensor norm2B;
    Tensor qkvW;
    Tensor qkvB;
    Tensor outW;
    Tensor outB;
    Tensor upW;
    Tensor upB;
    Tensor downW;
    Tensor downB;
    Tensor cacheK; // [batch capacity, kvHeads, context capacity, headDim]
    Tensor cacheV;
};

/**
 * x [..., k] times w [n, k] transposed, plus b. Decode (one token per sequence) with up to
 * GEMV_MAX_ROWS sequences runs one GEMV per sequence; everything else is at::linear (GEMM).
 * OpenBLAS 0.3.21's SGEMM repacks the whole weight matrix on every call: for one row it
 * reaches under a third of SGEMV's bandwidth, and a few rows cost about what that many GEMVs
 * do. Engines likewise run decode on matrix-vector kernels. Per sequence, the cost is linear
 * in the batch over the profiled batches (decode 1-4, head 1-8), the form the cost model
 * fits; prefill keeps the GEMM, which is much faster for 8 tokens and more.
 */
Tensor
Linear(const Tensor& x, const Tensor& w, const Tensor& b, bool decode)
{
    const int64_t k = x.size(-1);
    const int64_t rows = x.numel() / k;
    if (!decode || rows > GEMV_MAX_ROWS)
    {
        return at::linear(x, w, b);
    }
    const Tensor input = x.reshape({rows, k});
    Tensor out = at::empty({rows, w.size(0)}, x.options());
    for (int64_t i = 0; i < rows; ++i)
    {
        Tensor row = out.select(0, i);
        if (b.defined())
        {
            at::addmv_out(row, b, w, input.select(0, i));
        }
        else
        {
            at::mv_out(row, w, input.select(0, i));
        }
    }
    std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
    shape.back() = w.size(0);
    return out.view(shape);
}

/**
 * Keeps freed tensor memory in the heap instead of returning it to the kernel. ATen's CPU
 * allocator is plain malloc; with glibc's default (and self-adjusting) mmap threshold every
 * activation over 128 KiB could be a fresh mmap whose pages fault in and get zeroed on each
 * call, which doubled small-model timings depending on what the process had freed before.
 * Serving engines cache their buffers; this does the same for every allocation up to
 * glibc's 32 MiB limit. Process-wide, idempotent, harmless for the rest of the process.
 */
void
KeepFreedMemory()
{
    constexpr int MMAP_THRESHOLD = 32 << 20; // glibc's maximum on 64-bit
    constexpr int TRIM_THRESHOLD = 1 << 30;
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
}

/// MemAvailable of /proc/meminfo in bytes, or 0 when unknown.
double
AvailableMemoryBytes()
{
    std::ifstream in("/proc/meminfo");
    std::string key;
    double kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit)
    {
        if (key == "MemAvailable:")
        {
            return kib * 1024;
        }
    }
    return 0;
}

double
Seconds(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to)
{
    return std::chrono::duration<double>(to - from).count();
}

} // namespace

class TorchTransformer::Impl
{
  public:
    Impl(const ModelSpec& spec, uint32_t blocks, bool head, uint64_t seed);

    bool IsGpt2() const
    {
        return m_spec.architecture == "gpt2";
    }

    bool IsLlama() const
    {
        return m_spec.architecture == "llama";
    }

    bool IsEncoder() const
    {
        return m_spec.IsEncoder();
    }

    Tensor Random(at::IntArrayRef shape, double std);
    Tensor Ones(at::IntArrayRef shape) const;
    Tensor Zeros(at::IntArrayRef shape) const;

    Tensor Norm(const Tensor& x, const Tensor& w, const Tensor& b) const;
    Tensor Rope(const Tensor& x, int64_t pos) const;
    Tensor Attention(Block& block, const Tensor& x, int64_t pos, const Tensor& mask) const;
    Tensor Mlp(const Block& block, const Tensor& x) const;
    /// x [B, T, d] through all blocks; the caches already hold `pos` tokens.
    Tensor RunBlocks(const Tensor& x, int64_t pos);
    /// tokens [B, T] at positions pos.. -> hidden states [B, T, d].
    Tensor Embed(const Tensor& tokens, int64_t pos) const;
    /// Final norm and LM head on the last position of h [B, T, d] -> greedy tokens [B]; for
    /// an encoder, the classes of ClassifierLogitsOf(h).
    Tensor Head(const Tensor& h) const;
    /// An encoder's pooler (dense + tanh) on the first position of h [B, T, d] and its
    /// classifier -> logits [B, ENCODER_CLASSES].
    Tensor ClassifierLogitsOf(const Tensor& h) const;

    /// Makes every block's cache hold at least `batch` sequences of `capacity` tokens.
    void EnsureCache(int64_t batch, int64_t capacity);
    void CheckHead() const;
    /// Throws std::logic_error unless all blocks and the head are built; `what` needs them.
    void CheckFull(const std::string& what) const;
    void CheckContext(int64_t tokens) const;
    /// Throws std::logic_error for an encoder: `what` needs decode steps.
    void CheckDecoder(const std::string& what) const;

    /// Greedy generation; fills `timing` and/or `tokens` when given.
    void Run(const Tensor& prompt,
             uint32_t outputTokens,
             bool useCache,
             LiveTiming* timing,
             std::vector<int64_t>* tokens);

    ModelSpec m_spec;
    uint32_t m_blockCount;
    bool m_hasHead;
    int64_t m_d;
    int64_t m_heads;
    int64_t m_kvHeads;
    int64_t m_headDim;
    at::TensorOptions m_options;
    at::Generator m_gen;

    std::vector<Block> m_blocks;
    Tensor m_embed;    //!< [vocab, d]
    Tensor m_position; //!< gpt2, bert: [maxContext, d]
    Tensor m_finalW;
    Tensor m_finalB;
    Tensor m_lmHead;      //!< llama: [vocab, d]; gpt2 uses m_embed (tied)
    Tensor m_tokenType;   //!< bert: [TOKEN_TYPES, d]
    Tensor m_embedNormW;  //!< bert: LayerNorm after the embeddings
    Tensor m_embedNormB;  //!< bert
    Tensor m_poolerW;     //!< bert: [d, d]
    Tensor m_poolerB;     //!< bert: [d]
    Tensor m_classifierW; //!< bert: [ENCODER_CLASSES, d]
    Tensor m_classifierB; //!< bert: [ENCODER_CLASSES]
    Tensor m_ropeCos;     //!< llama: [maxContext, headDim]
    Tensor m_ropeSin;

    int64_t m_cacheBatch{0};
    int64_t m_cacheCapacity{0};
    int64_t m_filledBatch{0};   //!< PrepareDecode filled sequences [0, this) ...
    int64_t m_filledContext{0}; //!< ... at positions [0, this) with random values

    // Inputs generated once per shape, outside the timed calls.
    Tensor m_prefillInput; //!< [B, P, d]
    Tensor m_decodeInput;  //!< [B, 1, d]
    int64_t m_decodeContext{-1};
    Tensor m_headPrefillTokens; //!< [1, P]
    Tensor m_headDecodeTokens;  //!< [B, 1]
};

TorchTransformer::Impl::Impl(const ModelSpec& spec, uint32_t blocks, bool head, uint64_t seed)
    : m_spec(spec),
      m_blockCount(blocks),
      m_hasHead(head),
      m_d(spec.hidden),
      m_heads(spec.heads),
      m_kvHeads(spec.kvHeads),
      m_headDim(spec.HeadDim()),
      m_options(at::TensorOptions().dtype(at::kFloat)),
      m_gen(at::detail::createCPUGenerator(seed))
{
    const int64_t d = m_d;
    const int64_t f = spec.ffn;
    const int64_t qkvRows = (m_heads + 2 * m_kvHeads) * m_headDim;
    for (uint32_t i = 0; i < blocks; ++i)
    {
        Block b;
        b.norm1W = Ones({d});
        b.norm2W = Ones({d});
        b.qkvW = Random({qkvRows, d}, INIT_STD);
        b.outW = Random({d, m_heads * m_headDim}, INIT_STD);
        b.upW = Random({IsLlama() ? 2 * f : f, d}, INIT_STD);
        b.downW = Random({d, f}, INIT_STD);
        if (!IsLlama())
        {
            b.norm1B = Zeros({d});
            b.norm2B = Zeros({d});
            b.qkvB = Random({qkvRows}, INIT_STD);
            b.outB = Random({d}, INIT_STD);
            b.upB = Random({f}, INIT_STD);
            b.downB = Random({d}, INIT_STD);
        }
        m_blocks.push_back(std::move(b));
    }
    if (head && IsEncoder())
    {
        // BERT: token, position and token-type embeddings summed, then LayerNorm; pooler and
        // classifier. No final norm: post-LN blocks end normalised.
        const auto classes = static_cast<int64_t>(ENCODER_CLASSES);
        m_embed = Random({static_cast<int64_t>(spec.vocab), d}, INIT_STD);
        m_position = Random({static_cast<int64_t>(spec.maxContext), d}, INIT_STD);
        m_tokenType = Random({TOKEN_TYPES, d}, INIT_STD);
        m_embedNormW = Ones({d});
        m_embedNormB = Zeros({d});
        m_poolerW = Random({d, d}, INIT_STD);
        m_poolerB = Zeros({d});
        m_classifierW = Random({classes, d}, INIT_STD);
        m_classifierB = Zeros({classes});
    }
    else if (head)
    {
        m_embed = Random({static_cast<int64_t>(spec.vocab), d}, INIT_STD);
        m_finalW = Ones({d});
        if (IsGpt2())
        {
            m_position = Random({static_cast<int64_t>(spec.maxContext), d}, INIT_STD);
            m_finalB = Zeros({d});
        }
        else
        {
            m_lmHead = Random({static_cast<int64_t>(spec.vocab), d}, INIT_STD);
        }
    }
    if (IsLlama())
    {
        // cos/sin of position x inverse frequency, halves repeated (rotate-half convention).
        const auto half = m_headDim / 2;
        const Tensor invFreq =
            at::pow(ROPE_THETA, -at::arange(0, half, m_options) * 2.0 / m_headDim);
        const Tensor positions = at::arange(0, static_cast<int64_t>(spec.maxContext), m_options);
        const Tensor freqs = at::outer(positions, invFreq);
        const Tensor angles = at::cat({freqs, freqs}, -1);
        m_ropeCos = angles.cos();
        m_ropeSin = angles.sin();
    }
}

Tensor
TorchTransformer::Impl::Random(at::IntArrayRef shape, double std)
{
    return at::empty(shape, m_options).normal_(0.0, std, m_gen);
}

Tensor
TorchTransformer::Impl::Ones(at::IntArrayRef shape) const
{
    return at::ones(shape, m_options);
}

Tensor
TorchTransformer::Impl::Zeros(at::IntArrayRef shape) const
{
    return at::zeros(shape, m_options);
}

Tensor
TorchTransformer::Impl::Norm(const Tensor& x, const Tensor& w, const Tensor& b) const
{
    if (!IsLlama())
    {
        return at::layer_norm(x, {m_d}, w, b, IsEncoder() ? BERT_NORM_EPS : NORM_EPS);
    }
    // RMSNorm
    return x * at::rsqrt(x.pow(2).mean(-1, true) + NORM_EPS) * w;
}

Tensor
TorchTransformer::Impl::Rope(const Tensor& x, int64_t pos) const
{
    // x: [B, T, heads, headDim]
    const int64_t t = x.size(1);
    const int64_t half = m_headDim / 2;
    const Tensor cos = m_ropeCos.narrow(0, pos, t).view({1, t, 1, m_headDim});
    const Tensor sin = m_ropeSin.narrow(0, pos, t).view({1, t, 1, m_headDim});
    const Tensor rotated = at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
    return x * cos + rotated * sin;
}

Tensor
TorchTransformer::Impl::Attention(Block& block,
                                  const Tensor& x,
                                  int64_t pos,
                                  const Tensor& mask) const
{
    const int64_t batch = x.size(0);
    const int64_t t = x.size(1);
    const int64_t hd = m_headDim;
    const int64_t groups = m_heads / m_kvHeads;
    const bool decode = t == 1;
    const Tensor qkv = Linear(x, block.qkvW, block.qkvB, decode); // [B, T, (H + 2 kvH) hd]
    Tensor q = qkv.narrow(-1, 0, m_heads * hd).view({batch, t, m_heads, hd});
    Tensor k = qkv.narrow(-1, m_heads * hd, m_kvHeads * hd).view({batch, t, m_kvHeads, hd});
    const Tensor v =
        qkv.narrow(-1, (m_heads + m_kvHeads) * hd, m_kvHeads * hd).view({batch, t, m_kvHeads, hd});
    if (IsLlama())
    {
        q = Rope(q, pos);
        k = Rope(k, pos);
    }
    Tensor keys;   // [B, kvH, L, hd]
    Tensor values; // [B, kvH, L, hd]
    const int64_t length = pos + t;
    if (IsEncoder())
    {
        // One forward pass over the whole prompt: nothing to cache.
        keys = k.transpose(1, 2);
        values = v.transpose(1, 2);
    }
    else
    {
        // Write the new keys/values in place, then attend over everything cached so far.
        const Tensor cacheK = block.cacheK.narrow(0, 0, batch);
        const Tensor cacheV = block.cacheV.narrow(0, 0, batch);
        cacheK.narrow(2, pos, t).copy_(k.transpose(1, 2));
        cacheV.narrow(2, pos, t).copy_(v.transpose(1, 2));
        keys = cacheK.narrow(2, 0, length);
        values = cacheV.narrow(2, 0, length);
    }
    // Query heads grouped by the K/V head they share, [B, kvH, groups, T, hd], so GQA needs
    // no copy of K/V (head h reads K/V head h / groups, as in Llama).
    const Tensor grouped = q.view({batch, t, m_kvHeads, groups, hd}).permute({0, 2, 3, 1, 4});
    const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
    // Prefill attends in chunks of queries, as memory-efficient attention kernels do: each
    // chunk's scores stay cache-sized (whole [T, L] score matrices fall out of cache and made
    // long prompts disproportionately slow), and keys after a chunk's last query, which the
    // causal mask hides anyway, are skipped. An encoder's queries see every key (no mask).
    const int64_t rowBytes = batch * m_heads * length * static_cast<int64_t>(sizeof(float));
    const int64_t chunk = std::clamp<int64_t>(SCORE_CHUNK_BYTES / rowBytes, 1, t);
    Tensor context = at::empty({batch, m_kvHeads, groups, t, hd}, m_options);
    for (int64_t first = 0; first < t; first += chunk)
    {
        const int64_t n = std::min(chunk, t - first);
        const int64_t visible = IsEncoder() ? length : pos + first + n;
        const Tensor queries =
            grouped.narrow(3, first, n).reshape({batch, m_kvHeads, groups * n, hd});
        Tensor scores = at::matmul(queries, keys.narrow(2, 0, visible).transpose(-1, -2));
        scores.mul_(scale);
        if (mask.defined())
        {
            scores.view({batch, m_kvHeads, groups, n, visible})
                .add_(mask.narrow(0, first, n).narrow(1, 0, visible));
        }
        const Tensor probs = at::softmax(scores, -1);
        context.narrow(3, first, n)
            .copy_(at::matmul(probs, values.narrow(2, 0, visible))
                       .view({batch, m_kvHeads, groups, n, hd}));
    }
    context = context.permute({0, 3, 1, 2, 4}).reshape({batch, t, m_heads * hd});
    return Linear(context, block.outW, block.outB, decode);
}

Tensor
TorchTransformer::Impl::Mlp(const Block& block, const Tensor& x) const
{
    const bool decode = x.size(1) == 1;
    if (!IsLlama())
    {
        // GPT-2's tanh approximation; BERT's exact (erf) GELU.
        return Linear(
            at::gelu(Linear(x, block.upW, block.upB, decode), IsEncoder() ? "none" : "tanh"),
            block.downW,
            block.downB,
            decode);
    }
    const int64_t f = m_spec.ffn;
    const Tensor gateUp = Linear(x, block.upW, Tensor(), decode);
    return Linear(at::silu(gateUp.narrow(-1, 0, f)) * gateUp.narrow(-1, f, f),
                  block.downW,
                  Tensor(),
                  decode);
}

Tensor
TorchTransformer::Impl::RunBlocks(const Tensor& x, int64_t pos)
{
    const int64_t t = x.size(1);
    Tensor h = x;
    if (IsEncoder())
    {
        // BERT's post-LN blocks, bidirectional attention (no mask).
        for (auto& block : m_blocks)
        {
            h = Norm(h + Attention(block, h, pos, Tensor()), block.norm1W, block.norm1B);
            h = Norm(h + Mlp(block, h), block.norm2W, block.norm2B);
        }
        return h;
    }
    Tensor mask;
    if (t > 1)
    {
        // Causal: query i (at position pos + i) sees keys 0 .. pos + i.
        mask = at::full({t, pos + t}, -std::numeric_limits<float>::infinity(), m_options)
                   .triu_(pos + 1);
    }
    for (auto& block : m_blocks)
    {
        h = h + Attention(block, Norm(h, block.norm1W, block.norm1B), pos, mask);
        h = h + Mlp(block, Norm(h, block.norm2W, block.norm2B));
    }
    return h;
}

Tensor
TorchTransformer::Impl::Embed(const Tensor& tokens, int64_t pos) const
{
    Tensor x = at::embedding(m_embed, tokens);
    if (IsEncoder())
    {
        // Every token of type 0 (one segment): its embedding is broadcast.
        x = x + m_position.narrow(0, pos, tokens.size(1)) + m_tokenType.select(0, 0);
        return at::layer_norm(x, {m_d}, m_embedNormW, m_embedNormB, BERT_NORM_EPS);
    }
    if (IsGpt2())
    {
        x = x + m_position.narrow(0, pos, tokens.size(1));
    }
    return x;
}

Tensor
TorchTransformer::Impl::ClassifierLogitsOf(const Tensor& h) const
{
    // BERT's pooler reads the first ([CLS]) position.
    const Tensor pooled = at::tanh(at::linear(h.select(1, 0), m_poolerW, m_poolerB)); // [B, d]
    return at::linear(pooled, m_classifierW, m_classifierB); // [B, classes]
}

Tensor
TorchTransformer::Impl::Head(const Tensor& h) const
{
    if (IsEncoder())
    {
        return ClassifierLogitsOf(h).argmax(-1);
    }
    const Tensor last = Norm(h.select(1, h.size(1) - 1), m_finalW, m_finalB); // [B, d]
    // One row per sequence, as in decode: the LM head only sees the last token.
    const Tensor logits = Linear(last, IsGpt2() ? m_embed : m_lmHead, Tensor(), true); // [B, vocab]
    return logits.argmax(-1);
}

void
TorchTransformer::Impl::EnsureCache(int64_t batch, int64_t capacity)
{
    if (batch <= m_cacheBatch && capacity <= m_cacheCapacity)
    {
        return;
    }
    m_cacheBatch = std::max(batch, m_cacheBatch);
    m_cacheCapacity = std::max(capacity, m_cacheCapacity);
    m_filledBatch = 0;
    m_filledContext = 0;
    NS_LOG_DEBUG("KV cache " << m_cacheBatch << " x " << m_cacheCapacity << " tokens");
    for (auto& block : m_blocks)
    {
        // Release first so that old and new caches never coexist.
        block.cacheK = Tensor();
        block.cacheV = Tensor();
        block.cacheK = at::zeros({m_cacheBatch, m_kvHeads, m_cacheCapacity, m_headDim}, m_options);
        block.cacheV = at::zeros({m_cacheBatch, m_kvHeads, m_cacheCapacity, m_headDim}, m_options);
    }
}

void
TorchTransformer::Impl::CheckHead() const
{
    if (!m_hasHead)
    {
        throw std::logic_error("TorchTransformer for '" + m_spec.name + "' was built without head");
    }
}

void
TorchTransformer::Impl::CheckFull(const std::string& what) const
{
    if (!m_hasHead || m_blockCount != m_spec.layers)
    {
        throw std::logic_error(what + " needs the full model '" + m_spec.name + "' (" +
                               std::to_string(m_spec.layers) + " blocks and the head); built " +
                               std::to_string(m_blockCount) + " blocks" +
                               (m_hasHead ? " and the head" : " without head"));
    }
}

void
TorchTransformer::Impl::CheckDecoder(const std::string& what) const
{
    if (IsEncoder())
    {
        throw std::logic_error(what + ": model '" + m_spec.name +
                               "' is an encoder; it has no decode steps (one forward pass "
                               "classifies the whole prompt)");
    }
}

void
TorchTransformer::Impl::CheckContext(int64_t tokens) const
{
    if (tokens > static_cast<int64_t>(m_spec.maxContext))
    {
        throw std::invalid_argument(std::to_string(tokens) + " tokens exceed model '" +
                                    m_spec.name + "' context of " +
                                    std::to_string(m_spec.maxContext));
    }
}

void
TorchTransformer::Impl::Run(const Tensor& prompt,
                            uint32_t outputTokens,
                            bool useCache,
                            LiveTiming* timing,
                            std::vector<int64_t>* tokens)
{
    const int64_t p = prompt.size(1);
    // Allocated before the clock starts, as a serving engine preallocates its cache.
    EnsureCache(1, p + outputTokens);
    Tensor sequence = prompt;
    const auto start = std::chrono::steady_clock::now();
    Tensor next = Head(RunBlocks(Embed(prompt, 0), 0)); // [1]
    const auto prefillEnd = std::chrono::steady_clock::now();
    if (tokens)
    {
        tokens->push_back(next.item<int64_t>());
    }
    for (uint32_t i = 1; i < outputTokens; ++i)
    {
        if (useCache)
        {
            const int64_t pos = p + i - 1;
            next = Head(RunBlocks(Embed(next.view({1, 1}), pos), pos));
        }
        else
        {
            sequence = at::cat({sequence, next.view({1, 1})}, 1);
            next = Head(RunBlocks(Embed(sequence, 0), 0));
        }
        if (tokens)
        {
            tokens->push_back(next.item<int64_t>());
        }
    }
    const auto end = std::chrono::steady_clock::now();
    if (timing)
    {
        timing->prefillSeconds = Seconds(start, prefillEnd);
        timing->decodeSeconds = Seconds(prefillEnd, end);
    }
}

TorchTransformer::TorchTransformer(const ModelSpec& spec,
                                   uint32_t blocksToBuild,
                                   bool buildHead,
                                   uint64_t seed)
{
    spec.Validate();
    if (blocksToBuild == 0 || blocksToBuild > spec.layers)
    {
        throw std::invalid_argument("model '" + spec.name + "': cannot build " +
                                    std::to_string(blocksToBuild) + " of its " +
                                    std::to_string(spec.layers) + " blocks");
    }
    if (spec.HeadDim() % 2 != 0)
    {
        throw std::invalid_argument("model '" + spec.name + "': head dimension " +
                                    std::to_string(spec.HeadDim()) + " is odd");
    }
    // Fail with a message rather than be killed by the kernel (e.g. llama-3-8b in full).
    const double needed = (blocksToBuild * spec.ParamsPerLayer() +
                           (buildHead ? spec.EmbeddingParams() + spec.HeadParams() : 0.0)) *
                          sizeof(float);
    const double available = AvailableMemoryBytes();
    if (available > 0 && needed > 0.9 * available)
    {
        throw std::runtime_error(
            "model '" + spec.name + "' with " + std::to_string(blocksToBuild) + " blocks needs " +
            std::to_string(static_cast<int>(needed / (1 << 20))) + " MiB of fp32 weights; " +
            std::to_string(static_cast<int>(available / (1 << 20))) + " MiB are available");
    }
    KeepFreedMemory();
    c10::InferenceMode guard;
    const auto start = std::chrono::steady_clock::now();
    m_impl = std::make_unique<Impl>(spec, blocksToBuild, buildHead, seed);
    NS_LOG_INFO("built " << spec.name << ": " << blocksToBuild << " blocks"
                         << (buildHead ? " + head" : "") << ", " << GetWeightBytes() / (1 << 20)
                         << " MiB fp32 in " << Seconds(start, std::chrono::steady_clock::now())
                         << " s");
}

TorchTransformer::~TorchTransformer() = default;

const ModelSpec&
TorchTransformer::GetModel() const
{
    return m_impl->m_spec;
}

uint32_t
TorchTransformer::GetBlocks() const
{
    return m_impl->m_blockCount;
}

bool
TorchTransformer::HasHead() const
{
    return m_impl->m_hasHead;
}

double
TorchTransformer::GetWeightBytes() const
{
    double elements = 0;
    auto add = [&elements](const Tensor& t) {
        if (t.defined())
        {
            elements += t.numel();
        }
    };
    for (const auto& b : m_impl->m_blocks)
    {
        for (const Tensor* t : {&b.norm1W,
                                &b.norm1B,
                                &b.norm2W,
                                &b.norm2B,
                                &b.qkvW,
                                &b.qkvB,
                                &b.outW,
                                &b.outB,
                                &b.upW,
                                &b.upB,
                                &b.downW,
                                &b.downB})
        {
            add(*t);
        }
    }
    for (const Tensor* t : {&m_impl->m_embed,
                            &m_impl->m_position,
                            &m_impl->m_finalW,
                            &m_impl->m_finalB,
                            &m_impl->m_lmHead,
                            &m_impl->m_tokenType,
                            &m_impl->m_embedNormW,
                            &m_impl->m_embedNormB,
                            &m_impl->m_poolerW,
                            &m_impl->m_poolerB,
                            &m_impl->m_classifierW,
                            &m_impl->m_classifierB})
    {
        add(*t);
    }
    return elements * sizeof(float);
}

void
TorchTransformer::RunBlocksPrefill(uint32_t promptTokens, uint32_t batch)
{
    c10::InferenceMode guard;
    Impl& m = *m_impl;
    m.CheckContext(promptTokens);
    if (!m.m_prefillInput.defined() || m.m_prefillInput.size(0) != batch ||
        m.m_prefillInput.size(1) != promptTokens)
    {
        m.m_prefillInput = m.Random({batch, promptTokens, m.m_d}, 1.0);
    }
    if (!m.IsEncoder())
    {
        m.EnsureCache(batch, promptTokens);
    }
    m.RunBlocks(m.m_prefillInput, 0);
}

void
TorchTransformer::PrepareDecode(uint32_t context, uint32_t batch)
{
    c10::InferenceMode guard;
    Impl& m = *m_impl;
    m.CheckDecoder("PrepareDecode");
    m.CheckContext(static_cast<int64_t>(context) + 1);
    m.EnsureCache(batch, context + 1);
    // Values do not change the timing; filling only what was never filled keeps repeated
    // preparations (the profiler interleaves shapes) cheap.
    if (batch > m.m_filledBatch || context > m.m_filledContext)
    {
        m.m_filledBatch = std::max<int64_t>(batch, m.m_filledBatch);
        m.m_filledContext = std::max<int64_t>(context, m.m_filledContext);
        for (auto& block : m.m_blocks)
        {
            for (Tensor* cache : {&block.cacheK, &block.cacheV})
            {
                cache->narrow(0, 0, m.m_filledBatch)
                    .narrow(2, 0, m.m_filledContext)
                    .normal_(0.0, 1.0, m.m_gen);
            }
        }
    }
    if (!m.m_decodeInput.defined() || m.m_decodeInput.size(0) != batch)
    {
        m.m_decodeInput = m.Random({batch, 1, m.m_d}, 1.0);
    }
    m.m_decodeContext = context;
}

void
TorchTransformer::RunBlocksDecodeStep()
{
    c10::InferenceMode guard;
    Impl& m = *m_impl;
    m.CheckDecoder("RunBlocksDecodeStep");
    if (m.m_decodeContext < 0)
    {
        throw std::logic_error("RunBlocksDecodeStep needs PrepareDecode first");
    }
    m.RunBlocks(m.m_decodeInput, m.m_decodeContext);
}

void
TorchTransformer::RunHeadPrefill(uint32_t promptTokens)
{
    c10::InferenceMode guard;
    Impl& m = *m_impl;
    m.CheckHead();
    m.CheckContext(promptTokens);
    if (!m.m_headPrefillTokens.defined() || m.m_headPrefillTokens.size(1) != promptTokens)
    {
        m.m_headPrefillTokens =
            at::randint(0, m.m_spec.vocab, {1, promptTokens}, m.m_gen, at::kLong);
    }
    m.Head(m.Embed(m.m_headPrefillTokens, 0));
}

void
TorchTransformer::RunHeadDecode(uint32_t batch)
{
    c10::InferenceMode guard;
    Impl& m = *m_impl;
    m.CheckDecoder("RunHeadDecode");
    m.CheckHead();
    if (!m.m_headDecodeTokens.defined() || m.m_headDecodeTokens.size(0) != batch)
    {
        m.m_headDecodeTokens = at::randint(0, m.m_spec.vocab, {batch, 1}, m.m_gen, at::kLong);
    }
    m.Head(m.Embed(m.m_headDecodeTokens, 0));
}

TorchTransformer::LiveTiming
TorchTransformer::Generate(uint32_t promptTokens, uint32_t outputTokens)
{
    c10::InferenceMode guard;
    Impl& m = *m_impl;
    m.CheckDecoder("Generate");
    m.CheckFull("generation");
    if (promptTokens == 0 || outputTokens == 0)
    {
        throw std::invalid_argument("generation needs at least one prompt and one output token");
    }
    m.CheckContext(static_cast<int64_t>(promptTokens) + outputTokens);
    const Tensor prompt = at::randint(0, m.m_spec.vocab, {1, promptTokens}, m.m_gen, at::kLong);
    LiveTiming timing;
    m.Run(prompt, outputTokens, true, &timing, nullptr);
    return timing;
}

std::vector<float>
TorchTransformer::ClassifierLogits(const std::vector<int64_t>& prompt)
{
    c10::InferenceMode guard;
    Impl& m = *m_impl;
    if (!m.IsEncoder())
    {
        throw std::logic_error("ClassifierLogits: model '" + m.m_spec.name +
                               "' is a decoder; only an encoder (bert) has a classifier head");
    }
    m.CheckFull("classification");
    if (prompt.empty())
    {
        throw std::invalid_argument("classification needs at least one token");
    }
    m.CheckContext(static_cast<int64_t>(prompt.size()));
    for (int64_t token : prompt)
    {
        if (token < 0 || token >= static_cast<int64_t>(m.m_spec.vocab))
        {
            throw std::invalid_argument("token id " + std::to_string(token) +
                                        " is outside the vocabulary");
        }
    }
    const Tensor ids = at::tensor(at::ArrayRef<int64_t>(prompt), at::kLong)
                           .view({1, static_cast<int64_t>(prompt.size())});
    const Tensor logits = m.ClassifierLogitsOf(m.RunBlocks(m.Embed(ids, 0), 0)).contiguous();
    const float* data = logits.data_ptr<float>();
    return std::vector<float>(data, data + logits.numel());
}

std::vector<int64_t>
TorchTransformer::Greedy(const std::vector<int64_t>& prompt, uint32_t outputTokens, bool useCache)
{
    c10::InferenceMode guard;
    Impl& m = *m_impl;
    m.CheckDecoder("Greedy");
    m.CheckFull("generation");
    if (prompt.empty() || outputTokens == 0)
    {
        throw std::invalid_argument("generation needs at least one prompt and one output token");
    }
    m.CheckContext(static_cast<int64_t>(prompt.size()) + outputTokens);
    for (int64_t token : prompt)
    {
        if (token < 0 || token >= static_cast<int64_t>(m.m_spec.vocab))
        {
            throw std::invalid_argument("token id " + std::to_string(token) +
                                        " is outside the vocabulary");
        }
    }
    const Tensor ids = at::tensor(at::ArrayRef<int64_t>(prompt), at::kLong)
                           .view({1, static_cast<int64_t>(prompt.size())});
    std::vector<int64_t> tokens;
    m.Run(ids, outputTokens, useCache, nullptr, &tokens);
    return tokens;
}

namespace
{

using BlasSetThreads = void (*)(int);
using BlasGetThreads = int (*)();

/// OpenBLAS' thread setter, or null when torch runs on another BLAS.
BlasSetThreads
OpenBlasSetThreads()
{
    return reinterpret_cast<BlasSetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
}

BlasGetThreads
OpenBlasGetThreads()
{
    return reinterpret_cast<BlasGetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
}

} // namespace

void
TorchTransformer::SetThreads(uint32_t threads)
{
    if (threads == 0)
    {
        throw std::invalid_argument("thread count must be > 0");
    }
    const int n = static_cast<int>(threads);
    if (auto setBlas = OpenBlasSetThreads())
    {
        // Debian's libtorch runs GEMMs in OpenBLAS' own pthreads, which spin for a while after
        // each call, and everything else in ATen's OpenMP threads, which spin too. Both pools
        // at n threads on n cores fight: measured timings then vary by 50-150 %. So the
        // matrix products (nearly all the work) get the n threads and ATen runs the
        // element-wise rest on the calling thread: spread 1-10 %, and faster.
        setBlas(n);
        at::set_num_threads(1);
    }
    else
    {
        at::set_num_threads(n);
    }
    try
    {
        // Allowed only before the inter-op pool starts; we never use it anyway.
        at::set_num_interop_threads(1);
    }
    catch (const std::exception&)
    {
        NS_LOG_DEBUG("inter-op threads already fixed");
    }
}

uint32_t
TorchTransformer::GetThreads()
{
    if (auto getBlas = OpenBlasGetThreads())
    {
        return static_cast<uint32_t>(getBlas());
    }
    return static_cast<uint32_t>(at::get_num_threads());
}

std::string
TorchTransformer::TorchVersion()
{
    return TORCH_VERSION;
}

} // namespace ns3
