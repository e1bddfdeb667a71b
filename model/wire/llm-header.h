/*
 * LlmHeader: the header of every edge-llm message on the wire.
 */
#ifndef EDGE_LLM_LLM_HEADER_H
#define EDGE_LLM_LLM_HEADER_H

#include "ns3/header.h"

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief 32 bytes in network order: magic, version, type, reason, reserved, layer,
 * request id, origin, prompt tokens, output tokens, payload length.
 *
 * A message is this header followed by `payload length` bytes, sized like the real content
 * (tokens x bytes per token); the bytes are zero-filled ns-3 payload and cost no memory.
 */
class LlmHeader : public Header
{
  public:
    static constexpr uint16_t MAGIC = 0xED11;
    static constexpr uint8_t VERSION = 1;
    static constexpr uint32_t SERIALIZED_SIZE = 32;
    static constexpr uint32_t MAX_PAYLOAD = 64 * 1024 * 1024; //!< larger is malformed

    /// What the message is. Values are on the wire: append, never renumber.
    enum Type : uint8_t
    {
        REQUEST = 1,     //!< a prompt to serve
        FIRST_CHUNK = 2, //!< the first output token (time to first token)
        FINAL_CHUNK = 3, //!< the rest of the output; the response is complete
        ERROR = 4,       //!< the request failed; see reason
    };

    /// Why a request failed. Values are on the wire: append, never renumber.
    enum Reason : uint8_t
    {
        NONE = 0,
        QUEUE_FULL = 1,
        CONTEXT_TOO_LONG = 2,
        EMPTY_JOB = 3,
        NO_ENGINE = 4,
        SERVER_ERROR = 5,
        KV_CACHE_TOO_SMALL = 6, //!< the job's tokens can never fit the engine's KV cache
        OVER_TOKEN_BUDGET = 7,  //!< the prompt exceeds one iteration's token budget
        LAST_REASON = OVER_TOKEN_BUDGET,
    };

    LlmHeader();
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    void Print(std::ostream& os) const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;

    /// Empty when the header read is well formed; otherwise what is wrong with it.
    std::string Validate() const;

    static std::string TypeName(uint8_t type);
    static std::string ReasonName(uint8_t reason);
    /// The wire reason for an engine drop reason ("queue-full" -> QUEUE_FULL, ...).
    static Reason ReasonFromName(const std::string& name);

    uint16_t m_magic{MAGIC};
    uint8_t m_version{VERSION};
    uint8_t m_type{REQUEST};
    uint8_t m_reason{NONE};
    uint16_t m_layer{0}; //!< protocol stage (MoA layer, split stage); 0 for plain requests
    uint64_t m_requestId{0};
    uint32_t m_origin{0}; //!< node id of the user who issued the request
    uint32_t m_promptTokens{0};
    uint32_t m_outputTokens{0};
    uint32_t m_payloadBytes{0};
};

} // namespace ns3

#endif // EDGE_LLM_LLM_HEADER_H
