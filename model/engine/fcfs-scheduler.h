/*
 * FcfsScheduler: one job at a time, first come first served.
 */
#ifndef EDGE_LLM_FCFS_SCHEDULER_H
#define EDGE_LLM_FCFS_SCHEDULER_H

#include "llm-scheduler.h"

#include "ns3/event-id.h"

#include <deque>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Serves one job at a time in arrival order: the device queue of the distributed MoA
 * paper, and a server that does not batch. A job costs Prefill(P) to its first token and
 * Decode(G-1, C+P) more to completion (C cached tokens, P prompt, G output): two events per
 * job, never one per token. KV memory is not modelled beyond the engine's check that one
 * full-context sequence fits.
 */
class FcfsScheduler : public LlmScheduler
{
  public:
    static TypeId GetTypeId();
    FcfsScheduler();

    void Enqueue(InferenceJob job) override;
    uint32_t GetWaiting() const override;
    uint32_t GetRunning() const override;
    std::string GetName() const override;
    std::vector<InferenceJob> TakeAll() override;

  protected:
    void DoDispose() override;

  private:
    void StartNext();
    void PrefillDone();
    void Complete();

    std::deque<InferenceJob> m_queue;
    bool m_running{false};
    InferenceJob m_current;
    EventId m_event;
};

} // namespace ns3

#endif // EDGE_LLM_FCFS_SCHEDULER_H
