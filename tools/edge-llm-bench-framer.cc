/*
 * edge-llm-bench-framer: how many TCP segments per wall-clock second LlmMessageFramer
 * reassembles into messages, for large messages.
 *
 *   ./edge-llm bench framer [--messages=N] [--tokens=T] [--segment=BYTES]
 *
 * For 256 and 1024 bytes per token, N messages of T tokens each (header + T x bytes-per-token
 * payload, queued as LlmConnection queues them) are laid back to back in one byte stream and
 * cut into segments of the given size (TCP's 1448-byte MSS by default), made before the clock
 * starts. The clock times Push() of every segment and Pop() of every message. Prints
 * one line per size: messages, segments, wall seconds, segments and MB per wall second. A
 * benchmark, not a test: figures depend on the machine.
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/network-module.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <vector>

using namespace ns3;

namespace
{

struct Result
{
    uint64_t segments{0};
    uint64_t popped{0};
    uint64_t payloadBytes{0};
    double wall{0};
};

/// The framed stream of `messages` messages of `payload` bytes each, cut into segments.
std::vector<Ptr<Packet>>
Segments(uint32_t messages, uint32_t payload, uint32_t segment)
{
    std::vector<Ptr<Packet>> framed;
    for (uint32_t i = 0; i < messages; ++i)
    {
        LlmHeader header;
        header.m_type = LlmHeader::FINAL_CHUNK;
        header.m_requestId = i + 1;
        header.m_payloadBytes = payload;
        // As LlmConnection::Send queues it: appended to its (empty) pending packet, which
        // writes the zero-filled payload out as real bytes, as TCP then carries them.
        Ptr<Packet> pending = Create<Packet>();
        pending->AddAtEnd(LlmMessageFramer::Frame(header));
        framed.push_back(pending);
    }
    std::vector<Ptr<Packet>> segments;
    Ptr<Packet> current;
    for (const Ptr<Packet>& message : framed)
    {
        uint32_t offset = 0;
        while (offset < message->GetSize())
        {
            const uint32_t room = current ? segment - current->GetSize() : segment;
            const uint32_t take = std::min(room, message->GetSize() - offset);
            Ptr<Packet> piece = message->CreateFragment(offset, take);
            if (current)
            {
                current->AddAtEnd(piece);
            }
            else
            {
                current = piece;
            }
            offset += take;
            if (current->GetSize() == segment)
            {
                segments.push_back(current);
                current = nullptr;
            }
        }
    }
    if (current)
    {
        segments.push_back(current);
    }
    return segments;
}

Result
RunOnce(uint32_t messages, uint32_t payload, uint32_t segment)
{
    const std::vector<Ptr<Packet>> segments = Segments(messages, payload, segment);
    Result result;
    result.segments = segments.size();
    LlmMessageFramer framer;
    LlmHeader header;
    Ptr<Packet> body;
    const auto start = std::chrono::steady_clock::now();
    for (const Ptr<Packet>& s : segments)
    {
        framer.Push(s);
        while (framer.Pop(header, body))
        {
            ++result.popped;
            result.payloadBytes += body->GetSize();
        }
    }
    result.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (framer.HasError())
    {
        std::cerr << "error: framer: " << framer.GetError() << std::endl;
        std::exit(1);
    }
    return result;
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t messages = 20;
    uint32_t tokens = 1000;
    uint32_t segment = 1448;
    ProgramOptions cmd(
        "edge-llm-bench-framer",
        "Segments per wall-clock second through LlmMessageFramer, for large messages.");
    cmd.AddValue("messages", "Messages per size (1 to 100000)", messages);
    cmd.AddValue("tokens", "Tokens per message (1 to 16384)", tokens);
    cmd.AddValue("segment", "Segment size in bytes (1 to 65535)", segment);
    cmd.Parse(argc, argv);
    if (messages < 1 || messages > 100000 || tokens < 1 || tokens > 16384 || segment < 1 ||
        segment > 65535)
    {
        std::cerr << "error: --messages must be 1 to 100000, --tokens 1 to 16384 and --segment "
                     "1 to 65535"
                  << std::endl;
        return 2;
    }
    std::printf("LlmMessageFramer: %u messages of %u tokens per size, %u-byte segments\n",
                messages,
                tokens,
                segment);
    std::printf("%-15s %10s %10s %10s %16s %12s\n",
                "bytes/token",
                "messages",
                "segments",
                "wall_s",
                "segments/wall_s",
                "MB/wall_s");
    for (const uint32_t bytesPerToken : {256u, 1024u})
    {
        const uint32_t payload = tokens * bytesPerToken;
        const Result r = RunOnce(messages, payload, segment);
        if (r.popped != messages || r.payloadBytes != uint64_t(messages) * payload)
        {
            std::cerr << "error: " << r.popped << " messages of " << r.payloadBytes
                      << " payload bytes came out; expected " << messages << std::endl;
            return 1;
        }
        std::printf("%-15u %10llu %10llu %10.6f %16.0f %12.1f\n",
                    bytesPerToken,
                    static_cast<unsigned long long>(r.popped),
                    static_cast<unsigned long long>(r.segments),
                    r.wall,
                    r.segments / r.wall,
                    r.payloadBytes / r.wall / 1e6);
    }
    return 0;
}
