/*
 * PeerSampler: gossip peer sampling (Cyclon-like shuffles of partial views) over UDP.
 */
#ifndef EDGE_LLM_PEER_SAMPLER_H
#define EDGE_LLM_PEER_SAMPLER_H

#include "gossip-header.h"

#include "ns3/application.h"
#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/ipv4-address.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ns3
{

class Socket;
class Packet;

/// One live peer as a node's view knows it.
struct PeerDescriptor
{
    uint32_t node{0};
    Ipv4Address address;
    uint16_t age{0};         //!< shuffle periods since the peer issued this descriptor
    uint16_t queueLength{0}; //!< the queue length the peer advertised then
};

/**
 * \ingroup edge-llm
 * \brief Keeps a partial view of the live peers of its node by Cyclon-like push-pull
 * shuffles over UDP on Port.
 *
 * Every Period (each node's cycle starting at a uniformly random offset within the first
 * period) the node drops descriptors older than MaxAge periods, picks the oldest entry Q and
 * sends Q a SHUFFLE_REQUEST: its own fresh descriptor (age 0, current queue length) and
 * ShuffleLength-1 random others. Q answers with a SHUFFLE_REPLY: its own fresh descriptor and
 * up to ShuffleLength-1 random others (never the initiator), then merges the request. Q stays
 * in the initiator's view while the reply is awaited; the reply refreshes it, and a reply
 * missing after ReplyTimeout removes it (the peer is forgotten).
 *
 * Merging never adds the node itself, keeps the younger copy of a peer already known, fills
 * empty slots first, then replaces the entries sent to the other side, and drops the rest.
 * A forgotten peer's descriptors issued before it was forgotten are refused afterwards, so
 * stale copies of a dead node do not come back.
 *
 * Ages are kept as the time a descriptor was issued: the age of a held descriptor is the time
 * since then in periods, rounded up, so it grows by one per period, and a relayed copy never
 * looks younger than it is (a copy received with age a was issued at least a periods ago).
 * Every copy of the descriptors of a node that went silent at time t is therefore dropped by
 * t + (MaxAge + 1) x Period, whether or not anybody contacts it.
 *
 * Datagrams that are not well-formed gossip messages are dropped and reported on Malformed.
 */
class PeerSampler : public Application
{
  public:
    static TypeId GetTypeId();
    PeerSampler();
    ~PeerSampler() override;

    /// A bootstrap contact (age 0), before or after the start; ignored for this node itself.
    /// Bootstrap contacts are tried again whenever the view has become empty.
    void AddContact(uint32_t node, Ipv4Address address);
    /// The peers known now, never this node itself.
    std::vector<PeerDescriptor> GetView() const;
    /// A user of the view saw this peer fail: drop it now (and refuse its older descriptors).
    void Forget(uint32_t node);
    /// The queue length this node advertises in its own descriptor (0 if unset).
    void SetQueueLengthSource(Callback<uint32_t> source);
    /// Smoothed one-way delay estimate (RTT/2 of shuffles with that node), NaN if never measured.
    double GetDelaySeconds(uint32_t node) const;
    /// This node's IPv4 address (interface 1); 0.0.0.0 when it has none.
    Ipv4Address GetAddress() const;
    /// Assigns fixed streams to the random variables; returns how many were used.
    int64_t AssignStreams(int64_t stream);

    typedef void (*PeerTracedCallback)(uint32_t node);
    typedef void (*ShuffleReceivedTracedCallback)(uint32_t node, uint8_t type);
    typedef void (*PeerForgottenTracedCallback)(uint32_t node, const std::string& reason);
    typedef void (*MalformedTracedCallback)(const std::string& reason);

  protected:
    void DoDispose() override;

  private:
    /// A view entry: a peer's descriptor with its age kept as the time it was issued.
    struct Peer
    {
        uint32_t node{0};
        Ipv4Address address;
        Time issued; //!< no later than when the peer issued the descriptor
        uint16_t queueLength{0};
    };

    /// A shuffle sent and not answered yet.
    struct Pending
    {
        uint32_t peer{0};
        Time sent;
        std::set<uint32_t> offered; //!< nodes of the entries sent (the sender's own excluded)
        EventId timeout;
    };

    void StartApplication() override;
    void StopApplication() override;
    void CheckAttributes() const;
    void Shuffle();
    void HandleRead(Ptr<Socket> socket);
    void HandleRequest(const GossipHeader& request, const Address& from);
    void HandleReply(const GossipHeader& reply);
    void HandleTimeout(uint32_t sequence);
    /// Merges received entries; `replaceable` are the nodes sent to the other side.
    void Merge(const std::vector<GossipHeader::Entry>& entries, std::set<uint32_t> replaceable);
    bool IsRefused(uint32_t node, Time issued) const;
    /// Periods since `issued`, rounded up (saturating at 65535).
    uint16_t AgeOf(Time issued) const;
    GossipHeader::Entry ToEntry(const Peer& peer) const;
    std::vector<Peer>::iterator Find(uint32_t node);
    std::vector<Peer>::iterator Oldest();
    GossipHeader::Entry SelfEntry() const;
    /// Up to `count` distinct random entries of the view, never `excluded`.
    std::vector<GossipHeader::Entry> RandomEntries(uint32_t count, uint32_t excluded);
    void Send(const GossipHeader& header, Ipv4Address address);
    uint32_t GetNodeId() const;

    uint16_t m_port;
    uint32_t m_viewSize;
    uint32_t m_shuffleLength;
    Time m_period;
    Time m_replyTimeout;
    uint16_t m_maxAge;
    Ptr<UniformRandomVariable> m_start;  //!< offset of the first shuffle within one period
    Ptr<UniformRandomVariable> m_choice; //!< which entries to send

    Ptr<Socket> m_socket;
    std::vector<Peer> m_view;
    std::map<uint32_t, Ipv4Address> m_contacts; //!< bootstrap contacts, tried again when isolated
    std::map<uint32_t, Pending> m_pending;      //!< by sequence number
    std::map<uint32_t, Time> m_refusedBefore; //!< forgotten peers: refuse descriptors issued before
    std::map<uint32_t, double> m_delay;       //!< smoothed one-way delay (s) by node
    Callback<uint32_t> m_queueLength;
    uint32_t m_sequence{0};
    EventId m_nextShuffle;

    TracedCallback<uint32_t> m_shuffleSentTrace;
    TracedCallback<uint32_t, uint8_t> m_shuffleReceivedTrace;
    TracedCallback<uint32_t, const std::string&> m_forgottenTrace;
    TracedCallback<const std::string&> m_malformedTrace;
};

} // namespace ns3

#endif // EDGE_LLM_PEER_SAMPLER_H
