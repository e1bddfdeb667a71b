/*
 * SocketSchedule: the TCP socket calls a run's applications made, each with where it was made.
 */
#ifndef EDGE_LLM_SOCKET_SCHEDULE_H
#define EDGE_LLM_SOCKET_SCHEDULE_H

#include "ns3/inet-socket-address.h"
#include "ns3/nstime.h"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace ns3
{

/**
 * One call an application made on a TCP socket. TCP answers a call made from inside one of
 * the socket's callbacks differently from the same call made at the same time in an event of
 * its own (data written from a send callback goes out with the ACK being processed; a close
 * from a receive callback sends its FIN before the ACK), so each call keeps its context: the
 * socket callback it was made from (the n-th call of that callback on that socket), or the
 * simulator event it was made in.
 */
struct SocketOp
{
    enum Kind : uint8_t
    {
        CREATE,         //!< `socket` created on `node`
        ACCEPT,         //!< `socket` handed to the application by its listener
        ANSWER_REQUEST, //!< the application's answer (result 1: accept) to a connection request
        BIND,           //!< Bind() to any address and an ephemeral port
        BIND_TO,        //!< Bind(address)
        CONNECT,        //!< Connect(address)
        LISTEN,
        SEND, //!< Send of `size` bytes; `result` what Send returned
        RECV, //!< Recv of at most `size` bytes; `result` bytes read, -1 none
        CLOSE,
        SHUTDOWN_SEND,
        SHUTDOWN_RECV,
    };

    /// The socket callback a call was made from.
    enum Callback : uint8_t
    {
        EVENT, //!< none: the call was made by a simulator event (timer, application start)
        CONNECTED,
        CONNECT_FAILED,
        CONNECTION_REQUEST,
        NEW_CONNECTION,
        DATA_SENT,
        SEND_SPACE,
        RECEIVED,
        NORMAL_CLOSE,
        ERROR_CLOSE,
        CALLBACK_KINDS, //!< how many there are
    };

    Time at;            //!< simulated time of the call
    uint64_t event{0};  //!< Simulator::GetEventCount() at the call
    uint32_t socket{0}; //!< sockets numbered in order of creation or acceptance
    Kind kind{CREATE};
    uint32_t node{0};          //!< CREATE: the node's id
    InetSocketAddress address; //!< BIND_TO, CONNECT
    uint32_t size{0};          //!< SEND: bytes written; RECV: most bytes asked for
    int64_t result{0};         //!< what the call returned
    Callback callback{EVENT};
    uint32_t callbackSocket{0}; //!< the socket whose callback made the call
    uint64_t callbackCount{0};  //!< the n-th (from 1) call of that callback on that socket

    SocketOp();
    static std::string KindName(Kind kind);
    static std::string CallbackName(Callback callback);
    /// One line, as SocketSchedule::Write writes it (for error messages).
    std::string Describe() const;
};

/**
 * \ingroup edge-llm
 * \brief The socket calls of a run, in the order they were made, with the time the run
 * ended: what SocketRecorder records and SocketReplay replays on plain sockets. Written to
 * and read from a text file of one call per line.
 */
class SocketSchedule
{
  public:
    void Add(const SocketOp& op);
    const std::vector<SocketOp>& GetOps() const;
    void SetEnd(Time end);
    Time GetEnd() const;

    uint64_t CountOps(SocketOp::Kind kind) const;
    uint64_t BytesSent() const; //!< the sum of what SEND calls returned

    void Write(std::ostream& out) const;
    /// Throws std::runtime_error naming the line for anything it cannot read.
    static SocketSchedule Read(std::istream& in);

  private:
    std::vector<SocketOp> m_ops;
    Time m_end;
};

} // namespace ns3

#endif // EDGE_LLM_SOCKET_SCHEDULE_H
