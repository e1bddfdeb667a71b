/*
 * FuzzCheck: a property a fuzz target asserts. A broken one aborts, which libFuzzer records
 * as a crash and the replay test as a failure (NS_ASSERT is compiled out in Debian's ns-3).
 */
#ifndef EDGE_LLM_FUZZ_CHECK_H
#define EDGE_LLM_FUZZ_CHECK_H

#include "ns3/header.h"
#include "ns3/packet.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace ns3
{

/// Aborts with `what` (and `detail`, the value that broke it) unless `ok`.
inline void
FuzzCheck(bool ok, const char* what, const std::string& detail = "")
{
    if (!ok)
    {
        std::fprintf(stderr, "fuzz property broken: %s\n%s\n", what, detail.c_str());
        std::abort();
    }
}

/// The bytes `header` serialises to.
inline std::vector<uint8_t>
SerializedBytes(const Header& header)
{
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(header);
    std::vector<uint8_t> bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    return bytes;
}

/// Whether `bytes` are the first bytes of `data`.
inline bool
IsPrefixOf(const std::vector<uint8_t>& bytes, const uint8_t* data, size_t size)
{
    return bytes.size() <= size && std::memcmp(bytes.data(), data, bytes.size()) == 0;
}

} // namespace ns3

#endif // EDGE_LLM_FUZZ_CHECK_H
