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
 * \brief A prompt to prefill and a number of tokens to generate, with the callbacks of
 * whoever submitted it. The engine fills in the times.
 */
struct InferenceJob
{
    uint64_t requestId{0};    //!< the user request this job serves
    uint32_t origin{0};       //!< node id of the user who issued the request
    std::string kind{"chat"}; //!< what the job is for (protocols name their stages)
    uint32_t promptTokens{0};
    uint32_t outputTokens{0}; //!< >= 1: the first comes out of prefill
    LayerRange layers{0, 0};  //!< empty range: the whole model

    Time enqueued; //!< when the engine accepted it
    Time started;  //!< when compute began
    Time firstToken;
    Time completed;

    Callback<void, const InferenceJob&> onFirstToken;
    Callback<void, const InferenceJob&> onCompleted;
    Callback<void, const InferenceJob&, const std::string&> onDropped; //!< job, reason
};

} // namespace ns3

#endif // EDGE_LLM_INFERENCE_JOB_H
