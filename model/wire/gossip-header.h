/*
 * GossipHeader: one message of the gossip peer-sampling protocol (PeerSampler), over UDP.
 */
#ifndef EDGE_LLM_GOSSIP_HEADER_H
#define EDGE_LLM_GOSSIP_HEADER_H

#include "ns3/header.h"
#include "ns3/ipv4-address.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief A shuffle request or reply, in network order: magic, version, type, sender node id,
 * shuffle sequence number, entry count (14 bytes), then `count` entries of 12 bytes each:
 * node id, IPv4 address, age, queue length.
 *
 * The bytes come from the network, so reading never goes past the datagram: Deserialize reads
 * what is there and Validate() says what is wrong (bad magic, version or type, a count above
 * MAX_ENTRIES, fewer entry bytes than the count announces, an address that is not unicast).
 */
class GossipHeader : public Header
{
  public:
    static constexpr uint16_t MAGIC = 0xED12;
    static constexpr uint8_t VERSION = 1;
    static constexpr uint32_t FIXED_SIZE = 14;  //!< bytes before the entries
    static constexpr uint32_t ENTRY_SIZE = 12;  //!< bytes per entry
    static constexpr uint16_t MAX_ENTRIES = 64; //!< more is malformed

    /// What the message is. Values are on the wire: append, never renumber.
    enum Type : uint8_t
    {
        SHUFFLE_REQUEST = 1, //!< an initiator's half of a shuffle
        SHUFFLE_REPLY = 2,   //!< the contacted peer's half, same sequence number
    };

    /// One node descriptor as carried on the wire.
    struct Entry
    {
        uint32_t node{0};
        Ipv4Address address;
        uint16_t age{0};         //!< shuffle periods since the node issued the descriptor
        uint16_t queueLength{0}; //!< the node's advertised queue length
    };

    GossipHeader();
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    void Print(std::ostream& os) const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    /// Reads at most the bytes the iterator holds; returns how many it read.
    uint32_t Deserialize(Buffer::Iterator start) override;

    /// Empty when the header is well formed; otherwise what is wrong with it.
    std::string Validate() const;

    static std::string TypeName(uint8_t type);

    uint16_t m_magic{MAGIC};
    uint8_t m_version{VERSION};
    uint8_t m_type{SHUFFLE_REQUEST};
    uint32_t m_sender{0};   //!< node id of the sender
    uint32_t m_sequence{0}; //!< chosen by the initiator, echoed by the reply
    std::vector<Entry> m_entries;

  private:
    /// Set by Deserialize: fewer bytes than FIXED_SIZE were there.
    bool m_truncated{false};
    /// Set by Deserialize: the entry count on the wire (entries may be fewer when truncated).
    uint32_t m_wireCount{0};
    bool m_fromWire{false};
};

} // namespace ns3

#endif // EDGE_LLM_GOSSIP_HEADER_H
