/*
 * UdpEchoCounts: every station sends a few UDP echoes to the server; how many came back to
 * each. How the topology tests check that every node reaches the server.
 */
#ifndef EDGE_LLM_UDP_ECHO_CHECK_H
#define EDGE_LLM_UDP_ECHO_CHECK_H

#include "ns3/node-container.h"
#include "ns3/simulator.h"
#include "ns3/udp-echo-helper.h"
#include "ns3/uinteger.h"

#include <vector>

namespace ns3
{
namespace test
{

/// Runs the simulator until `stop`: each station sends 3 echoes of 100 bytes, 0.2 s apart,
/// from `start` (after association); returns the echoes each station got back.
inline std::vector<uint32_t>
UdpEchoCounts(const NodeContainer& stations,
              const NodeContainer& server,
              Ipv4Address serverAddress,
              Time start = Seconds(1),
              Time stop = Seconds(3))
{
    const uint16_t port = 9;
    UdpEchoServerHelper echoServer(port);
    echoServer.Install(server).Start(Seconds(0));
    UdpEchoClientHelper client(serverAddress, port);
    client.SetAttribute("MaxPackets", UintegerValue(3));
    client.SetAttribute("Interval", TimeValue(Seconds(0.2)));
    client.SetAttribute("PacketSize", UintegerValue(100));
    ApplicationContainer clients = client.Install(stations);
    clients.Start(start);
    std::vector<uint32_t> echoes(stations.GetN(), 0);
    for (uint32_t i = 0; i < stations.GetN(); ++i)
    {
        clients.Get(i)->TraceConnectWithoutContext(
            "Rx",
            MakeBoundCallback(
                +[](uint32_t* count, Ptr<const Packet>) { ++*count; },
                &echoes[i]));
    }
    Simulator::Stop(stop);
    Simulator::Run();
    return echoes;
}

} // namespace test
} // namespace ns3

#endif // EDGE_LLM_UDP_ECHO_CHECK_H
