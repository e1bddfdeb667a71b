/*
 * SplitServer: the edge server's side of split inference.
 */
#ifndef EDGE_LLM_SPLIT_SERVER_H
#define EDGE_LLM_SPLIT_SERVER_H

#include "llm-connection.h"
#include "llm-header.h"
#include "llm-listener.h"

#include "ns3/application.h"
#include "ns3/traced-callback.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Accepts connections on Port; runs the units each SPLIT_HIDDEN message asks for
 * (one step of one split request) on the node's LlmEngine, where they batch with other
 * clients' steps, and answers on the same connection with a SPLIT_HIDDEN that echoes the step
 * and units and carries what leaves the last unit: hidden states, or the sampled token id when
 * the head ran. The answer's residence is the time from the message's arrival to the answer.
 *
 * Step 0 is a prefill-only job of the request's P tokens; step k a one-token decode job from
 * P + k - 1 cached tokens (the server ran the same units at every earlier step, so their KV
 * cache is its own). A message the engine refuses, one whose units or step do not fit the
 * model, or one for a node without an engine gets an ERROR with the reason.
 */
class SplitServer : public Application
{
  public:
    static TypeId GetTypeId();
    SplitServer();
    ~SplitServer() override;

    uint64_t GetStepsReceived() const; //!< well-formed SPLIT_HIDDEN messages
    uint64_t GetStepsServed() const;   //!< of those, answered with a SPLIT_HIDDEN

    typedef void (*HeaderTracedCallback)(const LlmHeader& header);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;
    void HandleMessage(Ptr<LlmConnection> connection, const LlmHeader& header);
    /// Why `step` cannot be served as asked; empty when it can.
    std::string CheckStep(const LlmHeader& step) const;
    /// Answers `answer` (the step's echo) with its residence since `arrived`.
    void Finish(Ptr<LlmConnection> connection, LlmHeader answer, Time arrived);
    void Answer(Ptr<LlmConnection> connection, const LlmHeader& answer);
    void Refuse(Ptr<LlmConnection> connection, const LlmHeader& step, uint8_t reason);

    uint16_t m_port;
    Ptr<LlmListener> m_listener;
    uint64_t m_received{0};
    uint64_t m_served{0};

    TracedCallback<const LlmHeader&> m_stepTrace;
    TracedCallback<const LlmHeader&> m_answerTrace;
};

} // namespace ns3

#endif // EDGE_LLM_SPLIT_SERVER_H
