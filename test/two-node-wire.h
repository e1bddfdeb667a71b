/*
 * Two nodes on a 100 Mb/s, 1 ms point-to-point wire with IPv4: the smallest real network the
 * application suites run over.
 */
#ifndef EDGE_LLM_TWO_NODE_WIRE_H
#define EDGE_LLM_TWO_NODE_WIRE_H

#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/node-container.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/string.h"

namespace ns3
{
namespace test
{

/// Node `near` (address nearAddress) and node `far` (farAddress) on one wire.
struct TwoNodeWire
{
    Ptr<Node> near;
    Ptr<Node> far;
    Ipv4Address nearAddress;
    Ipv4Address farAddress;
};

inline TwoNodeWire
BuildTwoNodeWire()
{
    TwoNodeWire net;
    NodeContainer nodes(2);
    net.near = nodes.Get(0);
    net.far = nodes.Get(1);
    PointToPointHelper wire;
    wire.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    wire.SetChannelAttribute("Delay", StringValue("1ms"));
    NetDeviceContainer devices = wire.Install(nodes);
    InternetStackHelper internet;
    internet.Install(nodes);
    Ipv4AddressHelper addresses;
    addresses.SetBase("10.1.1.0", "255.255.255.0");
    Ipv4InterfaceContainer interfaces = addresses.Assign(devices);
    net.nearAddress = interfaces.GetAddress(0);
    net.farAddress = interfaces.GetAddress(1);
    return net;
}

} // namespace test
} // namespace ns3

#endif // EDGE_LLM_TWO_NODE_WIRE_H
