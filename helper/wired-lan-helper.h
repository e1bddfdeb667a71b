/*
 * WiredLanHelper: client nodes and one server on a switched-Ethernet-like CSMA LAN.
 */
#ifndef EDGE_LLM_WIRED_LAN_HELPER_H
#define EDGE_LLM_WIRED_LAN_HELPER_H

#include "ns3/csma-helper.h"
#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"

#include <string>

namespace ns3
{

/// The nodes, devices and server address of a built LAN.
struct WiredLan
{
    NodeContainer clients;
    NodeContainer server;
    NetDeviceContainer devices; //!< clients' devices, then the server's
    Ipv4Address serverAddress;
};

/**
 * \ingroup edge-llm
 * \brief N client nodes and a server on one CSMA channel (default 1 Gb/s, 5 us), addresses
 * in 10.3.0.0/16 so that up to 65,533 clients fit, routing by ns-3's global routing. Wiring
 * only: the LAN stands for a data-centre or campus Ethernet where the radio is not the
 * question.
 */
class WiredLanHelper
{
  public:
    WiredLanHelper();

    /// Link rate, e.g. "1Gbps"; throws std::invalid_argument when ns-3 cannot read it.
    void SetDataRate(const std::string& rate);
    /// One-way propagation delay in seconds (>= 0); throws std::invalid_argument otherwise.
    void SetDelay(double seconds);

    /// Throws std::invalid_argument for 0 clients or more than the address plan holds.
    /// The most clients one LAN holds (one /16 subnet less the server and the network and
    /// broadcast addresses).
    static constexpr uint32_t MAX_CLIENTS = 65533;

    WiredLan Install(uint32_t clients);
    void EnablePcap(const std::string& prefix, const WiredLan& lan);

  private:
    CsmaHelper m_csma;
};

} // namespace ns3

#endif // EDGE_LLM_WIRED_LAN_HELPER_H
