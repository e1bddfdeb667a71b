/*
 * LlmWorkload: the request distributions users draw from, and the estimates made from them.
 */

#include "edge-llm-test-fixture.h"

#include "ns3/llm-workload.h"
#include "ns3/queue-stability.h"
#include "ns3/string.h"

#include <cmath>
#include <gtest/gtest.h>
#include <stdexcept>

using namespace ns3;

namespace
{

class LlmWorkloadTest : public ns3::test::SimulationTest
{
};

} // namespace

TEST_F(LlmWorkloadTest, DefaultsAreTheAzureFits)
{
    Ptr<LlmWorkload> w = CreateObject<LlmWorkload>();
    w->AssignStreams(10);
    const int n = 20000;
    double prompt = 0;
    double output = 0;
    double gaps = 0;
    double think = 0;
    for (int i = 0; i < n; ++i)
    {
        const uint32_t p = w->NextPromptTokens();
        const uint32_t g = w->NextOutputTokens();
        EXPECT_GE(p, 1u);
        EXPECT_GE(g, 1u);
        prompt += p;
        output += g;
        gaps += w->NextInterarrival().GetSeconds();
        think += w->NextThinkTime().GetSeconds();
    }
    // Log-normal means exp(mu + sigma^2 / 2): 1,233 prompt and 219 output tokens.
    EXPECT_NEAR(prompt / n, std::exp(6.633 + 0.985 * 0.985 / 2), 0.05 * 1233);
    EXPECT_NEAR(output / n, std::exp(5.019 + 0.859 * 0.859 / 2), 0.05 * 219);
    EXPECT_NEAR(gaps / n, 100, 3);
    EXPECT_NEAR(think / n, 10, 0.3);
}

TEST_F(LlmWorkloadTest, SameStreamsSameDraws)
{
    Ptr<LlmWorkload> a = CreateObject<LlmWorkload>();
    Ptr<LlmWorkload> b = CreateObject<LlmWorkload>();
    EXPECT_EQ(a->AssignStreams(7), 4);
    b->AssignStreams(7);
    for (int i = 0; i < 50; ++i)
    {
        EXPECT_EQ(a->NextPromptTokens(), b->NextPromptTokens());
        EXPECT_EQ(a->NextInterarrival(), b->NextInterarrival());
    }
}

TEST_F(LlmWorkloadTest, FixedLengthsAndRates)
{
    Ptr<LlmWorkload> w = CreateObject<LlmWorkload>();
    w->SetAttribute("PromptTokens", StringValue("ns3::ConstantRandomVariable[Constant=256.4]"));
    w->SetAttribute("OutputTokens", StringValue("ns3::ConstantRandomVariable[Constant=0]"));
    w->SetAttribute("Interarrival", StringValue("ns3::ConstantRandomVariable[Constant=0.5]"));
    EXPECT_EQ(w->NextPromptTokens(), 256u);
    EXPECT_EQ(w->NextOutputTokens(), 1u); // at least one token
    EXPECT_DOUBLE_EQ(w->MeanRate(10), 2.0);
    // The offered-load estimate is the cost model's service time of these requests.
    Ptr<InferenceCostModel> cost = test::Roofline("llama-3-8b", "a100-80gb");
    const double alone = cost->PrefillSeconds(256, cost->AllLayers());
    EXPECT_DOUBLE_EQ(w->MeanServiceSeconds(*cost, 5), alone);
}

TEST_F(LlmWorkloadTest, ImpossibleDrawsAreOneLineErrors)
{
    Ptr<LlmWorkload> w = CreateObject<LlmWorkload>();
    w->SetAttribute("Interarrival", StringValue("ns3::ConstantRandomVariable[Constant=-1]"));
    w->SetAttribute("PromptTokens", StringValue("ns3::ConstantRandomVariable[Constant=1e12]"));
    try
    {
        w->NextInterarrival();
        ADD_FAILURE() << "a negative gap was accepted";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_NE(std::string(e.what()).find("Interarrival"), std::string::npos) << e.what();
    }
    EXPECT_THROW(w->NextPromptTokens(), std::invalid_argument);
}
