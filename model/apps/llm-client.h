/*
 * LlmClient: a user sending prompts to an LLM server.
 */
#ifndef EDGE_LLM_LLM_CLIENT_H
#define EDGE_LLM_LLM_CLIENT_H

#include "llm-request-sender.h"
#include "llm-user-application.h"
#include "llm-workload.h"
#include "prompt-class-mix.h"
#include "request-arrivals.h"
#include "request-record.h"
#include "request-trace.h"

#include "ns3/address.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <map>
#include <optional>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief A user: issues requests to RemoteAddress:RemotePort, one TCP connection per request
 * (as an HTTP/1.1 client without keep-alive), and records what happens to each.
 *
 * Arrival modes: "poisson" (the Workload's Interarrival), "closed-loop" (Users concurrent
 * users, each waiting for its answer and then the Workload's ThinkTime), or "trace"
 * (arrivals and sizes from TraceFile,
 * rows TraceOffset, TraceOffset + TraceStride, ..., times scaled by TraceTimeScale).
 * With Classes set, each request draws a prompt class, which names its kind and rides in its
 * header, and (poisson and closed-loop) its lengths come from that class's workload.
 * Every request ends in exactly one of the RequestCompleted or RequestFailed traces;
 * requests still open when the application stops fail with reason "unfinished".
 */
class LlmClient : public LlmUserApplication
{
  public:
    enum Mode
    {
        POISSON,
        CLOSED_LOOP,
        TRACE,
    };

    static TypeId GetTypeId();
    LlmClient();
    ~LlmClient() override;

    void StopIssuing() override;
    void EndAll(const std::string& reason) override;
    /// Assigns fixed streams to the random variables; returns how many were used.
    int64_t AssignStreams(int64_t stream) override;

    uint64_t GetIssued() const;
    uint64_t GetOpen() const override;

  protected:
    void DoDispose() override;

  private:
    /// A request in flight.
    struct Open
    {
        RequestRecord record;
        Ptr<LlmRequestSender> sender;
        int user{-1}; //!< closed-loop user index, -1 otherwise
    };

    void StartApplication() override;
    void StopApplication() override;
    void Issue(uint64_t sequence, uint32_t promptTokens, uint32_t outputTokens, int user);
    void HandleFirstToken(uint64_t id);
    void HandleEnd(uint64_t id, Ptr<LlmRequestSender> sender);
    void End(uint64_t id, const std::string& status, const std::string& reason);
    void SetTraceFile(const std::string& path);
    std::string GetTraceFile() const;
    /// The node that owns RemoteAddress (looked up once), if any.
    std::optional<uint32_t> ServerNode();

    Address m_remote;
    uint16_t m_port;
    Mode m_mode;
    Ptr<LlmWorkload> m_workload;
    Time m_failureBackoff;
    uint32_t m_users;
    std::string m_traceFile;
    RequestTrace m_trace;
    uint32_t m_traceStride;
    uint32_t m_traceOffset;
    double m_traceTimeScale;
    uint64_t m_maxRequests;
    Time m_timeout;
    uint32_t m_bytesPerToken;
    std::string m_kind;
    Ptr<PromptClassMix> m_classes;
    int m_class{-1}; //!< the class of the request being issued (-1: none)

    RequestArrivals m_arrivals;
    uint64_t m_idBase{0};
    std::map<uint64_t, Open> m_open;
    bool m_serverLookedUp{false};
    std::optional<uint32_t> m_serverNode;
};

} // namespace ns3

#endif // EDGE_LLM_LLM_CLIENT_H
