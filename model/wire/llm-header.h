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
 * \brief 32 bytes in network order: magic, version, type, reason, prompt class, layer,
 * request id, origin, prompt tokens, output tokens, payload length; split messages add
 * 12 bytes: step, first unit, last unit, residence.
 *
 * A message is this header followed by `payload length` bytes, sized like the real content
 * (tokens x bytes per token); the bytes are zero-filled ns-3 payload and cost no memory.
 *
 * A SPLIT_HIDDEN message hands one step of a split request to the other side: the hidden
 * states (or token ids) entering unit `first unit`, and the units [first unit, last unit]
 * (embedding 0, blocks 1..L, head L+1) it is to run. Prompt and output tokens are the
 * request's P and G; step 0 is the prefill (P tokens carried), step k >= 1 the k-th decode
 * step (one token, P + k - 1 cached). `residence` is how long the sender held the step
 * before answering, in microseconds (0 when it starts the step): what the client measures
 * the link and the server's load by.
 */
class LlmHeader : public Header
{
  public:
    static constexpr uint16_t MAGIC = 0xED11;
    static constexpr uint8_t VERSION = 1;
    static constexpr uint32_t SERIALIZED_SIZE = 32; //!< every message's fixed part
    static constexpr uint32_t SPLIT_EXTENSION_SIZE = 12;
    static constexpr uint32_t MAX_SERIALIZED_SIZE = SERIALIZED_SIZE + SPLIT_EXTENSION_SIZE;
    static constexpr uint32_t MAX_PAYLOAD = 64 * 1024 * 1024; //!< larger is malformed

    /// What the message is. Values are on the wire: append, never renumber.
    enum Type : uint8_t
    {
        REQUEST = 1,      //!< a prompt to serve
        FIRST_CHUNK = 2,  //!< the first output token (time to first token)
        FINAL_CHUNK = 3,  //!< the rest of the output; the response is complete
        ERROR = 4,        //!< the request failed; see reason
        SPLIT_HIDDEN = 5, //!< one step of a split request for the other side (extension)
        LAST_TYPE = SPLIT_HIDDEN,
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
        KV_CACHE_TOO_SMALL = 6,  //!< the job's tokens can never fit the engine's KV cache
        OVER_TOKEN_BUDGET = 7,   //!< the prompt exceeds one iteration's token budget
        BAD_SPLIT_STEP = 8,      //!< a split step's units or step do not fit the server's model
        GATEWAY_FULL = 9,        //!< the expert router holds its most concurrent requests
        EXPERT_TIMEOUT = 10,     //!< the expert did not answer within the router's timeout
        EXPERT_UNREACHABLE = 11, //!< the router could not reach the expert or lost it
        ENERGY_DEPLETED = 12,    //!< the serving device's battery ran out
        LAST_REASON = ENERGY_DEPLETED,
    };

    LlmHeader();
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    void Print(std::ostream& os) const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    /// Reads the header if all of its bytes are there (32, or 44 for a split step); otherwise
    /// reads none, returns 0 and Validate() says it is truncated.
    uint32_t Deserialize(Buffer::Iterator start) override;

    /// Empty when the header read is well formed; otherwise what is wrong with it.
    std::string Validate() const;

    /// Bytes of the header of a message of `type`: 32, or 44 with the split extension.
    static uint32_t SerializedSizeOf(uint8_t type);
    static std::string TypeName(uint8_t type);
    static std::string ReasonName(uint8_t reason);
    /// The wire reason for an engine drop reason ("queue-full" -> QUEUE_FULL, ...).
    static Reason ReasonFromName(const std::string& name);

    uint16_t m_magic{MAGIC};
    uint8_t m_version{VERSION};
    uint8_t m_type{REQUEST};
    uint8_t m_reason{NONE};
    /// The prompt's class (expert routing; 0 otherwise): what the gateway's classifier reads
    /// in place of the prompt's text. It was the reserved byte, always 0 before.
    uint8_t m_promptClass{0};
    uint16_t m_layer{0}; //!< protocol stage (MoA layer, split stage); 0 for plain requests
    uint64_t m_requestId{0};
    uint32_t m_origin{0}; //!< node id of the user who issued the request
    uint32_t m_promptTokens{0};
    uint32_t m_outputTokens{0};
    uint32_t m_payloadBytes{0};
    // The split extension (SPLIT_HIDDEN only).
    uint32_t m_step{0};            //!< 0: prefill; k: the k-th decode step
    uint16_t m_firstUnit{0};       //!< first unit the receiver runs
    uint16_t m_lastUnit{0};        //!< last unit the receiver runs
    uint32_t m_residenceMicros{0}; //!< how long the sender held the step
    /// Set by Deserialize: fewer bytes were there than the header needs (then it read none).
    bool m_truncated{false};
};

} // namespace ns3

#endif // EDGE_LLM_LLM_HEADER_H
