/*
 * LlmScheduler: how an engine orders and batches the jobs it has accepted.
 */
#ifndef EDGE_LLM_LLM_SCHEDULER_H
#define EDGE_LLM_LLM_SCHEDULER_H

#include "inference-job.h"

#include "ns3/nstime.h"
#include "ns3/object.h"

#include <string>
#include <vector>

namespace ns3
{

class LlmEngine;

/**
 * \ingroup edge-llm
 * \brief The policy of an LlmEngine, chosen by its Scheduler attribute as a queue disc is
 * chosen for a net device: FcfsScheduler (one job at a time) or ContinuousBatchingScheduler
 * (iteration-level batching with KV-cache blocks, as vLLM).
 *
 * The engine checks what every scheduler refuses alike (empty jobs, contexts beyond the
 * model, a full queue), owns the trace sources and the statistics, and hands accepted jobs to
 * Enqueue. The scheduler owns time from then on: it schedules its own events and reports
 * every state change back through the protected Notify methods, which fire the engine's
 * trace sources and the job's callbacks. Every enqueued job must end in NotifyCompleted.
 */
class LlmScheduler : public Object
{
  public:
    static TypeId GetTypeId();

    /// Called by the engine once its cost model is known, before any job; throws
    /// std::invalid_argument (one line naming the value and what is accepted) when the
    /// scheduler's settings cannot work with this model, device and layer range.
    virtual void Configure(LlmEngine* engine, Ptr<InferenceCostModel> cost, LayerRange held);
    /// A reason to refuse `job` that only this scheduler knows ("" to accept).
    virtual std::string Refuse(const InferenceJob& job) const;
    /// Takes an accepted job (times and layers filled in) and serves it in time.
    virtual void Enqueue(InferenceJob job) = 0;
    virtual uint32_t GetWaiting() const = 0; //!< accepted jobs not yet running
    virtual uint32_t GetRunning() const = 0; //!< jobs being computed (the batch)
    /// KV-cache blocks of the engine (0 when the scheduler does not model KV memory).
    virtual uint32_t GetKvBlocks() const;
    /// Short name for summaries: "fcfs", "continuous".
    virtual std::string GetName() const = 0;
    /**
     * The device lost its power: cancels the scheduler's events, frees its KV blocks and
     * returns every job it holds (running first, then waiting), which the engine then drops.
     * Work of an unfinished iteration is lost, as it is on a real device.
     */
    virtual std::vector<InferenceJob> TakeAll() = 0;

  protected:
    void DoDispose() override;

    void NotifyStarted(InferenceJob& job); //!< sets job.started
    void NotifyAdmitted(const InferenceJob& job);
    void NotifyFirstToken(InferenceJob& job); //!< sets job.firstToken; silent without the head
    void NotifyCompleted(InferenceJob job);   //!< sets job.completed
    void NotifyPreempted(const InferenceJob& job);
    /// `iterations` iterations of `sequences` sequences and `tokens` tokens each, lasting
    /// `duration` in all, producing `outputTokens` output tokens in all.
    void NotifyIterations(uint32_t sequences,
                          uint32_t tokens,
                          uint64_t iterations,
                          Time duration,
                          uint64_t outputTokens);
    void NotifyWaiting(uint32_t waiting);
    /// The engine starts computing (true) or has nothing left to compute (false).
    void NotifyBusy(bool busy);
    void NotifyKvBlocksInUse(uint32_t blocks);

    LlmEngine* m_engine{nullptr}; //!< the engine that owns this scheduler
    Ptr<InferenceCostModel> m_cost;
    LayerRange m_held{0, 0}; //!< the layers the engine holds
};

} // namespace ns3

#endif // EDGE_LLM_LLM_SCHEDULER_H
