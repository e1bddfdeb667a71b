/*
 * LlmUserApplication: what every application that issues user requests has in common.
 */
#ifndef EDGE_LLM_LLM_USER_APPLICATION_H
#define EDGE_LLM_LLM_USER_APPLICATION_H

#include "request-record.h"

#include "ns3/address.h"
#include "ns3/application.h"
#include "ns3/traced-callback.h"

#include <optional>
#include <string>

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
    /// Stops issuing and ends every open request as failed with `reason`: the application
    /// stops ("unfinished") or its device lost its power ("energy-depleted").
    virtual void EndAll(const std::string& reason) = 0;
    /// Requests issued and not ended yet.
    virtual uint64_t GetOpen() const = 0;
    /// Assigns fixed streams to the random variables; returns how many were used.
    virtual int64_t AssignStreams(int64_t stream) = 0;

    typedef void (*RecordTracedCallback)(const RequestRecord& record);

  protected:
    /// The high bits of this application's request ids, unique per run: node id (24 bits),
    /// the application's index on its node (8 bits); a 32-bit counter fills the rest.
    uint64_t RequestIdBase() const;
    /// A new request's record: id, this node, kind, token counts, arrival now, pending.
    RequestRecord NewRecord(uint64_t id,
                            const std::string& kind,
                            uint32_t promptTokens,
                            uint32_t outputTokens) const;
    /// The id of the node that owns IPv4 `address`, if any (a linear search: call once).
    static std::optional<uint32_t> NodeOwning(const Address& address);

    TracedCallback<const RequestRecord&> m_issuedTrace;
    TracedCallback<const RequestRecord&> m_firstTokenTrace;
    TracedCallback<const RequestRecord&> m_completedTrace;
    TracedCallback<const RequestRecord&> m_failedTrace;
};

} // namespace ns3

#endif // EDGE_LLM_LLM_USER_APPLICATION_H
