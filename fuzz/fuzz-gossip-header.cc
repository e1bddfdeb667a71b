/*
 * Fuzz target: GossipHeader read from a datagram as PeerSampler::HandleRead reads it
 * (PeekHeader, Validate, no trailing bytes). Properties: reading never goes past the datagram,
 * a count above MAX_ENTRIES never makes it allocate or read more, and a datagram accepted is
 * exactly what serialising its header gives back.
 */

#include "fuzz-check.h"

#include "ns3/gossip-header.h"
#include "ns3/packet.h"

#include <sstream>

using namespace ns3;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Ptr<Packet> packet = Create<Packet>(data, static_cast<uint32_t>(size));
    GossipHeader header;
    const uint32_t read = packet->PeekHeader(header);
    FuzzCheck(read <= size, "GossipHeader read past the datagram");
    FuzzCheck(header.m_entries.size() <= GossipHeader::MAX_ENTRIES,
              "GossipHeader kept more entries than MAX_ENTRIES");
    const std::string error = header.Validate();
    if (error.empty() && read == size)
    {
        FuzzCheck(read == header.GetSerializedSize(),
                  "an accepted datagram read other than its size");
        FuzzCheck(IsPrefixOf(SerializedBytes(header), data, size),
                  "an accepted datagram does not serialise back to its bytes");
    }
    std::ostringstream printed;
    header.Print(printed);
    return 0;
}
