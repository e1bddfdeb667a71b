#include "peer-sampler.h"

#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("PeerSampler");
NS_OBJECT_ENSURE_REGISTERED(PeerSampler);

namespace
{

/// Weight of a new RTT sample in the smoothed delay (TCP's SRTT gain, RFC 6298).
constexpr double DELAY_GAIN = 1.0 / 8;

} // namespace

TypeId
PeerSampler::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::PeerSampler")
            .SetParent<Application>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<PeerSampler>()
            .AddAttribute("Port",
                          "UDP port of the gossip protocol, the same on every node",
                          UintegerValue(9100),
                          MakeUintegerAccessor(&PeerSampler::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("ViewSize",
                          "Most peers kept in the view (>= 1; checked at start)",
                          UintegerValue(20),
                          MakeUintegerAccessor(&PeerSampler::m_viewSize),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("ShuffleLength",
                          "Entries sent per shuffle, the sender's own descriptor included "
                          "(1 to min(ViewSize, 64); checked at start)",
                          UintegerValue(8),
                          MakeUintegerAccessor(&PeerSampler::m_shuffleLength),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("Period",
                          "Time between two shuffles initiated by this node (> 0; checked at "
                          "start); the first one is at a uniformly random offset within a period",
                          TimeValue(Seconds(5)),
                          MakeTimeAccessor(&PeerSampler::m_period),
                          MakeTimeChecker())
            .AddAttribute("ReplyTimeout",
                          "A contacted peer whose reply has not arrived this long after the "
                          "request is forgotten (> 0; checked at start)",
                          TimeValue(Seconds(2)),
                          MakeTimeAccessor(&PeerSampler::m_replyTimeout),
                          MakeTimeChecker())
            .AddAttribute("MaxAge",
                          "Descriptors older than this many periods are dropped (>= 1; checked "
                          "at start)",
                          UintegerValue(20),
                          MakeUintegerAccessor(&PeerSampler::m_maxAge),
                          MakeUintegerChecker<uint16_t>())
            .AddTraceSource("ShuffleSent",
                            "A shuffle request was sent to a peer",
                            MakeTraceSourceAccessor(&PeerSampler::m_shuffleSentTrace),
                            "ns3::PeerSampler::PeerTracedCallback")
            .AddTraceSource("ShuffleReceived",
                            "A well-formed shuffle request or reply arrived from a peer",
                            MakeTraceSourceAccessor(&PeerSampler::m_shuffleReceivedTrace),
                            "ns3::PeerSampler::ShuffleReceivedTracedCallback")
            .AddTraceSource("PeerForgotten",
                            "A peer left the view: reply-timeout, max-age or forgotten-by-user",
                            MakeTraceSourceAccessor(&PeerSampler::m_forgottenTrace),
                            "ns3::PeerSampler::PeerForgottenTracedCallback")
            .AddTraceSource("Malformed",
                            "A datagram that is not a well-formed gossip message was dropped",
                            MakeTraceSourceAccessor(&PeerSampler::m_malformedTrace),
                            "ns3::PeerSampler::MalformedTracedCallback");
    return tid;
}

PeerSampler::PeerSampler()
    : m_start(CreateObject<UniformRandomVariable>()),
      m_choice(CreateObject<UniformRandomVariable>())
{
}

PeerSampler::~PeerSampler() = default;

int64_t
PeerSampler::AssignStreams(int64_t stream)
{
    m_start->SetStream(stream);
    m_choice->SetStream(stream + 1);
    return 2;
}

void
PeerSampler::DoDispose()
{
    if (m_socket)
    {
        m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    }
    m_socket = nullptr;
    m_start = nullptr;
    m_choice = nullptr;
    m_queueLength = MakeNullCallback<uint32_t>();
    m_pending.clear();
    Application::DoDispose();
}

uint32_t
PeerSampler::GetNodeId() const
{
    return GetNode() ? GetNode()->GetId() : std::numeric_limits<uint32_t>::max();
}

Ipv4Address
PeerSampler::GetAddress() const
{
    Ptr<Node> node = GetNode();
    Ptr<Ipv4> ipv4 = node ? node->GetObject<Ipv4>() : nullptr;
    if (!ipv4 || ipv4->GetNInterfaces() < 2 || ipv4->GetNAddresses(1) == 0)
    {
        return Ipv4Address::GetAny();
    }
    return ipv4->GetAddress(1, 0).GetLocal();
}

std::vector<PeerSampler::Peer>::iterator
PeerSampler::Find(uint32_t node)
{
    return std::find_if(m_view.begin(), m_view.end(), [node](const Peer& p) {
        return p.node == node;
    });
}

std::vector<PeerSampler::Peer>::iterator
PeerSampler::Oldest()
{
    return std::min_element(m_view.begin(), m_view.end(), [](const Peer& a, const Peer& b) {
        return a.issued < b.issued;
    });
}

uint16_t
PeerSampler::AgeOf(Time issued) const
{
    const int64_t elapsed = (Simulator::Now() - issued).GetTimeStep();
    const int64_t period = m_period.GetTimeStep();
    if (elapsed <= 0 || period <= 0)
    {
        return 0;
    }
    const int64_t periods = (elapsed + period - 1) / period;
    return static_cast<uint16_t>(std::min<int64_t>(periods, std::numeric_limits<uint16_t>::max()));
}

GossipHeader::Entry
PeerSampler::ToEntry(const Peer& peer) const
{
    GossipHeader::Entry e;
    e.node = peer.node;
    e.address = peer.address;
    e.age = AgeOf(peer.issued);
    e.queueLength = peer.queueLength;
    return e;
}

void
PeerSampler::AddContact(uint32_t node, Ipv4Address address)
{
    NS_LOG_FUNCTION(this << node << address);
    if (node == GetNodeId())
    {
        return;
    }
    m_refusedBefore.erase(node);
    m_contacts[node] = address;
    Peer contact;
    contact.node = node;
    contact.address = address;
    contact.issued = Simulator::Now();
    auto known = Find(node);
    if (known != m_view.end())
    {
        contact.queueLength = known->queueLength;
        *known = contact;
    }
    else if (m_view.size() < m_viewSize)
    {
        m_view.push_back(contact);
    }
    else if (!m_view.empty())
    {
        *Oldest() = contact;
    }
}

std::vector<PeerDescriptor>
PeerSampler::GetView() const
{
    std::vector<PeerDescriptor> view;
    const uint32_t self = GetNodeId();
    for (const Peer& p : m_view)
    {
        if (p.node != self)
        {
            PeerDescriptor d;
            d.node = p.node;
            d.address = p.address;
            d.age = AgeOf(p.issued);
            d.queueLength = p.queueLength;
            view.push_back(d);
        }
    }
    return view;
}

void
PeerSampler::Forget(uint32_t node)
{
    NS_LOG_FUNCTION(this << node);
    m_refusedBefore[node] = Simulator::Now();
    auto known = Find(node);
    if (known != m_view.end())
    {
        m_view.erase(known);
        m_forgottenTrace(node, "forgotten-by-user");
    }
}

void
PeerSampler::SetQueueLengthSource(Callback<uint32_t> source)
{
    m_queueLength = source;
}

double
PeerSampler::GetDelaySeconds(uint32_t node) const
{
    auto it = m_delay.find(node);
    return it == m_delay.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

void
PeerSampler::CheckAttributes() const
{
    const std::string who = "PeerSampler on node " + std::to_string(GetNodeId()) + ": ";
    if (m_viewSize < 1)
    {
        throw std::invalid_argument(who + "ViewSize " + std::to_string(m_viewSize) +
                                    " is invalid; accepted: >= 1");
    }
    const uint32_t maxLength = std::min<uint32_t>(m_viewSize, GossipHeader::MAX_ENTRIES);
    if (m_shuffleLength < 1 || m_shuffleLength > maxLength)
    {
        throw std::invalid_argument(who + "ShuffleLength " + std::to_string(m_shuffleLength) +
                                    " is invalid; accepted: 1 to " + std::to_string(maxLength) +
                                    " (min of ViewSize and " +
                                    std::to_string(GossipHeader::MAX_ENTRIES) + ")");
    }
    for (const auto& [name, value] :
         {std::make_pair("Period", m_period), std::make_pair("ReplyTimeout", m_replyTimeout)})
    {
        if (!value.IsStrictlyPositive())
        {
            std::ostringstream os;
            os << who << name << " " << value.GetSeconds() << " s is invalid; accepted: > 0";
            throw std::invalid_argument(os.str());
        }
    }
    if (m_maxAge < 1)
    {
        throw std::invalid_argument(who + "MaxAge " + std::to_string(m_maxAge) +
                                    " is invalid; accepted: 1 to 65535");
    }
}

void
PeerSampler::StartApplication()
{
    NS_LOG_FUNCTION(this);
    CheckAttributes();
    if (GetAddress() == Ipv4Address::GetAny())
    {
        throw std::invalid_argument("PeerSampler on node " + std::to_string(GetNodeId()) +
                                    " needs an IPv4 address on interface 1");
    }
    const uint32_t self = GetNodeId();
    m_view.erase(std::remove_if(m_view.begin(),
                                m_view.end(),
                                [self](const Peer& p) { return p.node == self; }),
                 m_view.end());
    if (m_view.size() > m_viewSize)
    {
        m_view.resize(m_viewSize);
    }
    m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
    if (m_socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) != 0)
    {
        NS_FATAL_ERROR("PeerSampler cannot bind UDP port " << m_port << " on node " << self);
    }
    m_socket->SetRecvCallback(MakeCallback(&PeerSampler::HandleRead, this));
    const Time offset = Seconds(m_start->GetValue(0, m_period.GetSeconds()));
    m_nextShuffle = Simulator::Schedule(offset, &PeerSampler::Shuffle, this);
}

void
PeerSampler::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_nextShuffle.Cancel();
    for (auto& [sequence, pending] : m_pending)
    {
        pending.timeout.Cancel();
    }
    m_pending.clear();
    if (m_socket)
    {
        m_socket->Close();
        m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        m_socket = nullptr;
    }
}

GossipHeader::Entry
PeerSampler::SelfEntry() const
{
    GossipHeader::Entry e;
    e.node = GetNodeId();
    e.address = GetAddress();
    e.age = 0;
    const uint32_t queue = m_queueLength.IsNull() ? 0 : m_queueLength();
    e.queueLength =
        static_cast<uint16_t>(std::min<uint32_t>(queue, std::numeric_limits<uint16_t>::max()));
    return e;
}

std::vector<GossipHeader::Entry>
PeerSampler::RandomEntries(uint32_t count, uint32_t excluded)
{
    std::vector<size_t> candidates;
    for (size_t i = 0; i < m_view.size(); ++i)
    {
        if (m_view[i].node != excluded)
        {
            candidates.push_back(i);
        }
    }
    // A partial Fisher-Yates shuffle: the first `count` candidates become a uniform sample.
    std::vector<GossipHeader::Entry> chosen;
    const uint32_t n = static_cast<uint32_t>(candidates.size());
    for (uint32_t i = 0; i < std::min(count, n); ++i)
    {
        const uint32_t j = m_choice->GetInteger(i, n - 1);
        std::swap(candidates[i], candidates[j]);
        chosen.push_back(ToEntry(m_view[candidates[i]]));
    }
    return chosen;
}

void
PeerSampler::Send(const GossipHeader& header, Ipv4Address address)
{
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(header);
    if (m_socket->SendTo(packet, 0, InetSocketAddress(address, m_port)) < 0)
    {
        NS_LOG_WARN("node " << GetNodeId() << " could not send a "
                            << GossipHeader::TypeName(header.m_type) << " to " << address);
    }
}

void
PeerSampler::Shuffle()
{
    NS_LOG_FUNCTION(this);
    m_nextShuffle = Simulator::Schedule(m_period, &PeerSampler::Shuffle, this);
    for (auto it = m_view.begin(); it != m_view.end();)
    {
        if (AgeOf(it->issued) > m_maxAge)
        {
            const uint32_t node = it->node;
            it = m_view.erase(it);
            m_forgottenTrace(node, "max-age");
        }
        else
        {
            ++it;
        }
    }
    if (m_view.empty())
    {
        // Isolated (every peer failed, or this node was out of reach): start over from the
        // bootstrap contacts, one try per period, rather than stay alone forever.
        for (const auto& [node, address] : m_contacts)
        {
            if (node != GetNodeId() && m_view.size() < m_viewSize)
            {
                m_view.push_back({node, address, Simulator::Now(), 0});
            }
        }
    }
    // The oldest entry not already awaiting a reply. It stays in the view until its reply
    // refreshes it (its own descriptor comes first in the reply) or the timeout removes it.
    std::set<uint32_t> awaiting;
    for (const auto& [sequence, pending] : m_pending)
    {
        awaiting.insert(pending.peer);
    }
    auto oldest = m_view.end();
    for (auto it = m_view.begin(); it != m_view.end(); ++it)
    {
        if (!awaiting.count(it->node) && (oldest == m_view.end() || it->issued < oldest->issued))
        {
            oldest = it;
        }
    }
    if (oldest == m_view.end())
    {
        return;
    }
    const Peer target = *oldest;

    GossipHeader request;
    request.m_type = GossipHeader::SHUFFLE_REQUEST;
    request.m_sender = GetNodeId();
    request.m_sequence = ++m_sequence;
    request.m_entries.push_back(SelfEntry());
    Pending pending;
    pending.peer = target.node;
    pending.sent = Simulator::Now();
    for (const GossipHeader::Entry& e : RandomEntries(m_shuffleLength - 1, target.node))
    {
        request.m_entries.push_back(e);
        pending.offered.insert(e.node);
    }
    pending.timeout =
        Simulator::Schedule(m_replyTimeout, &PeerSampler::HandleTimeout, this, m_sequence);
    m_pending[m_sequence] = pending;
    NS_LOG_INFO("node " << GetNodeId() << " shuffles with " << target.node << ": " << request);
    Send(request, target.address);
    m_shuffleSentTrace(target.node);
}

void
PeerSampler::HandleRead(Ptr<Socket> socket)
{
    Ptr<Packet> packet;
    Address from;
    while ((packet = socket->RecvFrom(from)))
    {
        GossipHeader header;
        const uint32_t read = packet->PeekHeader(header);
        std::string error = header.Validate();
        if (error.empty() && read < packet->GetSize())
        {
            error = std::to_string(packet->GetSize() - read) + " trailing bytes after " +
                    std::to_string(header.m_entries.size()) + " entries";
        }
        if (error.empty() && header.m_sender == GetNodeId())
        {
            error = "sender is this node";
        }
        if (error.empty() && !InetSocketAddress::IsMatchingType(from))
        {
            error = "not from an IPv4 socket";
        }
        if (!error.empty())
        {
            NS_LOG_WARN("node " << GetNodeId() << " drops a malformed datagram from " << from
                                << ": " << error);
            m_malformedTrace(error);
            continue;
        }
        m_shuffleReceivedTrace(header.m_sender, header.m_type);
        if (header.m_type == GossipHeader::SHUFFLE_REQUEST)
        {
            HandleRequest(header, from);
        }
        else
        {
            HandleReply(header);
        }
    }
}

void
PeerSampler::HandleRequest(const GossipHeader& request, const Address& from)
{
    GossipHeader reply;
    reply.m_type = GossipHeader::SHUFFLE_REPLY;
    reply.m_sender = GetNodeId();
    reply.m_sequence = request.m_sequence;
    reply.m_entries.push_back(SelfEntry());
    std::set<uint32_t> offered;
    for (const GossipHeader::Entry& e : RandomEntries(m_shuffleLength - 1, request.m_sender))
    {
        reply.m_entries.push_back(e);
        offered.insert(e.node);
    }
    const InetSocketAddress source = InetSocketAddress::ConvertFrom(from);
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(reply);
    if (m_socket->SendTo(packet, 0, source) < 0)
    {
        NS_LOG_WARN("node " << GetNodeId() << " could not reply to " << source.GetIpv4());
    }
    Merge(request.m_entries, offered);
}

void
PeerSampler::HandleReply(const GossipHeader& reply)
{
    auto it = m_pending.find(reply.m_sequence);
    if (it == m_pending.end() || it->second.peer != reply.m_sender)
    {
        NS_LOG_INFO("node " << GetNodeId() << " ignores a late or unexpected reply from "
                            << reply.m_sender << " (sequence " << reply.m_sequence << ")");
        return;
    }
    Pending pending = it->second;
    m_pending.erase(it);
    pending.timeout.Cancel();
    const double oneWay = (Simulator::Now() - pending.sent).GetSeconds() / 2;
    auto delay = m_delay.find(reply.m_sender);
    if (delay == m_delay.end())
    {
        m_delay[reply.m_sender] = oneWay;
    }
    else
    {
        delay->second += DELAY_GAIN * (oneWay - delay->second);
    }
    Merge(reply.m_entries, pending.offered);
}

void
PeerSampler::HandleTimeout(uint32_t sequence)
{
    auto it = m_pending.find(sequence);
    if (it == m_pending.end())
    {
        return;
    }
    const Pending pending = it->second;
    m_pending.erase(it);
    NS_LOG_INFO("node " << GetNodeId() << ": no reply from " << pending.peer);
    // Descriptors the peer issued before it was asked are stale: refuse them from now on.
    m_refusedBefore[pending.peer] = pending.sent;
    auto known = Find(pending.peer);
    if (known != m_view.end())
    {
        m_view.erase(known);
    }
    m_forgottenTrace(pending.peer, "reply-timeout");
}

bool
PeerSampler::IsRefused(uint32_t node, Time issued) const
{
    auto it = m_refusedBefore.find(node);
    return it != m_refusedBefore.end() && issued < it->second;
}

void
PeerSampler::Merge(const std::vector<GossipHeader::Entry>& entries, std::set<uint32_t> replaceable)
{
    const uint32_t self = GetNodeId();
    for (const GossipHeader::Entry& e : entries)
    {
        Peer peer;
        peer.node = e.node;
        peer.address = e.address;
        peer.issued = Simulator::Now() - m_period * static_cast<int64_t>(e.age);
        peer.queueLength = e.queueLength;
        if (e.node == self || e.age > m_maxAge || IsRefused(e.node, peer.issued))
        {
            continue;
        }
        auto known = Find(e.node);
        if (known != m_view.end())
        {
            if (peer.issued > known->issued)
            {
                *known = peer; // the younger copy is the better one
            }
            continue;
        }
        if (m_view.size() < m_viewSize)
        {
            m_view.push_back(peer);
            continue;
        }
        auto sent = std::find_if(m_view.begin(), m_view.end(), [&replaceable](const Peer& p) {
            return replaceable.count(p.node) > 0;
        });
        if (sent != m_view.end())
        {
            replaceable.erase(sent->node);
            *sent = peer;
        }
    }
}

} // namespace ns3
