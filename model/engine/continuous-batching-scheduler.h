/*
 * ContinuousBatchingScheduler: iteration-level batching with a paged KV cache, as vLLM does.
 */
#ifndef EDGE_LLM_CONTINUOUS_BATCHING_SCHEDULER_H
#define EDGE_LLM_CONTINUOUS_BATCHING_SCHEDULER_H

#include "llm-scheduler.h"

#include "ns3/event-id.h"

#include <deque>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief A running batch and a waiting queue, planned anew at every iteration:
 *
 *  1. running sequences, oldest first, get their next step: a decode step (one token), or the
 *     next chunk of their prompt. A decode step that needs a new KV block when none is free
 *     preempts the most recently admitted running sequence (its blocks are freed; it goes back
 *     to the front of the waiting queue and later recomputes its prompt and the tokens it had
 *     generated), repeatedly, down to preempting itself;
 *  2. if nothing was preempted, waiting jobs are admitted in FCFS order while MaxNumSeqs,
 *     MaxNumBatchedTokens (tokens of this iteration: one per decode, the prompt or chunk of a
 *     prefill) and free KV blocks (the whole prompt's, as vLLM allocates) allow. Without
 *     ChunkedPrefill a prompt is prefilled whole or waits; with it, the last admitted prompt
 *     may take what is left of the token budget and continue in later iterations;
 *  3. the iteration lasts the cost model's BatchStepSeconds of its prefill chunks (with their
 *     cached context) and decode contexts, through the engine's layers.
 *
 * KV blocks = (device memory x MemoryUtilization - weights of the engine's layers) / (KV bytes
 * per token of those layers x BlockSize). A job that could never fit all blocks, or (without
 * chunked prefill) whose recompute could not fit one iteration's token budget, is refused.
 *
 * Events are per iteration, not per token; while only decodes run and nothing changes (no
 * arrival, completion, first token or missing KV block), many iterations are one event
 * (FastForward), with exactly the times of stepping them one by one: an arrival during such a
 * stretch cuts it at the next iteration boundary.
 */
class ContinuousBatchingScheduler : public LlmScheduler
{
  public:
    static TypeId GetTypeId();
    ContinuousBatchingScheduler();

    void Configure(LlmEngine* engine, Ptr<InferenceCostModel> cost, LayerRange held) override;
    std::string Refuse(const InferenceJob& job) const override;
    void Enqueue(InferenceJob job) override;
    uint32_t GetWaiting() const override;
    uint32_t GetRunning() const override;
    uint32_t GetKvBlocks() const override;
    std::string GetName() const override;
    std::vector<InferenceJob> TakeAll() override;

  protected:
    void DoDispose() override;

  private:
    /// A job in the engine: what of it is cached, left to prefill and generated.
    struct Sequence
    {
        InferenceJob job;
        uint32_t cached{0};    //!< tokens in the KV cache
        uint32_t toPrefill{0}; //!< tokens left to prefill before decoding (0: decoding)
        uint32_t generated{0}; //!< output tokens produced
        uint32_t blocks{0};    //!< KV blocks held
        bool started{false};
        bool firstTokenSent{false};
        uint32_t scheduled{0}; //!< tokens of the current iteration (0: not in it)
    };

    uint32_t BlocksFor(uint32_t tokens) const;
    uint32_t PeakTokens(const InferenceJob& job) const;
    void StartSoon(); //!< plans an iteration now unless one is running or planned
    void Plan();
    void Preempt(size_t index);
    /// Steps the current batch would repeat without a change (>= 1), and their end times.
    void PlanWindow(const BatchStep& first);
    void IterationsDone();
    void CutWindow(); //!< an arrival: end the window at the next iteration boundary

    uint32_t m_maxNumSeqs;
    uint32_t m_maxNumBatchedTokens;
    uint32_t m_blockSize;
    double m_memoryUtilisation;
    bool m_chunkedPrefill;
    bool m_fastForward;

    uint32_t m_kvBlocks{0};
    uint32_t m_freeBlocks{0};
    std::deque<Sequence> m_waiting;
    std::vector<Sequence> m_running; //!< admission order
    bool m_iterating{false};         //!< an iteration (or window) is in progress or planned
    EventId m_event;
    Time m_windowStart;
    std::vector<Time> m_boundaries; //!< end time of each step of the current window
    bool m_decodeWindow{false};     //!< the current event ends a stretch of decode-only steps
    // The layer range of each sequence of the current iteration, in the step's order.
    std::vector<LayerRange> m_prefillLayers;
    std::vector<LayerRange> m_decodeLayers;
};

} // namespace ns3

#endif // EDGE_LLM_CONTINUOUS_BATCHING_SCHEDULER_H
