#include "llm-workload.h"

#include "queue-stability.h"

#include "ns3/pointer.h"
#include "ns3/string.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(LlmWorkload);

namespace
{

/// A draw of `variable` as a token count: rounded, at least 1, finite.
uint32_t
Tokens(Ptr<RandomVariableStream> variable, const char* what)
{
    const double value = variable->GetValue();
    if (!std::isfinite(value) || value > 1e7)
    {
        throw std::invalid_argument(std::string("LlmWorkload ") + what + " drew " +
                                    std::to_string(value) + ": accepted finite, <= 1e7 tokens");
    }
    return static_cast<uint32_t>(std::max(1.0, std::round(value)));
}

/// A draw of `variable` as a time: finite and >= 0.
Time
Duration(Ptr<RandomVariableStream> variable, const char* what)
{
    const double value = variable->GetValue();
    if (!std::isfinite(value) || value < 0 || value > 1e9)
    {
        throw std::invalid_argument(std::string("LlmWorkload ") + what + " drew " +
                                    std::to_string(value) + " s: accepted 0 to 1e9 s");
    }
    return Seconds(value);
}

} // namespace

TypeId
LlmWorkload::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LlmWorkload")
            .SetParent<Object>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<LlmWorkload>()
            .AddAttribute("PromptTokens",
                          "Prompt length in tokens (rounded, at least 1)",
                          StringValue("ns3::LogNormalRandomVariable[Mu=6.633|Sigma=0.985]"),
                          MakePointerAccessor(&LlmWorkload::m_promptTokens),
                          MakePointerChecker<RandomVariableStream>())
            .AddAttribute("OutputTokens",
                          "Output length in tokens (rounded, at least 1)",
                          StringValue("ns3::LogNormalRandomVariable[Mu=5.019|Sigma=0.859]"),
                          MakePointerAccessor(&LlmWorkload::m_outputTokens),
                          MakePointerChecker<RandomVariableStream>())
            .AddAttribute("Interarrival",
                          "Seconds between a Poisson user's requests",
                          StringValue("ns3::ExponentialRandomVariable[Mean=100]"),
                          MakePointerAccessor(&LlmWorkload::m_interarrival),
                          MakePointerChecker<RandomVariableStream>())
            .AddAttribute("ThinkTime",
                          "Seconds a closed-loop user waits after an answer",
                          StringValue("ns3::ExponentialRandomVariable[Mean=10]"),
                          MakePointerAccessor(&LlmWorkload::m_thinkTime),
                          MakePointerChecker<RandomVariableStream>());
    return tid;
}

LlmWorkload::LlmWorkload() = default;

LlmWorkload::~LlmWorkload() = default;

uint32_t
LlmWorkload::NextPromptTokens()
{
    return Tokens(m_promptTokens, "PromptTokens");
}

uint32_t
LlmWorkload::NextOutputTokens()
{
    return Tokens(m_outputTokens, "OutputTokens");
}

Time
LlmWorkload::NextInterarrival()
{
    return Duration(m_interarrival, "Interarrival");
}

Time
LlmWorkload::NextThinkTime()
{
    return Duration(m_thinkTime, "ThinkTime");
}

int64_t
LlmWorkload::AssignStreams(int64_t stream)
{
    m_interarrival->SetStream(stream);
    m_promptTokens->SetStream(stream + 1);
    m_outputTokens->SetStream(stream + 2);
    m_thinkTime->SetStream(stream + 3);
    return 4;
}

double
LlmWorkload::MeanServiceSeconds(const InferenceCostModel& model, uint32_t samples)
{
    return ns3::MeanServiceSeconds(model, m_promptTokens, m_outputTokens, samples);
}

double
LlmWorkload::MeanRate(uint32_t samples)
{
    double sum = 0;
    for (uint32_t i = 0; i < samples; ++i)
    {
        sum += NextInterarrival().GetSeconds();
    }
    return samples == 0 || !(sum > 0) ? std::numeric_limits<double>::quiet_NaN() : samples / sum;
}

void
LlmWorkload::DoDispose()
{
    m_promptTokens = nullptr;
    m_outputTokens = nullptr;
    m_interarrival = nullptr;
    m_thinkTime = nullptr;
    Object::DoDispose();
}

} // namespace ns3
