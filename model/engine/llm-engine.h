/*
 * LlmEngine: the LLM a node runs. Owns compute time; applications submit jobs to it.
 */
#ifndef EDGE_LLM_LLM_ENGINE_H
#define EDGE_LLM_LLM_ENGINE_H

#include "inference-cost-model.h"
#include "inference-job.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/ptr.h"
#include "ns3/traced-callback.h"
#include "ns3/traced-value.h"

#include <deque>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief An inference engine aggregated to a Node: a bounded FCFS queue served one job at a
 * time, with costs from an InferenceCostModel.
 *
 * A job takes Prefill(P) to its first token and Decode(G-1, P) more to completion: two events
 * per job, never one per token. Jobs beyond QueueCapacity waiting, or longer than the model's
 * context, are dropped with a reason; every submitted job ends in exactly one of
 * Completed or Dropped.
 */
class LlmEngine : public Object
{
  public:
    static TypeId GetTypeId();
    LlmEngine();
    ~LlmEngine() override;

    /// Sets the cost model; throws std::invalid_argument if the model does not fit the device.
    void SetCostModel(Ptr<InferenceCostModel> costModel);
    Ptr<InferenceCostModel> GetCostModel() const;

    /// Queues `job`; returns false (and fires Dropped and job.onDropped) when refused.
    bool Submit(InferenceJob job);

    uint32_t GetQueueLength() const; //!< jobs waiting, not counting the one running
    bool IsBusy() const;
    Time GetBusyTime() const;       //!< total compute time so far, including the running job
    double GetEnergyJoules() const; //!< idle and active power of the device, integrated
    uint64_t GetCompletedJobs() const;

    typedef void (*JobTracedCallback)(const InferenceJob& job);
    typedef void (*DropTracedCallback)(const InferenceJob& job, const std::string& reason);

  protected:
    void DoDispose() override;

  private:
    void StartNext();
    void FirstToken();
    void Complete();
    void Drop(InferenceJob& job, const std::string& reason);

    Ptr<InferenceCostModel> m_costModel;
    uint32_t m_queueCapacity;
    std::deque<InferenceJob> m_queue;
    bool m_busy{false};
    InferenceJob m_current;
    EventId m_event;
    Time m_busyTime; //!< compute time of finished jobs
    uint64_t m_completed{0};

    TracedValue<uint32_t> m_queueLength;
    TracedCallback<const InferenceJob&> m_enqueuedTrace;
    TracedCallback<const InferenceJob&> m_startedTrace;
    TracedCallback<const InferenceJob&> m_firstTokenTrace;
    TracedCallback<const InferenceJob&> m_completedTrace;
    TracedCallback<const InferenceJob&, const std::string&> m_droppedTrace;
};

} // namespace ns3

#endif // EDGE_LLM_LLM_ENGINE_H
