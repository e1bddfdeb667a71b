/*
 * ExpertRouter: the gateway that classifies prompts and forwards each to an expert.
 */
#ifndef EDGE_LLM_EXPERT_ROUTER_H
#define EDGE_LLM_EXPERT_ROUTER_H

#include "expert-channel.h"
#include "llm-connection.h"
#include "llm-header.h"
#include "llm-listener.h"
#include "prompt-classifier.h"
#include "routing-policy.h"
#include "routing-record.h"

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/inet-socket-address.h"
#include "ns3/traced-callback.h"

#include <map>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief The Expert Router's gateway, an application on its own node. It accepts REQUESTs on
 * TCP Port, classifies each prompt with its Classifier (one prompt at a time on the gateway's
 * device, first come first served), picks an expert with its Policy, forwards the request
 * unchanged over its persistent TCP connection to that expert (ExpertChannel) and relays the
 * expert's FIRST_CHUNK and FINAL_CHUNK, or an ERROR, back on the user's connection.
 *
 * Expert i serves class i (class c goes to expert c mod N when there are fewer experts than
 * classes). Refusals answer an ERROR: gateway-full when MaxConcurrent requests are already in
 * the gateway; expert-timeout when the expert does not finish within Timeout;
 * expert-unreachable when it cannot be reached or the connection to it breaks; an expert's
 * own refusal (queue-full, ...) is passed on. A user that goes away cancels its request to
 * the expert.
 *
 * Experts report their load (jobs waiting and running on their engine) in UDP datagrams
 * (ExpertLoadReporter) to ReportPort; a report counts for the expert whose address it comes
 * from, and stands until the next one arrives (0 before the first).
 */
class ExpertRouter : public Application
{
  public:
    static TypeId GetTypeId();
    ExpertRouter();
    ~ExpertRouter() override;

    /// Adds an expert on `node` reached at `address` (its reports come from that IP); returns
    /// its index.
    uint32_t AddExpert(Ptr<Node> node, const InetSocketAddress& address);
    uint32_t GetNExperts() const;
    /// The expert of class `promptClass`.
    uint32_t ExpertOfClass(uint32_t promptClass) const;
    Ptr<RoutingPolicy> GetPolicy() const;
    Ptr<PromptClassifier> GetClassifier() const;

    uint64_t GetReceived() const; //!< REQUESTs received
    uint64_t GetRefused() const;  //!< of those, refused (gateway-full)
    uint64_t GetRouted() const;   //!< of those, forwarded to an expert
    uint64_t GetOpen() const;     //!< received, not ended
    /// Requests forwarded to expert `index` that have not ended.
    uint32_t GetOutstanding(uint32_t index) const;
    /// The load expert `index` last reported (0 before any report).
    uint32_t GetReported(uint32_t index) const;

    /// Assigns fixed streams to the classifier and the policy; returns how many were used.
    int64_t AssignStreams(int64_t stream);

    typedef void (*RoutingTracedCallback)(const RoutingRecord& record);
    typedef void (*RefusedTracedCallback)(const LlmHeader& request, const std::string& reason);
    typedef void (*LoadTracedCallback)(uint32_t expert, uint32_t load);

  protected:
    void DoDispose() override;

  private:
    /// A request in the gateway.
    struct Pending
    {
        RoutingRecord record;
        LlmHeader request;
        Ptr<LlmConnection> client;
        bool forwarded{false}; //!< sent to its expert
        EventId classified;    //!< the classifier's end
    };

    struct Expert
    {
        Ptr<Node> node;
        InetSocketAddress address;
        Ptr<ExpertChannel> channel; //!< made at start
        uint32_t outstanding{0};
        uint32_t reported{0};
    };

    void StartApplication() override;
    void StopApplication() override;
    void HandleMessage(Ptr<LlmConnection> client, const LlmHeader& header);
    void HandleClientEnd(Ptr<LlmConnection> client);
    void Forward(uint64_t key);
    void HandleExpertFirstToken(uint64_t key, const LlmHeader& answer);
    void HandleExpertEnd(uint64_t key, const std::string& why, const LlmHeader& answer);
    /// Ends a pending request: records `outcome`, frees its place, fires Ended.
    void Finish(uint64_t key, const std::string& outcome);
    void HandleReport(Ptr<Socket> socket);
    /// Sends an ERROR for `request` with `reason` on `client` if it is still open.
    static void Refuse(Ptr<LlmConnection> client, const LlmHeader& request, uint8_t reason);

    uint16_t m_port;
    Ptr<RoutingPolicy> m_policy;
    Ptr<PromptClassifier> m_classifier;
    uint32_t m_maxConcurrent;
    Time m_timeout;
    uint16_t m_reportPort;

    std::vector<Expert> m_experts;
    Ptr<LlmListener> m_listener;
    std::map<Ptr<LlmConnection>, std::vector<uint64_t>> m_clients; //!< open user connections
    std::map<uint64_t, Pending> m_pending; //!< by arrival order at the gateway
    uint64_t m_nextKey{0};
    Time m_classifierFree; //!< when the classifier finishes the prompts it holds
    Ptr<Socket> m_reports; //!< where load reports arrive
    uint64_t m_received{0};
    uint64_t m_refused{0};
    uint64_t m_routed{0};

    TracedCallback<const LlmHeader&> m_receivedTrace;
    TracedCallback<const LlmHeader&, const std::string&> m_refusedTrace;
    TracedCallback<const RoutingRecord&> m_routedTrace;
    TracedCallback<const RoutingRecord&> m_endedTrace;
    TracedCallback<uint32_t, uint32_t> m_loadTrace;
};

} // namespace ns3

#endif // EDGE_LLM_EXPERT_ROUTER_H
