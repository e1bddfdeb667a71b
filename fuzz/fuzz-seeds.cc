/*
 * edge-llm-fuzz-seeds: writes the binary seeds of the wire-format fuzz targets, serialised by
 * the headers' own Serialize (so that they stay real messages when a format changes).
 *
 *   edge-llm-fuzz-seeds DIR           write DIR/<target>/<seed>.bin (fuzz/corpus in the repo)
 *   edge-llm-fuzz-seeds --check DIR   exit 1 if a committed seed differs from what is written
 */

#include "ns3/gossip-header.h"
#include "ns3/llm-header.h"
#include "ns3/llm-message-framer.h"
#include "ns3/load-report-header.h"
#include "ns3/packet.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

using Bytes = std::vector<uint8_t>;

Bytes
Serialised(const Header& header)
{
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(header);
    Bytes bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    return bytes;
}

/// The framed message (header and zero-filled payload) as LlmConnection sends it.
Bytes
Framed(const LlmHeader& header)
{
    Ptr<Packet> packet = LlmMessageFramer::Frame(header);
    Bytes bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    return bytes;
}

LlmHeader
Message(uint8_t type, uint64_t id, uint32_t payload)
{
    LlmHeader h;
    h.m_type = type;
    h.m_requestId = id;
    h.m_origin = 7;
    h.m_layer = 1;
    h.m_promptTokens = 512;
    h.m_outputTokens = 128;
    h.m_payloadBytes = payload;
    return h;
}

LlmHeader
SplitStep(uint64_t id, uint32_t payload)
{
    LlmHeader h = Message(LlmHeader::SPLIT_HIDDEN, id, payload);
    h.m_step = 3;
    h.m_firstUnit = 1;
    h.m_lastUnit = 16;
    h.m_residenceMicros = 2500;
    return h;
}

GossipHeader
Shuffle(uint8_t type, uint32_t entries)
{
    GossipHeader h;
    h.m_type = type;
    h.m_sender = 3;
    h.m_sequence = 41;
    for (uint32_t i = 0; i < entries; ++i)
    {
        GossipHeader::Entry e;
        e.node = i + 1;
        e.address = Ipv4Address(0x0a030000 + i + 1);
        e.age = static_cast<uint16_t>(i);
        e.queueLength = static_cast<uint16_t>(2 * i);
        h.m_entries.push_back(e);
    }
    return h;
}

Bytes
Concat(std::initializer_list<Bytes> parts)
{
    Bytes out;
    for (const Bytes& p : parts)
    {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

/// target -> seed name -> bytes.
std::map<std::string, std::map<std::string, Bytes>>
Seeds()
{
    std::map<std::string, std::map<std::string, Bytes>> seeds;
    LlmHeader error = Message(LlmHeader::ERROR, 9, 0);
    error.m_reason = LlmHeader::QUEUE_FULL;
    LlmHeader routed = Message(LlmHeader::REQUEST, 10, 64);
    routed.m_promptClass = 2;
    seeds["llm-header"] = {
        {"request", Serialised(Message(LlmHeader::REQUEST, 1, 2048))},
        {"first-chunk", Serialised(Message(LlmHeader::FIRST_CHUNK, 1, 2))},
        {"final-chunk", Serialised(Message(LlmHeader::FINAL_CHUNK, 1, 254))},
        {"error", Serialised(error)},
        {"routed-request", Serialised(routed)},
        {"split-hidden", Serialised(SplitStep(5, 4096))},
    };
    // Framer inputs: a byte that picks the segment sizes, then the stream.
    LlmHeader bad = Message(LlmHeader::REQUEST, 2, 0);
    bad.m_version = 2;
    seeds["llm-message-framer"] = {
        {"request-answer",
         Concat({{0},
                 Framed(Message(LlmHeader::REQUEST, 1, 40)),
                 Framed(Message(LlmHeader::FIRST_CHUNK, 1, 2)),
                 Framed(Message(LlmHeader::FINAL_CHUNK, 1, 30))})},
        {"split-steps",
         Concat({{17}, Framed(SplitStep(4, 96)), Framed(SplitStep(4, 8)), Framed(error)})},
        {"partial-tail",
         Concat({{200}, Framed(Message(LlmHeader::REQUEST, 3, 10)), Bytes(20, 0xED)})},
        {"malformed-after-one",
         Concat({{5}, Framed(Message(LlmHeader::REQUEST, 1, 3)), Serialised(bad)})},
    };
    seeds["gossip-header"] = {
        {"request", Serialised(Shuffle(GossipHeader::SHUFFLE_REQUEST, 3))},
        {"reply-empty", Serialised(Shuffle(GossipHeader::SHUFFLE_REPLY, 0))},
        {"reply-full", Serialised(Shuffle(GossipHeader::SHUFFLE_REPLY, GossipHeader::MAX_ENTRIES))},
    };
    LoadReportHeader report;
    report.m_node = 12;
    report.m_waiting = 3;
    report.m_running = 8;
    seeds["load-report-header"] = {{"report", Serialised(report)}};
    return seeds;
}

} // namespace

int
main(int argc, char* argv[])
{
    const bool check = argc == 3 && std::string(argv[1]) == "--check";
    if (argc != 2 && !check)
    {
        std::cerr << "error: usage: edge-llm-fuzz-seeds [--check] DIR" << std::endl;
        return 2;
    }
    const std::filesystem::path dir = argv[argc - 1];
    int differing = 0;
    for (const auto& [target, seeds] : Seeds())
    {
        for (const auto& [name, bytes] : seeds)
        {
            const auto path = dir / target / (name + ".bin");
            if (check)
            {
                std::ifstream in(path, std::ios::binary);
                const Bytes committed{std::istreambuf_iterator<char>(in),
                                      std::istreambuf_iterator<char>()};
                if (!in.is_open() || committed != bytes)
                {
                    std::cerr << path.string() << " is not what the headers serialise today; "
                              << "rewrite it with edge-llm-fuzz-seeds fuzz/corpus" << std::endl;
                    ++differing;
                }
                continue;
            }
            std::filesystem::create_directories(path.parent_path());
            std::ofstream out(path, std::ios::binary);
            out.write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        }
    }
    return differing == 0 ? 0 : 1;
}
