/*
 * SocketRecorder: records the TCP socket calls of a run's applications.
 */
#ifndef EDGE_LLM_SOCKET_RECORDER_H
#define EDGE_LLM_SOCKET_RECORDER_H

#include "socket-schedule.h"

#include "ns3/node-container.h"
#include "ns3/ptr.h"
#include "ns3/simple-ref-count.h"
#include "ns3/socket.h"

#include <vector>

namespace ns3
{

class RecordingTcpSocket;

/**
 * \ingroup edge-llm
 * \brief Records every call the applications of some nodes make on TCP sockets (creation,
 * bind, connect, listen, accept, send, receive, close), with the socket callback each was
 * made from, as a SocketSchedule that SocketReplay replays on plain sockets.
 *
 * Install() aggregates to each node a TCP socket factory (ns3::RecordingTcpSocketFactory)
 * whose sockets (ns3::RecordingTcpSocket) pass every call and callback straight through to
 * a socket of the node's own TCP: the run's packets are those it has without the recorder.
 * Applications see the recording socket as a Socket (not a TcpSocket: they cannot set TCP
 * attributes on it).
 */
class SocketRecorder : public SimpleRefCount<SocketRecorder>
{
  public:
    SocketRecorder();
    /// Detaches from the sockets it made: none of their callbacks reaches it afterwards.
    ~SocketRecorder();

    /**
     * From now on, TCP sockets that applications create on `nodes` record their calls. Call
     * after the internet stack is installed. Throws std::runtime_error when ns-3 would still
     * hand out its own factory (Socket::CreateSocket takes the first TcpSocketFactory that
     * Object::GetObject finds).
     */
    void Install(const NodeContainer& nodes);

    /// The calls so far (set the end time when the run is over).
    SocketSchedule& GetSchedule();

    /// A recording socket around `inner`, numbered in order; for the factory and listeners.
    Ptr<RecordingTcpSocket> Wrap(Ptr<Socket> inner);
    /// Adds `op` with the time, the event and the callback it is made from.
    void Record(SocketOp op);
    /// Calls from now until Leave() are made from this socket callback.
    void Enter(SocketOp::Callback callback, uint32_t socket, uint64_t count);
    void Leave();

  private:
    struct Context
    {
        SocketOp::Callback callback;
        uint32_t socket;
        uint64_t count;
    };

    SocketSchedule m_schedule;
    std::vector<Ptr<RecordingTcpSocket>> m_sockets; //!< kept: TCP calls them until it ends
    std::vector<Context> m_contexts;                //!< callbacks being run, innermost last
};

} // namespace ns3

#endif // EDGE_LLM_SOCKET_RECORDER_H
