/*
 * InferenceCostModel: what the simulation asks of compute. Seconds for prefill, decode,
 * a range of layers, or one batched iteration, of one model on one device.
 */
#ifndef EDGE_LLM_INFERENCE_COST_MODEL_H
#define EDGE_LLM_INFERENCE_COST_MODEL_H

#include "device-profile.h"
#include "model-spec.h"

#include "ns3/nstime.h"
#include "ns3/object.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * Blocks [first, last) of a model. A range that starts at 0 includes the embedding; one that
 * ends at the model's layer count includes the final norm and LM head unless `head` is false
 * (split inference may run the head on the other side of the last block). The head alone is
 * {layers, layers} with `head` true.
 */
struct LayerRange
{
    uint32_t first{0};
    uint32_t last{0};
    bool head{true}; //!< with the final norm and LM head when the range reaches the end

    uint32_t Blocks() const
    {
        return last > first ? last - first : 0;
    }

    /// Whether the range runs the final norm and LM head of a model of `modelLayers` blocks.
    bool IncludesHead(uint32_t modelLayers) const
    {
        return head && last == modelLayers;
    }
};

/**
 * One iteration of a batching engine: prompts (or chunks of prompts) prefilled together and
 * sequences decoding one token each.
 */
struct BatchStep
{
    std::vector<uint32_t> prefillTokens;  //!< tokens of each prefilling sequence (or chunk)
    std::vector<uint32_t> decodeContexts; //!< KV-cache length of each decoding sequence
    /// Tokens already in the KV cache before each prefill (a later chunk of a long prompt, or
    /// a prompt appended to a cached context); empty means none for every prefill. Their keys
    /// are read by the attention of the new tokens but not recomputed.
    std::vector<uint32_t> prefillCached;
};

/**
 * \ingroup edge-llm
 * \brief Seconds of inference for one model on one device.
 *
 * Conventions: prefill of P tokens produces the first output token; one decode step with a
 * context of C cached tokens produces one more. Decode of G tokens from a context of C is
 * G steps with contexts C, C+1, ..., C+G-1, so a request of P prompt and G output tokens
 * costs Prefill(P) + Decode(G-1, P).
 */
class InferenceCostModel : public Object
{
  public:
    static TypeId GetTypeId();

    virtual const ModelSpec& GetModel() const = 0;
    virtual const DeviceProfile& GetDevice() const = 0;

    /// Seconds to prefill P tokens through `layers`.
    virtual double PrefillSeconds(uint32_t promptTokens, LayerRange layers) const = 0;
    /// Seconds of G decode steps through `layers`, starting with C cached tokens.
    virtual double DecodeSeconds(uint32_t outputTokens,
                                 uint32_t context,
                                 LayerRange layers) const = 0;
    /// Seconds of one batched iteration through `layers`.
    virtual double BatchStepSeconds(const BatchStep& step, LayerRange layers) const = 0;
    /**
     * Seconds of one batched iteration whose sequences run different layer ranges (a split
     * server's batch): `prefillLayers` and `decodeLayers` give each entry's range, in the
     * order of step.prefillTokens and step.decodeContexts. Each block is one pass over the
     * sequences that run it (its weights read once for them), the head one pass over those
     * that end there. Equal ranges cost BatchStepSeconds(step, range).
     */
    double MixedBatchStepSeconds(const BatchStep& step,
                                 const std::vector<LayerRange>& prefillLayers,
                                 const std::vector<LayerRange>& decodeLayers) const;

    /// The whole model.
    LayerRange AllLayers() const;
    Time Prefill(uint32_t promptTokens) const;
    Time Decode(uint32_t outputTokens, uint32_t context) const;

    /// Throws std::invalid_argument (one line: model, device, both sizes) when the weights
    /// plus the KV cache of one full-context sequence do not fit the device's memory.
    void CheckFitsDevice() const;
    /// The same for the blocks `layers` only (with the embedding when the range starts at 0
    /// and the head when it reaches the end): what an engine holding them needs.
    void CheckFitsDevice(LayerRange layers) const;

  protected:
    /// Throws std::invalid_argument when `layers` is empty or beyond the model.
    void CheckRange(LayerRange layers) const;
    /**
     * Seconds an iteration of `tokens` tokens spends through `layers` outside the kernels the
     * cost model times: the device's per-iteration overhead, charged in proportion to the
     * blocks of the range (once for the whole model; launches are per block), plus, on a
     * tensor-parallel device, two all-reduces of the tokens' hidden states per block. 0 when
     * `tokens` is 0.
     */
    double StepOverheadSeconds(double tokens, LayerRange layers) const;

  private:
    double m_interconnectBandwidth; //!< bytes/s; 0: the device preset's
    double m_interconnectLatency;   //!< s; negative: the device preset's
};

} // namespace ns3

#endif // EDGE_LLM_INFERENCE_COST_MODEL_H
