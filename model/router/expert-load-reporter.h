/*
 * ExpertLoadReporter: an expert telling the expert router how loaded it is.
 */
#ifndef EDGE_LLM_EXPERT_LOAD_REPORTER_H
#define EDGE_LLM_EXPERT_LOAD_REPORTER_H

#include "ns3/address.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/socket.h"

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief An application on an expert's node: every Interval it sends one UDP datagram (a
 * LoadReportHeader: the jobs waiting and running on its node's LlmEngine) to the gateway at
 * RemoteAddress:RemotePort. Reports travel the network like any packet: they arrive late, or
 * not at all when the link loses them.
 */
class ExpertLoadReporter : public Application
{
  public:
    static TypeId GetTypeId();
    ExpertLoadReporter();
    ~ExpertLoadReporter() override;

    uint64_t GetSent() const; //!< reports sent

  private:
    void StartApplication() override;
    void StopApplication() override;
    void Report();

    Address m_remote;
    uint16_t m_port;
    Time m_interval;
    Ptr<Socket> m_socket;
    EventId m_next;
    uint64_t m_sent{0};
};

} // namespace ns3

#endif // EDGE_LLM_EXPERT_LOAD_REPORTER_H
