/*
 * LlmUserApplication: what every application that issues user requests has in common.
 */
#ifndef EDGE_LLM_LLM_USER_APPLICATION_H
#define EDGE_LLM_LLM_USER_APPLICATION_H

#include "request-record.h"

#include "ns3/application.h"
#include "ns3/traced-callback.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief A user of LLMs: issues requests and reports each through its trace sources, so that
 * the request log and the run helper treat plain clients and collaboration protocols (MoA
 * agents, ...) alike. Every issued request ends in exactly one of RequestCompleted or
 * RequestFailed.
 */
class LlmUserApplication : public Application
{
  public:
    static TypeId GetTypeId();

    /// Stops issuing new requests; those in flight go on until they end or the app stops.
    virtual void StopIssuing() = 0;
    /// Requests issued and not ended yet.
    virtual uint64_t GetOpen() const = 0;

    typedef void (*RecordTracedCallback)(const RequestRecord& record);

  protected:
    TracedCallback<const RequestRecord&> m_issuedTrace;
    TracedCallback<const RequestRecord&> m_firstTokenTrace;
    TracedCallback<const RequestRecord&> m_completedTrace;
    TracedCallback<const RequestRecord&> m_failedTrace;
};

} // namespace ns3

#endif // EDGE_LLM_LLM_USER_APPLICATION_H
