#include "socket-replay.h"

#include "ns3/node-list.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"

#include <map>

namespace ns3
{

SocketReplay::SocketReplay(const SocketSchedule& schedule)
    : m_ops(schedule.GetOps()),
      m_end(schedule.GetEnd())
{
    uint32_t sockets = 0;
    for (const SocketOp& op : m_ops)
    {
        sockets = std::max(sockets, op.socket + 1);
    }
    m_due.resize(sockets);
    std::map<uint64_t, size_t> groups; // event -> index into m_events
    for (uint32_t i = 0; i < m_ops.size(); ++i)
    {
        const SocketOp& op = m_ops[i];
        if (op.callback == SocketOp::EVENT)
        {
            auto [it, added] = groups.emplace(op.event, m_events.size());
            if (added)
            {
                m_events.emplace_back();
            }
            m_events[it->second].push_back(i);
            continue;
        }
        if (op.callbackSocket >= sockets)
        {
            m_due.resize(op.callbackSocket + 1);
            sockets = op.callbackSocket + 1;
        }
        // A callback's calls are recorded in order; calls of callbacks nested in them come
        // between, so the n-th call's list is still the last one of its kind here.
        std::vector<Due>& due = m_due[op.callbackSocket][op.callback];
        if (due.empty() || due.back().count != op.callbackCount)
        {
            due.push_back({op.callbackCount, {}});
        }
        due.back().ops.push_back(i);
    }
}

SocketReplay::~SocketReplay()
{
    // The sockets outlive this object until the simulator is destroyed.
    for (const Plain& plain : m_sockets)
    {
        plain.socket->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                                         MakeNullCallback<void, Ptr<Socket>>());
        plain.socket->SetDataSentCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
        plain.socket->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
        plain.socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        plain.socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                        MakeNullCallback<void, Ptr<Socket>>());
        plain.socket->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                        MakeNullCallback<void, Ptr<Socket>, const Address&>());
    }
}

void
SocketReplay::Start()
{
    for (size_t g = 0; g < m_events.size(); ++g)
    {
        const Time at = m_ops[m_events[g].front()].at;
        Simulator::Schedule(at - Simulator::Now(), &SocketReplay::RunEvent, this, g);
    }
}

void
SocketReplay::RunEvent(size_t group)
{
    RunAll(&m_events[group]);
}

void
SocketReplay::RunAll(const std::vector<uint32_t>* ops)
{
    if (!ops)
    {
        return;
    }
    for (const uint32_t i : *ops)
    {
        Make(i);
    }
}

const std::vector<uint32_t>*
SocketReplay::Arrive(uint32_t index, SocketOp::Callback callback)
{
    Plain& plain = m_sockets[index];
    const uint64_t count = ++plain.counts[callback];
    if (index >= m_due.size())
    {
        return nullptr;
    }
    const std::vector<Due>& due = m_due[index][callback];
    size_t& next = plain.next[callback];
    if (next < due.size() && due[next].count == count)
    {
        return &due[next++].ops;
    }
    return nullptr;
}

void
SocketReplay::Adopt(Ptr<Socket> socket, uint32_t index)
{
    m_sockets.push_back(Plain{socket});
    // The callbacks a RecordingTcpSocket sets, at the same point of the socket's life.
    socket->SetConnectCallback(Callback<void, Ptr<Socket>>([this, index](Ptr<Socket>) {
                                   RunAll(Arrive(index, SocketOp::CONNECTED));
                               }),
                               Callback<void, Ptr<Socket>>([this, index](Ptr<Socket>) {
                                   RunAll(Arrive(index, SocketOp::CONNECT_FAILED));
                               }));
    socket->SetDataSentCallback(Callback<void, Ptr<Socket>, uint32_t>(
        [this, index](Ptr<Socket>, uint32_t) { RunAll(Arrive(index, SocketOp::DATA_SENT)); }));
    socket->SetSendCallback(Callback<void, Ptr<Socket>, uint32_t>(
        [this, index](Ptr<Socket>, uint32_t) { RunAll(Arrive(index, SocketOp::SEND_SPACE)); }));
    socket->SetRecvCallback(Callback<void, Ptr<Socket>>(
        [this, index](Ptr<Socket>) { RunAll(Arrive(index, SocketOp::RECEIVED)); }));
    socket->SetCloseCallbacks(Callback<void, Ptr<Socket>>([this, index](Ptr<Socket>) {
                                  RunAll(Arrive(index, SocketOp::NORMAL_CLOSE));
                              }),
                              Callback<void, Ptr<Socket>>([this, index](Ptr<Socket>) {
                                  RunAll(Arrive(index, SocketOp::ERROR_CLOSE));
                              }));
}

void
SocketReplay::Listen(uint32_t index)
{
    m_sockets[index].socket->SetAcceptCallback(
        Callback<bool, Ptr<Socket>, const Address&>([this, index](Ptr<Socket>, const Address&) {
            bool accept = true; // as a socket without a request callback answers
            const std::vector<uint32_t>* ops = Arrive(index, SocketOp::CONNECTION_REQUEST);
            if (ops)
            {
                for (const uint32_t i : *ops)
                {
                    if (m_ops[i].kind == SocketOp::ANSWER_REQUEST)
                    {
                        accept = m_ops[i].result != 0;
                        ++m_made;
                        continue;
                    }
                    Make(i);
                }
            }
            return accept;
        }),
        Callback<void, Ptr<Socket>, const Address&>(
            [this, index](Ptr<Socket> forked, const Address&) {
                m_accepted = forked;
                RunAll(Arrive(index, SocketOp::NEW_CONNECTION));
                if (m_accepted)
                {
                    Fail("socket " + std::to_string(index) +
                         " accepted a connection the recording has not, at " +
                         std::to_string(Simulator::Now().GetTimeStep()) + " ns");
                    m_accepted = nullptr;
                }
            }));
}

void
SocketReplay::Make(uint32_t i)
{
    const SocketOp& op = m_ops[i];
    ++m_made;
    if (Simulator::Now() != op.at)
    {
        Fail(op, "made at " + std::to_string(Simulator::Now().GetTimeStep()) + " ns");
    }
    if (op.kind == SocketOp::CREATE || op.kind == SocketOp::ACCEPT)
    {
        if (op.socket != m_sockets.size())
        {
            Fail(op, "this is socket " + std::to_string(m_sockets.size()));
            return;
        }
        if (op.kind == SocketOp::CREATE)
        {
            Adopt(Socket::CreateSocket(NodeList::GetNode(op.node), TcpSocketFactory::GetTypeId()),
                  op.socket);
        }
        else if (m_accepted)
        {
            Adopt(m_accepted, op.socket);
            m_accepted = nullptr;
        }
        else
        {
            Fail(op, "no connection was accepted here");
        }
        return;
    }
    if (op.socket >= m_sockets.size())
    {
        Fail(op, "no such socket yet");
        return;
    }
    const Ptr<Socket> socket = m_sockets[op.socket].socket; // a callback may add sockets
    int64_t result = 0;
    switch (op.kind)
    {
    case SocketOp::BIND:
        result = socket->Bind();
        break;
    case SocketOp::BIND_TO:
        result = socket->Bind(op.address);
        break;
    case SocketOp::CONNECT:
        result = socket->Connect(op.address);
        break;
    case SocketOp::LISTEN:
        Listen(op.socket);
        result = socket->Listen();
        break;
    case SocketOp::SEND:
        result = socket->Send(Create<Packet>(op.size));
        break;
    case SocketOp::RECV: {
        Ptr<Packet> packet = socket->Recv(op.size, 0);
        result = packet ? static_cast<int64_t>(packet->GetSize()) : -1;
        break;
    }
    case SocketOp::CLOSE:
        result = socket->Close();
        break;
    case SocketOp::SHUTDOWN_SEND:
        result = socket->ShutdownSend();
        break;
    case SocketOp::SHUTDOWN_RECV:
        result = socket->ShutdownRecv();
        break;
    default:
        Fail(op, "not a call made on a socket");
        return;
    }
    if (result != op.result)
    {
        Fail(op, "returned " + std::to_string(result));
    }
}

void
SocketReplay::Fail(const SocketOp& op, const std::string& what)
{
    Fail("replayed call '" + op.Describe() + "' " + what);
}

void
SocketReplay::Fail(const std::string& error)
{
    if (m_error.empty())
    {
        m_error = error;
    }
}

std::string
SocketReplay::GetError() const
{
    if (!m_error.empty())
    {
        return m_error;
    }
    for (uint32_t s = 0; s < m_due.size(); ++s)
    {
        for (int k = 0; k < SocketOp::CALLBACK_KINDS; ++k)
        {
            const size_t next = s < m_sockets.size() ? m_sockets[s].next[k] : 0;
            if (next < m_due[s][k].size())
            {
                const SocketOp& op = m_ops[m_due[s][k][next].ops.front()];
                return "recorded call '" + op.Describe() + "' never made: the replayed socket " +
                       std::to_string(s) + " had " +
                       std::to_string(s < m_sockets.size() ? m_sockets[s].counts[k] : 0) +
                       " calls of that callback";
            }
        }
    }
    if (m_made != m_ops.size())
    {
        return std::to_string(m_made) + " of " + std::to_string(m_ops.size()) +
               " recorded calls made";
    }
    return "";
}

uint64_t
SocketReplay::GetOpsMade() const
{
    return m_made;
}

} // namespace ns3
