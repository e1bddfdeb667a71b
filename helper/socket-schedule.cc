#include "socket-schedule.h"

#include <array>
#include <istream>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace ns3
{

namespace
{

const std::array<const char*, 12> KIND_NAMES = {"create",
                                                "accept",
                                                "answer-request",
                                                "bind",
                                                "bind-to",
                                                "connect",
                                                "listen",
                                                "send",
                                                "recv",
                                                "close",
                                                "shutdown-send",
                                                "shutdown-recv"};

const std::array<const char*, SocketOp::CALLBACK_KINDS> CALLBACK_NAMES = {"event",
                                                                          "connected",
                                                                          "connect-failed",
                                                                          "connection-request",
                                                                          "new-connection",
                                                                          "data-sent",
                                                                          "send-space",
                                                                          "received",
                                                                          "normal-close",
                                                                          "error-close"};

const char* HEADER = "# edge-llm socket schedule v1: at_ns event socket kind node address size "
                     "result callback callback_socket callback_count";

template <size_t N>
int
IndexOf(const std::array<const char*, N>& names, const std::string& name)
{
    for (size_t i = 0; i < N; ++i)
    {
        if (name == names[i])
        {
            return static_cast<int>(i);
        }
    }
    return -1;
}

} // namespace

SocketOp::SocketOp()
    : address(Ipv4Address::GetAny(), 0)
{
}

std::string
SocketOp::KindName(Kind kind)
{
    return kind < KIND_NAMES.size() ? KIND_NAMES[kind] : "?";
}

std::string
SocketOp::CallbackName(Callback callback)
{
    return callback < CALLBACK_NAMES.size() ? CALLBACK_NAMES[callback] : "?";
}

std::string
SocketOp::Describe() const
{
    std::ostringstream os;
    os << at.GetTimeStep() << ' ' << event << ' ' << socket << ' ' << KindName(kind) << ' ' << node
       << ' ' << address.GetIpv4() << ':' << address.GetPort() << ' ' << size << ' ' << result
       << ' ' << CallbackName(callback) << ' ' << callbackSocket << ' ' << callbackCount;
    return os.str();
}

void
SocketSchedule::Add(const SocketOp& op)
{
    m_ops.push_back(op);
}

const std::vector<SocketOp>&
SocketSchedule::GetOps() const
{
    return m_ops;
}

void
SocketSchedule::SetEnd(Time end)
{
    m_end = end;
}

Time
SocketSchedule::GetEnd() const
{
    return m_end;
}

uint64_t
SocketSchedule::CountOps(SocketOp::Kind kind) const
{
    uint64_t n = 0;
    for (const SocketOp& op : m_ops)
    {
        n += op.kind == kind ? 1 : 0;
    }
    return n;
}

uint64_t
SocketSchedule::BytesSent() const
{
    uint64_t bytes = 0;
    for (const SocketOp& op : m_ops)
    {
        if (op.kind == SocketOp::SEND && op.result > 0)
        {
            bytes += op.result;
        }
    }
    return bytes;
}

void
SocketSchedule::Write(std::ostream& out) const
{
    out << HEADER << '\n' << "end_ns " << m_end.GetTimeStep() << '\n';
    for (const SocketOp& op : m_ops)
    {
        out << op.Describe() << '\n';
    }
}

SocketSchedule
SocketSchedule::Read(std::istream& in)
{
    SocketSchedule schedule;
    std::string line;
    uint64_t number = 0;
    bool haveEnd = false;
    auto fail = [&number, &line](const std::string& why) {
        throw std::runtime_error("socket schedule line " + std::to_string(number) + ": " + why +
                                 ": '" + line + "'");
    };
    while (std::getline(in, line))
    {
        ++number;
        if (line.empty() || line[0] == '#')
        {
            continue;
        }
        std::istringstream fields(line);
        if (!haveEnd)
        {
            std::string key;
            int64_t end = 0;
            if (!(fields >> key >> end) || key != "end_ns")
            {
                fail("expected 'end_ns NANOSECONDS'");
            }
            schedule.m_end = TimeStep(end);
            haveEnd = true;
            continue;
        }
        SocketOp op;
        int64_t at = 0;
        std::string kind;
        std::string address;
        std::string callback;
        if (!(fields >> at >> op.event >> op.socket >> kind >> op.node >> address >> op.size >>
              op.result >> callback >> op.callbackSocket >> op.callbackCount))
        {
            fail("expected 11 fields");
        }
        const int k = IndexOf(KIND_NAMES, kind);
        const int c = IndexOf(CALLBACK_NAMES, callback);
        const auto colon = address.rfind(':');
        if (k < 0 || c < 0 || colon == std::string::npos)
        {
            fail("unknown call '" + kind + "' or callback '" + callback +
                 "', or an address "
                 "without a port");
        }
        const std::string port = address.substr(colon + 1);
        if (port.empty() || port.size() > 5 ||
            port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) > 65535)
        {
            fail("port '" + port + "' is not 0 to 65535");
        }
        op.at = TimeStep(at);
        op.kind = static_cast<SocketOp::Kind>(k);
        op.callback = static_cast<SocketOp::Callback>(c);
        op.address = InetSocketAddress(Ipv4Address(address.substr(0, colon).c_str()),
                                       static_cast<uint16_t>(std::stoul(port)));
        schedule.m_ops.push_back(op);
    }
    if (!haveEnd)
    {
        throw std::runtime_error("socket schedule: no 'end_ns' line");
    }
    return schedule;
}

} // namespace ns3
