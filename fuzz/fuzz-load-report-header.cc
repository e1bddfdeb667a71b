/*
 * Fuzz target: LoadReportHeader read from a datagram as ExpertRouter::HandleReport reads it
 * (RemoveHeader, then Validate). Properties: reading never goes past the datagram, and a report
 * that validates is exactly what serialising it gives back (the reserved byte aside).
 */

#include "fuzz-check.h"

#include "ns3/load-report-header.h"
#include "ns3/packet.h"

#include <sstream>

using namespace ns3;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Ptr<Packet> packet = Create<Packet>(data, static_cast<uint32_t>(size));
    LoadReportHeader report;
    const uint32_t read = packet->RemoveHeader(report);
    FuzzCheck(read <= size, "LoadReportHeader read past the datagram");
    if (report.Validate().empty())
    {
        FuzzCheck(read == LoadReportHeader::SERIALIZED_SIZE, "a valid report read other than 16");
        std::vector<uint8_t> bytes = SerializedBytes(report);
        bytes[3] = data[3]; // reserved: written as 0, not checked when read
        FuzzCheck(IsPrefixOf(bytes, data, size),
                  "a valid report does not serialise back to the bytes it was read from");
    }
    std::ostringstream printed;
    report.Print(printed);
    return 0;
}
