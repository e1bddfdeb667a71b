#include "moa-helper.h"

#include "moa-agent.h"
#include "peer-sampler.h"

#include "ns3/enum.h"
#include "ns3/pointer.h"

#include <stdexcept>

namespace ns3
{

MoaHelper::MoaHelper()
{
    m_agent.SetTypeId(MoaAgent::GetTypeId());
    m_sampler.SetTypeId(PeerSampler::GetTypeId());
    m_workload.SetTypeId(LlmWorkload::GetTypeId());
}

void
MoaHelper::SetAgentAttribute(const std::string& name, const AttributeValue& value)
{
    m_agent.Set(name, value);
}

void
MoaHelper::SetSamplerAttribute(const std::string& name, const AttributeValue& value)
{
    m_sampler.Set(name, value);
}

void
MoaHelper::SetWorkloadAttribute(const std::string& name, const AttributeValue& value)
{
    m_workload.Set(name, value);
    m_hasWorkload = true;
}

void
MoaHelper::SetContacts(uint32_t contacts)
{
    if (contacts == 0)
    {
        throw std::invalid_argument("MoaHelper: 0 bootstrap contacts; at least 1 is needed");
    }
    m_contacts = contacts;
}

MoaApps
MoaHelper::Install(const NodeContainer& nodes) const
{
    MoaApps apps;
    bool wireless = true;
    for (uint32_t i = 0; i < nodes.GetN(); ++i)
    {
        Ptr<MoaAgent> agent = m_agent.Create<MoaAgent>();
        if (m_hasWorkload)
        {
            agent->SetAttribute("Workload", PointerValue(m_workload.Create<LlmWorkload>()));
        }
        EnumValue network;
        agent->GetAttribute("Network", network);
        wireless = network.Get() == MoaAgent::WIRELESS;
        if (wireless)
        {
            Ptr<PeerSampler> sampler = m_sampler.Create<PeerSampler>();
            nodes.Get(i)->AddApplication(sampler);
            apps.samplers.Add(sampler);
        }
        nodes.Get(i)->AddApplication(agent);
        apps.agents.Add(agent);
    }
    if (wireless)
    {
        const uint32_t n = nodes.GetN();
        for (uint32_t i = 0; i < n; ++i)
        {
            Ptr<PeerSampler> sampler = DynamicCast<PeerSampler>(apps.samplers.Get(i));
            for (uint32_t c = 1; c <= std::min(m_contacts, n - 1); ++c)
            {
                const uint32_t j = (i + c) % n;
                Ptr<PeerSampler> contact = DynamicCast<PeerSampler>(apps.samplers.Get(j));
                sampler->AddContact(nodes.Get(j)->GetId(), contact->GetAddress());
            }
        }
    }
    return apps;
}

int64_t
MoaHelper::AssignStreams(const MoaApps& apps, int64_t stream)
{
    int64_t used = 0;
    for (auto it = apps.agents.Begin(); it != apps.agents.End(); ++it)
    {
        used += DynamicCast<MoaAgent>(*it)->AssignStreams(stream + used);
    }
    for (auto it = apps.samplers.Begin(); it != apps.samplers.End(); ++it)
    {
        used += DynamicCast<PeerSampler>(*it)->AssignStreams(stream + used);
    }
    return used;
}

} // namespace ns3
