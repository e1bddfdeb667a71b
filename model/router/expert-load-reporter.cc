#include "expert-load-reporter.h"

#include "llm-engine.h"
#include "load-report-header.h"

#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ExpertLoadReporter");
NS_OBJECT_ENSURE_REGISTERED(ExpertLoadReporter);

TypeId
ExpertLoadReporter::GetTypeId()
{
    static TypeId tid = TypeId("ns3::ExpertLoadReporter")
                            .SetParent<Application>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<ExpertLoadReporter>()
                            .AddAttribute("RemoteAddress",
                                          "The gateway's IP address as this expert reaches it",
                                          AddressValue(),
                                          MakeAddressAccessor(&ExpertLoadReporter::m_remote),
                                          MakeAddressChecker())
                            .AddAttribute("RemotePort",
                                          "The gateway's UDP port for load reports",
                                          UintegerValue(8001),
                                          MakeUintegerAccessor(&ExpertLoadReporter::m_port),
                                          MakeUintegerChecker<uint16_t>(1))
                            .AddAttribute("Interval",
                                          "Time between two reports",
                                          TimeValue(Seconds(1)),
                                          MakeTimeAccessor(&ExpertLoadReporter::m_interval),
                                          MakeTimeChecker(MilliSeconds(1)));
    return tid;
}

ExpertLoadReporter::ExpertLoadReporter() = default;

ExpertLoadReporter::~ExpertLoadReporter() = default;

uint64_t
ExpertLoadReporter::GetSent() const
{
    return m_sent;
}

void
ExpertLoadReporter::StartApplication()
{
    NS_ABORT_MSG_IF(!Ipv4Address::IsMatchingType(m_remote),
                    "ExpertLoadReporter needs an IPv4 RemoteAddress");
    m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
    m_socket->Bind();
    m_socket->Connect(InetSocketAddress(Ipv4Address::ConvertFrom(m_remote), m_port));
    Report();
}

void
ExpertLoadReporter::StopApplication()
{
    Simulator::Cancel(m_next);
    if (m_socket)
    {
        m_socket->Close();
        m_socket = nullptr;
    }
}

void
ExpertLoadReporter::Report()
{
    LoadReportHeader report;
    report.m_node = GetNode()->GetId();
    Ptr<LlmEngine> engine = GetNode()->GetObject<LlmEngine>();
    if (engine)
    {
        report.m_waiting = engine->GetQueueLength();
        report.m_running = engine->GetRunning();
    }
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(report);
    if (m_socket->Send(packet) >= 0)
    {
        ++m_sent;
    }
    m_next = Simulator::Schedule(m_interval, &ExpertLoadReporter::Report, this);
}

} // namespace ns3
