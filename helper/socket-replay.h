/*
 * SocketReplay: makes a recorded schedule's socket calls on plain ns-3 TCP sockets.
 */
#ifndef EDGE_LLM_SOCKET_REPLAY_H
#define EDGE_LLM_SOCKET_REPLAY_H

#include "socket-schedule.h"

#include "ns3/ptr.h"
#include "ns3/simple-ref-count.h"
#include "ns3/socket.h"

#include <array>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Replays a SocketSchedule on plain TCP sockets of the nodes with the recorded ids: a
 * bare ns-3 program that writes, reads and closes what the recorded applications did, with
 * zero-filled packets of the recorded sizes. Calls made from an event are made from one
 * event at the recorded time; calls made from a socket callback are made from the same
 * callback (its n-th call on that socket) of the replayed socket.
 *
 * Every call's outcome is compared with the recorded one (the socket numbers, what Send and
 * Recv returned, each bind, connect and close); GetError() names the first that differs, or
 * a recorded call never made.
 */
class SocketReplay : public SimpleRefCount<SocketReplay>
{
  public:
    explicit SocketReplay(const SocketSchedule& schedule);
    /// Detaches from the sockets it made: none of their callbacks reaches it afterwards.
    ~SocketReplay();

    /// Schedules the calls made from events (call before Simulator::Run).
    void Start();
    /// Empty if every recorded call was made with the recorded outcome.
    std::string GetError() const;
    uint64_t GetOpsMade() const;

  private:
    /// The calls due in the n-th call of one callback of a socket.
    struct Due
    {
        uint64_t count;
        std::vector<uint32_t> ops;
    };

    struct Plain
    {
        Ptr<Socket> socket;
        std::array<uint64_t, SocketOp::CALLBACK_KINDS> counts{};
        std::array<size_t, SocketOp::CALLBACK_KINDS> next{}; //!< into due[callback]
    };

    void RunEvent(size_t group);
    void Make(uint32_t index);
    /// The calls due in this call of `callback` on socket `index`.
    const std::vector<uint32_t>* Arrive(uint32_t index, SocketOp::Callback callback);
    void RunAll(const std::vector<uint32_t>* ops);
    void Adopt(Ptr<Socket> socket, uint32_t index);
    void Listen(uint32_t index);
    void Fail(const SocketOp& op, const std::string& what);
    void Fail(const std::string& error); //!< keeps the first error

    std::vector<SocketOp> m_ops;
    Time m_end;
    std::vector<std::vector<uint32_t>> m_events; //!< calls made from events, one per event
    /// Per recorded socket and callback kind, the calls due in its calls, in order.
    std::vector<std::array<std::vector<Due>, SocketOp::CALLBACK_KINDS>> m_due;
    std::vector<Plain> m_sockets;
    Ptr<Socket> m_accepted; //!< handed over by the new-connection callback being run
    uint64_t m_made{0};
    std::string m_error;
};

} // namespace ns3

#endif // EDGE_LLM_SOCKET_REPLAY_H
