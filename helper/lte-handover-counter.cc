#include "lte-handover-counter.h"

#include "ns3/callback.h"
#include "ns3/lte-enb-net-device.h"
#include "ns3/lte-enb-rrc.h"

namespace ns3
{

void
LteHandoverCounter::Watch(const NetDeviceContainer& enbDevices)
{
    for (auto it = enbDevices.Begin(); it != enbDevices.End(); ++it)
    {
        Ptr<LteEnbNetDevice> enb = DynamicCast<LteEnbNetDevice>(*it);
        if (!enb)
        {
            continue;
        }
        Ptr<LteEnbRrc> rrc = enb->GetRrc();
        // Bound to the counter itself (not a copy): the eNBs hold it until they are disposed.
        Ptr<LteHandoverCounter> self(this);
        rrc->TraceConnectWithoutContext("HandoverStart",
                                        MakeCallback(&LteHandoverCounter::Started, self));
        rrc->TraceConnectWithoutContext("HandoverEndOk",
                                        MakeCallback(&LteHandoverCounter::Completed, self));
        for (const char* failure : {"HandoverFailureNoPreamble",
                                    "HandoverFailureMaxRach",
                                    "HandoverFailureLeaving",
                                    "HandoverFailureJoining"})
        {
            rrc->TraceConnectWithoutContext(failure,
                                            MakeCallback(&LteHandoverCounter::Failed, self));
        }
    }
}

uint64_t
LteHandoverCounter::GetStarted() const
{
    return m_started;
}

uint64_t
LteHandoverCounter::GetCompleted() const
{
    return m_completed;
}

uint64_t
LteHandoverCounter::GetFailed() const
{
    return m_failed;
}

uint64_t
LteHandoverCounter::GetCompleted(uint64_t imsi) const
{
    const auto it = m_completedPerUe.find(imsi);
    return it == m_completedPerUe.end() ? 0 : it->second;
}

void
LteHandoverCounter::Started(uint64_t /* imsi */,
                            uint16_t /* cellId */,
                            uint16_t /* rnti */,
                            uint16_t /* targetCellId */)
{
    ++m_started;
}

void
LteHandoverCounter::Completed(uint64_t imsi, uint16_t /* cellId */, uint16_t /* rnti */)
{
    ++m_completed;
    ++m_completedPerUe[imsi];
}

void
LteHandoverCounter::Failed(uint64_t /* imsi */, uint16_t /* rnti */, uint16_t /* cellId */)
{
    ++m_failed;
}

} // namespace ns3
