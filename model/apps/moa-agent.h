/*
 * MoaAgent: one device of distributed Mixture-of-Agents (Mitra, Kaswan, Ulukus 2024).
 */
#ifndef EDGE_LLM_MOA_AGENT_H
#define EDGE_LLM_MOA_AGENT_H

#include "inference-job.h"
#include "llm-request-sender.h"
#include "llm-request-server.h"
#include "llm-user-application.h"
#include "llm-workload.h"
#include "peer-sampler.h"
#include "request-arrivals.h"

#include "ns3/event-id.h"
#include "ns3/random-variable-stream.h"

#include <map>
#include <set>
#include <vector>

namespace ns3
{

class LlmEngine;

/**
 * \ingroup edge-llm
 * \brief A device of distributed Mixture-of-Agents: its user issues prompts (Poisson), each
 * answered by Layers proposer layers and a final aggregation; the device also serves the
 * proposer requests its peers send it. Everything runs on the node's one LlmEngine, so the
 * user's own prompts and the peers' work share one FCFS queue, as in the paper.
 *
 * For an own prompt of P tokens, proposer layer l is inferred by this device and by Peers
 * peers drawn from the gossip view by PeerPolicy, fresh for every layer. Their responses
 * come back to this device; when all k+1 are in (the barrier), the next layer's prompt is P +
 * AggregatorPromptTokens + the tokens of the k+1 responses. After the last layer this device
 * aggregates the same way and its output is the answer. Layers = 0 is plain local inference.
 *
 * Peer requests travel over TCP (one connection per peer request) to Port; the membership
 * comes from the node's PeerSampler (gossip). With Network = ideal, messages are delivered
 * instantly and loss-free between agents and every agent knows every other one: the world of
 * the paper's stability theorem. A peer that does not answer within PeerTimeout, whose
 * connection fails, or that refuses the job is replaced by another one (RetryPolicy, at most
 * MaxRetries times per request); otherwise the request fails with a reason.
 *
 * Peer requests go out through LlmRequestSender and are served by an LlmRequestServer (jobs
 * of kind moa-proposer, answered with one FINAL_CHUNK); this class keeps only the protocol.
 */
class MoaAgent : public LlmUserApplication
{
  public:
    /// How proposer peers are drawn from the view.
    enum PeerPolicy
    {
        UNIFORM,     //!< k distinct peers uniformly at random (the paper's rule)
        QUEUE_AWARE, //!< per slot, the shorter advertised queue of two random candidates
        PROXIMITY,   //!< the k peers with the lowest measured delay
    };

    /// How messages between agents travel.
    enum Network
    {
        WIRELESS, //!< through the node's network stack (TCP), membership by gossip
        IDEAL,    //!< instant, loss-free, full membership: the theorem's world
    };

    /// What happens when a peer fails to answer.
    enum RetryPolicy
    {
        REPLACE, //!< ask another peer from the view
        NONE,    //!< fail the request
    };

    static TypeId GetTypeId();
    MoaAgent();
    ~MoaAgent() override;

    void StopIssuing() override;
    void EndAll(const std::string& reason) override;
    uint64_t GetOpen() const override;
    /// Assigns fixed streams to the random variables; returns how many were used.
    int64_t AssignStreams(int64_t stream) override;

    uint32_t GetLayers() const;
    uint32_t GetPeers() const;
    uint64_t GetIssued() const;
    uint64_t GetPeerRequestsServed() const; //!< proposer jobs this device ran for peers

    typedef void (*PeerSelectedTracedCallback)(uint64_t requestId, uint32_t layer, uint32_t peer);
    typedef void (*PeerFailedTracedCallback)(uint64_t requestId,
                                             uint32_t layer,
                                             uint32_t peer,
                                             const std::string& reason);
    typedef void (*LayerDoneTracedCallback)(const RequestRecord& record, uint32_t layer);

  protected:
    void DoDispose() override;

  private:
    /// A proposer request sent to one peer.
    struct PeerCall
    {
        uint32_t peer{0};
        Ipv4Address address;
        LlmHeader request;
        Ptr<LlmRequestSender> sender; //!< wireless network
        EventId timeout;              //!< ideal network
        uint32_t outputTokens{0};
    };

    /// An own prompt in flight.
    struct Request
    {
        RequestRecord record;
        uint32_t layer{0};                  //!< 0-based; == Layers: the final aggregation
        uint32_t prompt{0};                 //!< prompt tokens of the current layer
        uint32_t responses{0};              //!< responses in for the current layer
        uint64_t responseTokens{0};         //!< their output tokens
        std::set<uint32_t> tried;           //!< peers asked in the current layer
        std::map<uint64_t, PeerCall> calls; //!< by call token
        std::vector<uint32_t> answered;     //!< peers that answered the current layer
    };

    void StartApplication() override;
    void StopApplication() override;
    void CheckAttributes() const;
    void Issue(uint64_t sequence, uint32_t promptTokens, uint32_t outputTokens);
    void StartLayer(uint64_t id);
    void SubmitOwn(uint64_t id, uint32_t outputTokens, bool aggregation);
    void OwnCompleted(uint64_t id, uint32_t layer, const InferenceJob& job);
    void AddResponse(uint64_t id, uint32_t layer, uint32_t peer, uint32_t outputTokens);
    void End(uint64_t id, const std::string& status, const std::string& reason);

    /// Up to `count` peers from the view, not in `excluded`, drawn by the peer policy.
    std::vector<PeerDescriptor> SelectPeers(uint32_t count, const std::set<uint32_t>& excluded);
    std::vector<PeerDescriptor> Candidates() const;
    void CallPeer(uint64_t id, const PeerDescriptor& peer);
    /// The sender of a wireless call reported its end.
    void CallEnded(uint64_t id, uint64_t token, Ptr<LlmRequestSender> sender);
    /// An answer delivered on the ideal network.
    void CallAnswered(uint64_t id, uint64_t token, const LlmHeader& header);
    void CallSucceeded(uint64_t id, uint64_t token, uint32_t outputTokens);
    /// A peer call ended without a response (`reason` starts with "peer-"); `forget`: the
    /// peer seems gone, so the gossip view drops it.
    void CallFailed(uint64_t id, uint64_t token, const std::string& reason, bool forget);
    void CloseCall(PeerCall& call, RequestRecord& record);
    LlmHeader MakeRequestHeader(const Request& request, uint32_t outputTokens) const;

    // Serving peers.
    /// Runs a peer's proposer request on the engine; `reply` gets the response header.
    void Serve(const LlmHeader& request, Callback<void, const LlmHeader&> reply);
    void IdealDeliver(uint64_t id, uint64_t token, const LlmHeader& header);
    Ptr<MoaAgent> IdealPeer(uint32_t node) const;

    uint16_t m_port;
    uint32_t m_layers;
    uint32_t m_peers;
    uint32_t m_aggregatorTokens;
    Ptr<LlmWorkload> m_workload;
    Ptr<UniformRandomVariable> m_choice; //!< peer draws
    PeerPolicy m_policy;
    Network m_network;
    Time m_peerTimeout;
    RetryPolicy m_retryPolicy;
    uint32_t m_maxRetries;
    uint64_t m_maxRequests;
    uint32_t m_bytesPerToken;
    Time m_warmUp;

    Ptr<LlmEngine> m_engine;
    Ptr<PeerSampler> m_sampler;
    Ptr<LlmRequestServer> m_server; //!< serves the peers' proposer requests
    RequestArrivals m_arrivals;
    uint64_t m_idBase{0};
    uint64_t m_nextToken{1};
    std::map<uint64_t, Request> m_open;

    TracedCallback<uint64_t, uint32_t, uint32_t> m_peerSelectedTrace;
    TracedCallback<uint64_t, uint32_t, uint32_t, const std::string&> m_peerFailedTrace;
    TracedCallback<const RequestRecord&, uint32_t> m_layerDoneTrace;
};

} // namespace ns3

#endif // EDGE_LLM_MOA_AGENT_H
