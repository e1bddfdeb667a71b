/*
 * InferenceJob: one unit of LLM work submitted to a node's engine.
 */
#ifndef EDGE_LLM_INFERENCE_JOB_H
#define EDGE_LLM_INFERENCE_JOB_H

#include "inference-cost-model.h"

#include "ns3/callback.h"
#include "ns3/nstime.h"

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Tokens to prefill and tokens to generate through a range of layers, with the
 * callbacks of whoever submitted it. The engine fills in the times.
 *
 * Phases follow from the token counts:
 *  - prefill + decode (a plain request): promptTokens > 0 and outputTokens >= 1; the first
 *    output token comes out of the prefill, the other outputTokens - 1 from decode steps;
 *  - prefill only (e.g. the middle layers of a split request's prompt): outputTokens == 0;
 *  - decode steps from a given context: promptTokens == 0, contextTokens >= 1 and
 *    outputTokens >= 1 decode steps.
 * contextTokens are already in this engine's KV cache when the job arrives: they cost no
 * compute but hold KV memory (and are recomputed if a batching engine preempts the job).
 */
struct InferenceJob
{
    uint64_t requestId{0};     //!< the user request this job serves
    uint32_t origin{0};        //!< node id of the user who issued the request
    std::string kind{"chat"};  //!< what the job is for (protocols name their stages)
    uint32_t contextTokens{0}; //!< tokens already cached before the job
    uint32_t promptTokens{0};  //!< tokens to prefill
    uint32_t outputTokens{0};  //!< tokens to generate (0: prefill only)
    LayerRange layers{0, 0};   //!< empty range: the layers the engine holds

    Time enqueued; //!< when the engine accepted it
    Time started;  //!< when compute began (first admission to a batch)
    Time firstToken;
    Time completed;
    uint32_t preemptions{0}; //!< times a batching engine evicted it and redid its prefill
    /// Its share of the compute of the iterations it ran in: each iteration's time split
    /// among the sequences in it by their tokens (one job at a time: completed - started).
    Time computeShare;

    /// Context plus prompt plus output: the KV-cache length at the end.
    uint32_t TotalTokens() const
    {
        return contextTokens + promptTokens + outputTokens;
    }

    Callback<void, const InferenceJob&> onFirstToken;
    Callback<void, const InferenceJob&> onCompleted;
    Callback<void, const InferenceJob&, const std::string&> onDropped; //!< job, reason
};

} // namespace ns3

#endif // EDGE_LLM_INFERENCE_JOB_H
