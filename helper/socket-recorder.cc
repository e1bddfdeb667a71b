#include "socket-recorder.h"

#include "ns3/abort.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-socket-factory.h"

#include <array>
#include <stdexcept>
#include <type_traits>

namespace ns3
{

/**
 * A socket of the node's TCP seen through a recorder: every call and callback passes
 * straight through; calls are recorded, and callbacks counted and marked as the context of
 * the calls the application makes from them.
 */
class RecordingTcpSocket : public Socket
{
  public:
    static TypeId GetTypeId();

    void Attach(Ptr<Socket> inner, SocketRecorder* recorder, uint32_t index);
    uint32_t GetIndex() const;
    /// Drops the inner socket's callbacks into this one (the recorder is going away).
    void Detach();

    enum SocketErrno GetErrno() const override;
    enum SocketType GetSocketType() const override;
    Ptr<Node> GetNode() const override;
    int Bind(const Address& address) override;
    int Bind() override;
    int Bind6() override;
    int Close() override;
    int ShutdownSend() override;
    int ShutdownRecv() override;
    int Connect(const Address& address) override;
    int Listen() override;
    uint32_t GetTxAvailable() const override;
    int Send(Ptr<Packet> p, uint32_t flags) override;
    int SendTo(Ptr<Packet> p, uint32_t flags, const Address& toAddress) override;
    uint32_t GetRxAvailable() const override;
    Ptr<Packet> Recv(uint32_t maxSize, uint32_t flags) override;
    Ptr<Packet> RecvFrom(uint32_t maxSize, uint32_t flags, Address& fromAddress) override;
    int GetSockName(Address& address) const override;
    int GetPeerName(Address& address) const override;
    bool SetAllowBroadcast(bool allowBroadcast) override;
    bool GetAllowBroadcast() const override;
    void BindToNetDevice(Ptr<NetDevice> netdevice) override;

  private:
    void Record(SocketOp::Kind kind, int64_t result, uint32_t size = 0);
    /// Runs `notify` as the next call of `callback` on this socket.
    template <typename F>
    auto InCallback(SocketOp::Callback callback, F notify) -> decltype(notify());

    Ptr<Socket> m_inner;
    SocketRecorder* m_recorder{nullptr};
    uint32_t m_index{0};
    std::array<uint64_t, SocketOp::CALLBACK_KINDS> m_counts{};
};

/// Hands out recording sockets around the node's own TCP sockets.
class RecordingTcpSocketFactory : public TcpSocketFactory
{
  public:
    static TypeId GetTypeId();
    void SetUp(Ptr<Node> node, SocketRecorder* recorder);
    Ptr<Socket> CreateSocket() override;

  protected:
    void DoDispose() override;

  private:
    Ptr<Node> m_node;
    SocketRecorder* m_recorder{nullptr};
};

NS_OBJECT_ENSURE_REGISTERED(RecordingTcpSocket);
NS_OBJECT_ENSURE_REGISTERED(RecordingTcpSocketFactory);

TypeId
RecordingTcpSocket::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RecordingTcpSocket")
                            .SetParent<Socket>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<RecordingTcpSocket>();
    return tid;
}

void
RecordingTcpSocket::Attach(Ptr<Socket> inner, SocketRecorder* recorder, uint32_t index)
{
    m_inner = inner;
    m_recorder = recorder;
    m_index = index;
    // Every callback, set now as SocketReplay sets them on its plain sockets, so that both
    // count the same calls.
    m_inner->SetConnectCallback(
        Callback<void, Ptr<Socket>>([this](Ptr<Socket>) {
            InCallback(SocketOp::CONNECTED, [this]() { NotifyConnectionSucceeded(); });
        }),
        Callback<void, Ptr<Socket>>([this](Ptr<Socket>) {
            InCallback(SocketOp::CONNECT_FAILED, [this]() { NotifyConnectionFailed(); });
        }));
    m_inner->SetDataSentCallback(
        Callback<void, Ptr<Socket>, uint32_t>([this](Ptr<Socket>, uint32_t size) {
            InCallback(SocketOp::DATA_SENT, [this, size]() { NotifyDataSent(size); });
        }));
    m_inner->SetSendCallback(
        Callback<void, Ptr<Socket>, uint32_t>([this](Ptr<Socket>, uint32_t space) {
            InCallback(SocketOp::SEND_SPACE, [this, space]() { NotifySend(space); });
        }));
    m_inner->SetRecvCallback(Callback<void, Ptr<Socket>>(
        [this](Ptr<Socket>) { InCallback(SocketOp::RECEIVED, [this]() { NotifyDataRecv(); }); }));
    m_inner->SetCloseCallbacks(
        Callback<void, Ptr<Socket>>([this](Ptr<Socket>) {
            InCallback(SocketOp::NORMAL_CLOSE, [this]() { NotifyNormalClose(); });
        }),
        Callback<void, Ptr<Socket>>([this](Ptr<Socket>) {
            InCallback(SocketOp::ERROR_CLOSE, [this]() { NotifyErrorClose(); });
        }));
}

uint32_t
RecordingTcpSocket::GetIndex() const
{
    return m_index;
}

void
RecordingTcpSocket::Detach()
{
    if (!m_inner)
    {
        return;
    }
    m_inner->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                                MakeNullCallback<void, Ptr<Socket>>());
    m_inner->SetDataSentCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
    m_inner->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
    m_inner->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    m_inner->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                               MakeNullCallback<void, Ptr<Socket>>());
    m_inner->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                               MakeNullCallback<void, Ptr<Socket>, const Address&>());
    m_inner = nullptr;
    m_recorder = nullptr;
}

template <typename F>
auto
RecordingTcpSocket::InCallback(SocketOp::Callback callback, F notify) -> decltype(notify())
{
    Ptr<RecordingTcpSocket> keepAlive(this);
    m_recorder->Enter(callback, m_index, ++m_counts[callback]);
    if constexpr (std::is_void_v<decltype(notify())>)
    {
        notify();
        m_recorder->Leave();
    }
    else
    {
        auto result = notify();
        m_recorder->Leave();
        return result;
    }
}

void
RecordingTcpSocket::Record(SocketOp::Kind kind, int64_t result, uint32_t size)
{
    SocketOp op;
    op.socket = m_index;
    op.kind = kind;
    op.result = result;
    op.size = size;
    m_recorder->Record(op);
}

enum Socket::SocketErrno
RecordingTcpSocket::GetErrno() const
{
    return m_inner->GetErrno();
}

enum Socket::SocketType
RecordingTcpSocket::GetSocketType() const
{
    return m_inner->GetSocketType();
}

Ptr<Node>
RecordingTcpSocket::GetNode() const
{
    return m_inner->GetNode();
}

int
RecordingTcpSocket::Bind(const Address& address)
{
    const int result = m_inner->Bind(address);
    SocketOp op;
    op.socket = m_index;
    op.kind = SocketOp::BIND_TO;
    op.result = result;
    NS_ABORT_MSG_UNLESS(InetSocketAddress::IsMatchingType(address),
                        "SocketRecorder records IPv4 sockets only");
    op.address = InetSocketAddress::ConvertFrom(address);
    m_recorder->Record(op);
    return result;
}

int
RecordingTcpSocket::Bind()
{
    const int result = m_inner->Bind();
    Record(SocketOp::BIND, result);
    return result;
}

int
RecordingTcpSocket::Bind6()
{
    NS_ABORT_MSG("SocketRecorder records IPv4 sockets only");
    return -1;
}

int
RecordingTcpSocket::Close()
{
    const int result = m_inner->Close();
    Record(SocketOp::CLOSE, result);
    return result;
}

int
RecordingTcpSocket::ShutdownSend()
{
    const int result = m_inner->ShutdownSend();
    Record(SocketOp::SHUTDOWN_SEND, result);
    return result;
}

int
RecordingTcpSocket::ShutdownRecv()
{
    const int result = m_inner->ShutdownRecv();
    Record(SocketOp::SHUTDOWN_RECV, result);
    return result;
}

int
RecordingTcpSocket::Connect(const Address& address)
{
    const int result = m_inner->Connect(address);
    SocketOp op;
    op.socket = m_index;
    op.kind = SocketOp::CONNECT;
    op.result = result;
    NS_ABORT_MSG_UNLESS(InetSocketAddress::IsMatchingType(address),
                        "SocketRecorder records IPv4 sockets only");
    op.address = InetSocketAddress::ConvertFrom(address);
    m_recorder->Record(op);
    return result;
}

int
RecordingTcpSocket::Listen()
{
    // Accept callbacks only on listeners: a socket TCP forks for a connection starts with
    // its listener's, which it calls to hand itself over.
    m_inner->SetAcceptCallback(
        Callback<bool, Ptr<Socket>, const Address&>([this](Ptr<Socket>, const Address& from) {
            return InCallback(SocketOp::CONNECTION_REQUEST, [this, &from]() {
                const bool accept = NotifyConnectionRequest(from);
                Record(SocketOp::ANSWER_REQUEST, accept ? 1 : 0);
                return accept;
            });
        }),
        Callback<void, Ptr<Socket>, const Address&>(
            [this](Ptr<Socket> forked, const Address& from) {
                InCallback(SocketOp::NEW_CONNECTION, [this, forked, &from]() {
                    Ptr<RecordingTcpSocket> accepted = m_recorder->Wrap(forked);
                    SocketOp op;
                    op.socket = accepted->GetIndex();
                    op.kind = SocketOp::ACCEPT;
                    m_recorder->Record(op);
                    NotifyNewConnectionCreated(accepted, from);
                });
            }));
    const int result = m_inner->Listen();
    Record(SocketOp::LISTEN, result);
    return result;
}

uint32_t
RecordingTcpSocket::GetTxAvailable() const
{
    return m_inner->GetTxAvailable();
}

int
RecordingTcpSocket::Send(Ptr<Packet> p, uint32_t flags)
{
    const uint32_t size = p->GetSize();
    const int result = m_inner->Send(p, flags);
    Record(SocketOp::SEND, result, size);
    return result;
}

int
RecordingTcpSocket::SendTo(Ptr<Packet> p, uint32_t flags, const Address& /* TCP: connected */)
{
    return Send(p, flags);
}

uint32_t
RecordingTcpSocket::GetRxAvailable() const
{
    return m_inner->GetRxAvailable();
}

Ptr<Packet>
RecordingTcpSocket::Recv(uint32_t maxSize, uint32_t flags)
{
    Ptr<Packet> packet = m_inner->Recv(maxSize, flags);
    Record(SocketOp::RECV, packet ? static_cast<int64_t>(packet->GetSize()) : -1, maxSize);
    return packet;
}

Ptr<Packet>
RecordingTcpSocket::RecvFrom(uint32_t maxSize, uint32_t flags, Address& fromAddress)
{
    Ptr<Packet> packet = m_inner->RecvFrom(maxSize, flags, fromAddress);
    Record(SocketOp::RECV, packet ? static_cast<int64_t>(packet->GetSize()) : -1, maxSize);
    return packet;
}

int
RecordingTcpSocket::GetSockName(Address& address) const
{
    return m_inner->GetSockName(address);
}

int
RecordingTcpSocket::GetPeerName(Address& address) const
{
    return m_inner->GetPeerName(address);
}

bool
RecordingTcpSocket::SetAllowBroadcast(bool allowBroadcast)
{
    return m_inner->SetAllowBroadcast(allowBroadcast);
}

bool
RecordingTcpSocket::GetAllowBroadcast() const
{
    return m_inner->GetAllowBroadcast();
}

void
RecordingTcpSocket::BindToNetDevice(Ptr<NetDevice> /* netdevice */)
{
    NS_ABORT_MSG("SocketRecorder does not record BindToNetDevice");
}

TypeId
RecordingTcpSocketFactory::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RecordingTcpSocketFactory")
                            .SetParent<TcpSocketFactory>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<RecordingTcpSocketFactory>();
    return tid;
}

void
RecordingTcpSocketFactory::SetUp(Ptr<Node> node, SocketRecorder* recorder)
{
    m_node = node;
    m_recorder = recorder;
}

Ptr<Socket>
RecordingTcpSocketFactory::CreateSocket()
{
    Ptr<TcpL4Protocol> tcp = m_node->GetObject<TcpL4Protocol>();
    NS_ABORT_MSG_UNLESS(tcp && m_recorder, "RecordingTcpSocketFactory without TCP or recorder");
    Ptr<RecordingTcpSocket> socket = m_recorder->Wrap(tcp->CreateSocket());
    SocketOp op;
    op.socket = socket->GetIndex();
    op.kind = SocketOp::CREATE;
    op.node = m_node->GetId();
    m_recorder->Record(op);
    return socket;
}

void
RecordingTcpSocketFactory::DoDispose()
{
    m_node = nullptr;
    m_recorder = nullptr;
    TcpSocketFactory::DoDispose();
}

SocketRecorder::SocketRecorder() = default;

SocketRecorder::~SocketRecorder()
{
    for (const Ptr<RecordingTcpSocket>& socket : m_sockets)
    {
        socket->Detach();
    }
}

void
SocketRecorder::Install(const NodeContainer& nodes)
{
    const TypeId tcpFactory = TcpSocketFactory::GetTypeId();
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        Ptr<Node> node = *it;
        if (!node->GetObject<TcpL4Protocol>())
        {
            throw std::runtime_error("SocketRecorder: node " + std::to_string(node->GetId()) +
                                     " has no TCP (install the internet stack first)");
        }
        Ptr<RecordingTcpSocketFactory> factory = CreateObject<RecordingTcpSocketFactory>();
        factory->SetUp(node, this);
        node->AggregateObject(factory);
        // GetObject returns the first match in the node's aggregates, which ns-3 keeps sorted
        // by how often each was looked up: look this factory up until it comes before TCP's.
        for (int i = 0; i < 1000000; ++i)
        {
            Ptr<Object> first;
            for (Object::AggregateIterator a = node->GetAggregateIterator(); a.HasNext();)
            {
                Ptr<const Object> object = a.Next();
                const TypeId tid = object->GetInstanceTypeId(); // TCP's own is TcpSocketFactory
                if (tid == tcpFactory || tid.IsChildOf(tcpFactory))
                {
                    first = ConstCast<Object>(object);
                    break;
                }
            }
            if (first == factory)
            {
                break;
            }
            node->GetObject<RecordingTcpSocketFactory>();
        }
        if (node->GetObject<SocketFactory>(tcpFactory) != factory)
        {
            throw std::runtime_error("SocketRecorder: node " + std::to_string(node->GetId()) +
                                     " still hands out its own TCP socket factory");
        }
    }
}

SocketSchedule&
SocketRecorder::GetSchedule()
{
    return m_schedule;
}

Ptr<RecordingTcpSocket>
SocketRecorder::Wrap(Ptr<Socket> inner)
{
    Ptr<RecordingTcpSocket> socket = CreateObject<RecordingTcpSocket>();
    socket->Attach(inner, this, static_cast<uint32_t>(m_sockets.size()));
    m_sockets.push_back(socket);
    return socket;
}

void
SocketRecorder::Record(SocketOp op)
{
    op.at = Simulator::Now();
    op.event = Simulator::GetEventCount();
    if (!m_contexts.empty())
    {
        op.callback = m_contexts.back().callback;
        op.callbackSocket = m_contexts.back().socket;
        op.callbackCount = m_contexts.back().count;
    }
    m_schedule.Add(op);
}

void
SocketRecorder::Enter(SocketOp::Callback callback, uint32_t socket, uint64_t count)
{
    m_contexts.push_back({callback, socket, count});
}

void
SocketRecorder::Leave()
{
    m_contexts.pop_back();
}

} // namespace ns3
