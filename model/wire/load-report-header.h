/*
 * LoadReportHeader: an expert's load, reported to the expert router over UDP.
 */
#ifndef EDGE_LLM_LOAD_REPORT_HEADER_H
#define EDGE_LLM_LOAD_REPORT_HEADER_H

#include "ns3/header.h"

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief 16 bytes in network order: magic, version, reserved, the expert's node id, jobs
 * waiting and jobs running on its engine. One datagram per report, no payload.
 *
 * The bytes come from the network: Deserialize never reads past the datagram, and Validate()
 * says what is wrong (too short, bad magic or version).
 */
class LoadReportHeader : public Header
{
  public:
    static constexpr uint16_t MAGIC = 0xED13;
    static constexpr uint8_t VERSION = 1;
    static constexpr uint32_t SERIALIZED_SIZE = 16;

    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    void Print(std::ostream& os) const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;
    /// Empty when the header read is well formed; otherwise what is wrong with it.
    std::string Validate() const;

    uint16_t m_magic{MAGIC};
    uint8_t m_version{VERSION};
    uint32_t m_node{0};      //!< the reporting expert's node id
    uint32_t m_waiting{0};   //!< jobs in its engine's queue
    uint32_t m_running{0};   //!< jobs in its engine's running batch
    bool m_truncated{false}; //!< read from fewer than SERIALIZED_SIZE bytes
};

} // namespace ns3

#endif // EDGE_LLM_LOAD_REPORT_HEADER_H
