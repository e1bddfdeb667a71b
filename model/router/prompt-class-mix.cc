#include "prompt-class-mix.h"

#include "request-trace.h"

#include "ns3/pointer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(PromptClassMix);

namespace
{
/// The empirical distribution of `values` (exact: each value with its frequency).
Ptr<EmpiricalRandomVariable>
Empirical(std::vector<uint32_t> values)
{
    std::sort(values.begin(), values.end());
    Ptr<EmpiricalRandomVariable> variable = CreateObject<EmpiricalRandomVariable>();
    variable->SetInterpolate(false);
    for (size_t i = 0; i < values.size(); ++i)
    {
        // One CDF point per distinct value: the share of values up to it.
        if (i + 1 == values.size() || values[i + 1] != values[i])
        {
            variable->CDF(values[i], static_cast<double>(i + 1) / values.size());
        }
    }
    return variable;
}
} // namespace

TypeId
PromptClassMix::GetTypeId()
{
    static TypeId tid = TypeId("ns3::PromptClassMix")
                            .SetParent<Object>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<PromptClassMix>();
    return tid;
}

PromptClassMix::PromptClassMix()
    : m_draw(CreateObject<UniformRandomVariable>())
{
}

PromptClassMix::~PromptClassMix() = default;

void
PromptClassMix::DoDispose()
{
    m_classes.clear();
    m_draw = nullptr;
    Object::DoDispose();
}

uint32_t
PromptClassMix::AddClass(const std::string& name, double weight, Ptr<LlmWorkload> workload)
{
    if (!(weight > 0) || !std::isfinite(weight))
    {
        throw std::invalid_argument("class '" + name + "' weight " + std::to_string(weight) +
                                    " is not accepted (a number > 0)");
    }
    if (m_classes.size() >= MAX_CLASSES)
    {
        throw std::invalid_argument("class '" + name + "' is one too many (at most " +
                                    std::to_string(MAX_CLASSES) + " classes)");
    }
    m_classes.push_back({name, weight, workload});
    m_totalWeight += weight;
    return m_classes.size() - 1;
}

uint32_t
PromptClassMix::GetN() const
{
    return m_classes.size();
}

const std::string&
PromptClassMix::GetName(uint32_t index) const
{
    return m_classes.at(index).name;
}

double
PromptClassMix::GetShare(uint32_t index) const
{
    return m_classes.at(index).weight / m_totalWeight;
}

Ptr<LlmWorkload>
PromptClassMix::GetWorkload(uint32_t index) const
{
    return m_classes.at(index).workload;
}

uint32_t
PromptClassMix::Draw()
{
    NS_ABORT_MSG_IF(m_classes.empty(), "PromptClassMix has no classes");
    const double u = m_draw->GetValue() * m_totalWeight;
    double cumulative = 0;
    for (uint32_t c = 0; c < m_classes.size(); ++c)
    {
        cumulative += m_classes[c].weight;
        if (u < cumulative)
        {
            return c;
        }
    }
    return m_classes.size() - 1; // rounding left u at the total
}

int64_t
PromptClassMix::AssignStreams(int64_t stream)
{
    m_draw->SetStream(stream);
    int64_t used = 1;
    for (const Class& c : m_classes)
    {
        used += c.workload->AssignStreams(stream + used);
    }
    return used;
}

Ptr<LlmWorkload>
PromptClassMix::WorkloadFromTrace(const std::string& path)
{
    const RequestTrace trace = RequestTrace::Load(path);
    std::vector<uint32_t> prompts;
    std::vector<uint32_t> outputs;
    for (const TracedRequest& row : trace.GetRequests())
    {
        prompts.push_back(row.promptTokens);
        outputs.push_back(row.outputTokens);
    }
    Ptr<LlmWorkload> workload = CreateObject<LlmWorkload>();
    workload->SetAttribute("PromptTokens", PointerValue(Empirical(prompts)));
    workload->SetAttribute("OutputTokens", PointerValue(Empirical(outputs)));
    return workload;
}

Ptr<PromptClassMix>
PromptClassMix::Parse(const std::string& text)
{
    Ptr<PromptClassMix> mix = CreateObject<PromptClassMix>();
    std::stringstream items(text);
    std::string item;
    while (std::getline(items, item, ','))
    {
        std::vector<std::string> parts;
        std::stringstream fields(item);
        std::string field;
        while (std::getline(fields, field, ':'))
        {
            parts.push_back(field);
        }
        if (parts.empty() || parts[0].empty() || parts.size() > 3)
        {
            throw std::invalid_argument("class '" + item +
                                        "' is not accepted (name[:weight[:trace.csv]])");
        }
        double weight = 1;
        if (parts.size() >= 2)
        {
            size_t used = 0;
            try
            {
                weight = std::stod(parts[1], &used);
            }
            catch (const std::exception&)
            {
                used = 0;
            }
            if (used == 0 || used != parts[1].size() || !(weight > 0))
            {
                throw std::invalid_argument("class '" + item + "' weight '" + parts[1] +
                                            "' is not accepted (a number > 0)");
            }
        }
        for (uint32_t c = 0; c < mix->GetN(); ++c)
        {
            if (mix->GetName(c) == parts[0])
            {
                throw std::invalid_argument("class '" + parts[0] +
                                            "' is given twice (accepted: distinct names)");
            }
        }
        mix->AddClass(parts[0],
                      weight,
                      parts.size() == 3 ? WorkloadFromTrace(parts[2])
                                        : CreateObject<LlmWorkload>());
    }
    if (mix->GetN() == 0)
    {
        throw std::invalid_argument("no classes in '" + text +
                                    "' (accepted: name[:weight[:trace.csv]],...)");
    }
    return mix;
}

} // namespace ns3
