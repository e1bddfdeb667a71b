/*
 * LteHandoverCounter: handovers between the cells of an LTE network, from the eNBs' RRC
 * trace sources.
 */
#ifndef EDGE_LLM_LTE_HANDOVER_COUNTER_H
#define EDGE_LLM_LTE_HANDOVER_COUNTER_H

#include "ns3/net-device-container.h"
#include "ns3/simple-ref-count.h"

#include <cstdint>
#include <map>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Counts the handovers of a set of eNBs: started (LteEnbRrc HandoverStart, at the
 * source eNB), completed (HandoverEndOk, at the target) and failed (HandoverFailureNoPreamble,
 * HandoverFailureMaxRach, HandoverFailureLeaving, HandoverFailureJoining), in all and per UE
 * (IMSI). A handover the target refuses (no admission, no sounding slot left) is neither
 * started nor failed: the UE stays where it is.
 */
class LteHandoverCounter : public SimpleRefCount<LteHandoverCounter>
{
  public:
    /// Connects to the RRC of each LteEnbNetDevice in `enbDevices`.
    void Watch(const NetDeviceContainer& enbDevices);

    uint64_t GetStarted() const;
    uint64_t GetCompleted() const;
    uint64_t GetFailed() const;
    /// Completed handovers of the UE with this IMSI (0 for one that never handed over).
    uint64_t GetCompleted(uint64_t imsi) const;

  private:
    void Started(uint64_t imsi, uint16_t cellId, uint16_t rnti, uint16_t targetCellId);
    void Completed(uint64_t imsi, uint16_t cellId, uint16_t rnti);
    void Failed(uint64_t imsi, uint16_t rnti, uint16_t cellId);

    uint64_t m_started{0};
    uint64_t m_completed{0};
    uint64_t m_failed{0};
    std::map<uint64_t, uint64_t> m_completedPerUe;
};

} // namespace ns3

#endif // EDGE_LLM_LTE_HANDOVER_COUNTER_H
