/*
 * Fuzz target: LlmHeader read from bytes off the network. Properties: reading never goes past
 * the bytes given (Debian's ns-3 does not assert on it: the header must check), a header that
 * validates is exactly what serialising it gives back, and Print never fails.
 */

#include "fuzz-check.h"

#include "ns3/llm-header.h"
#include "ns3/packet.h"

#include <sstream>

using namespace ns3;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Ptr<Packet> packet = Create<Packet>(data, static_cast<uint32_t>(size));
    LlmHeader header;
    const uint32_t read = packet->RemoveHeader(header);
    FuzzCheck(read <= size, "LlmHeader read past the bytes it was given");
    FuzzCheck(packet->GetSize() == size - read, "RemoveHeader removed other than what it read");
    const std::string error = header.Validate();
    if (error.empty())
    {
        FuzzCheck(read == header.GetSerializedSize(), "a valid LlmHeader read other than its size");
        FuzzCheck(IsPrefixOf(SerializedBytes(header), data, size),
                  "a valid LlmHeader does not serialise back to the bytes it was read from");
    }
    std::ostringstream printed;
    header.Print(printed);
    return 0;
}
