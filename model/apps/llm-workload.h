/*
 * LlmWorkload: what users ask of an LLM and how often.
 */
#ifndef EDGE_LLM_LLM_WORKLOAD_H
#define EDGE_LLM_LLM_WORKLOAD_H

#include "inference-cost-model.h"

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief The distributions of a user's requests: prompt and output lengths in tokens, the gap
 * between Poisson arrivals and the think time of a closed-loop user. One object per user
 * application (LlmClient, MoaAgent take it as their Workload attribute), and the same
 * distributions give the offered-load estimate, so that they are declared once.
 *
 * Defaults: log-normal lengths fitted to the Azure LLM inference conversation trace 2023
 * (mean and standard deviation of ln ContextTokens 6.633 and 0.985, of ln GeneratedTokens
 * 5.019 and 0.859), a request every 100 s on average, 10 s of think time.
 */
class LlmWorkload : public Object
{
  public:
    static TypeId GetTypeId();
    LlmWorkload();
    ~LlmWorkload() override;

    uint32_t NextPromptTokens(); //!< a draw of PromptTokens, rounded, at least 1
    uint32_t NextOutputTokens(); //!< a draw of OutputTokens, rounded, at least 1
    Time NextInterarrival();     //!< a draw of Interarrival
    Time NextThinkTime();        //!< a draw of ThinkTime

    /// Assigns fixed streams to the four distributions; returns 4.
    int64_t AssignStreams(int64_t stream);

    /// Mean seconds `model` takes to serve one request of this workload alone (prefill and
    /// decode, the whole model), over `samples` drawn requests that fit its context; NaN when
    /// none fits. Draws from this object's distributions: use a workload of its own.
    double MeanServiceSeconds(const InferenceCostModel& model, uint32_t samples);
    /// Requests per second of one Poisson user: 1 / the mean of `samples` Interarrival draws.
    double MeanRate(uint32_t samples);

  protected:
    void DoDispose() override;

  private:
    Ptr<RandomVariableStream> m_promptTokens;
    Ptr<RandomVariableStream> m_outputTokens;
    Ptr<RandomVariableStream> m_interarrival;
    Ptr<RandomVariableStream> m_thinkTime;
};

} // namespace ns3

#endif // EDGE_LLM_LLM_WORKLOAD_H
