/*
 * LlmEngine: the LLM a node runs. Owns compute time; applications submit jobs to it.
 */
#ifndef EDGE_LLM_LLM_ENGINE_H
#define EDGE_LLM_LLM_ENGINE_H

#include "inference-cost-model.h"
#include "inference-job.h"
#include "llm-scheduler.h"

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/ptr.h"
#include "ns3/traced-callback.h"
#include "ns3/traced-value.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief An inference engine aggregated to a Node: the layers [FirstLayer, LastLayer) of a
 * model on a device (CostModel), serving accepted jobs with a Scheduler.
 *
 * With the default FcfsScheduler a job takes Prefill(P) to its first token and Decode(G-1, P)
 * more to completion, one job at a time (the distributed MoA paper's device queue); the
 * ContinuousBatchingScheduler batches iterations as vLLM does. Jobs beyond QueueCapacity
 * waiting, longer than the model's context, or empty are dropped with a reason; every
 * submitted job ends in exactly one of Completed or Dropped.
 */
class LlmEngine : public Object
{
  public:
    static TypeId GetTypeId();
    LlmEngine();
    ~LlmEngine() override;

    /// Sets the cost model; throws std::invalid_argument if the held layers do not fit the
    /// device or the scheduler's settings cannot work with it.
    void SetCostModel(Ptr<InferenceCostModel> costModel);
    Ptr<InferenceCostModel> GetCostModel() const;
    void SetScheduler(Ptr<LlmScheduler> scheduler);
    Ptr<LlmScheduler> GetScheduler() const;
    /// The layers this engine holds: [FirstLayer, LastLayer), the whole model by default.
    LayerRange GetHeldLayers() const;

    /// Queues `job`; returns false (and fires Dropped and job.onDropped) when refused.
    bool Submit(InferenceJob job);

    /**
     * The device loses its power (its battery is depleted): every job it holds is dropped
     * with `reason`, and so is every job submitted until PowerOn. Energy stops counting.
     */
    void PowerOff(const std::string& reason);
    /// The device has power again (a recharged battery): it accepts jobs.
    void PowerOn();
    bool IsPoweredOn() const;

    uint32_t GetQueueLength() const; //!< jobs waiting, not counting those running
    uint32_t GetRunning() const;     //!< jobs in the running batch
    bool IsBusy() const;             //!< an iteration (or an fcfs job) is being computed
    Time GetBusyTime() const;        //!< total compute time so far
    /// Idle and active power of the device integrated over the time it was powered on.
    double GetEnergyJoules() const;
    uint64_t GetCompletedJobs() const;
    uint64_t GetIterations() const;   //!< engine iterations (fcfs: prefills + decode steps)
    double GetMeanBatchSize() const;  //!< sequences per iteration (NaN before any)
    uint64_t GetPreemptions() const;  //!< KV-cache evictions (continuous batching)
    uint64_t GetOutputTokens() const; //!< output tokens generated so far
    uint32_t GetKvBlocks() const;     //!< KV-cache blocks (0: not modelled)
    double GetKvUtilisation() const;  //!< time-averaged share of KV blocks in use (NaN: none)

    typedef void (*JobTracedCallback)(const InferenceJob& job);
    typedef void (*DropTracedCallback)(const InferenceJob& job, const std::string& reason);
    typedef void (*BusyTracedCallback)(bool busy);
    /// `iterations` identical iterations of `sequences` sequences and `tokens` tokens each,
    /// lasting `duration` in all.
    typedef void (*IterationTracedCallback)(uint32_t sequences,
                                            uint32_t tokens,
                                            uint64_t iterations,
                                            Time duration);

  protected:
    void DoDispose() override;

  private:
    friend class LlmScheduler; // reports state changes through the engine's trace sources

    void Drop(InferenceJob& job, const std::string& reason);
    void CheckSetUp();
    void AccountKv(); //!< adds blocks-in-use x time since the last change

    Ptr<InferenceCostModel> m_costModel;
    Ptr<LlmScheduler> m_scheduler;
    uint32_t m_queueCapacity;
    uint32_t m_firstLayer;
    uint32_t m_lastLayer;
    bool m_checkMemory;
    bool m_configured{false};

    Time m_busyTime;
    bool m_busy{false};
    std::string m_offReason; //!< why the device is off; empty while powered on
    Time m_offTime;          //!< time spent powered off, before m_offSince
    Time m_offSince;
    Time m_busySince;
    uint64_t m_completed{0};
    uint64_t m_iterations{0};
    double m_sequenceIterations{0}; //!< sum over iterations of the batch size
    uint64_t m_preemptions{0};
    uint64_t m_outputTokens{0};
    double m_kvBlockSeconds{0}; //!< integral of blocks in use over time
    Time m_kvSince;

    TracedValue<uint32_t> m_queueLength;
    TracedValue<uint32_t> m_kvBlocksInUse;
    TracedCallback<const InferenceJob&> m_enqueuedTrace;
    TracedCallback<const InferenceJob&> m_startedTrace;
    TracedCallback<const InferenceJob&> m_admittedTrace;
    TracedCallback<const InferenceJob&> m_firstTokenTrace;
    TracedCallback<const InferenceJob&> m_completedTrace;
    TracedCallback<const InferenceJob&> m_preemptedTrace;
    TracedCallback<const InferenceJob&, const std::string&> m_droppedTrace;
    TracedCallback<uint32_t, uint32_t, uint64_t, Time> m_iterationTrace;
    TracedCallback<bool> m_busyTrace;
};

} // namespace ns3

#endif // EDGE_LLM_LLM_ENGINE_H
