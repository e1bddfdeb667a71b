/*
 * Queue stability: the mean service time a cost model predicts, and the growth verdict of a
 * measured queue, on synthetic series and on an engine driven below and above saturation.
 */

#include "edge-llm-test-fixture.h"

#include "ns3/double.h"
#include "ns3/llm-engine.h"
#include "ns3/node.h"
#include "ns3/queue-log.h"
#include "ns3/queue-stability.h"
#include "ns3/random-variable-stream.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace ns3;

namespace
{

Ptr<RandomVariableStream>
Constant(double value)
{
    Ptr<ConstantRandomVariable> v = CreateObject<ConstantRandomVariable>();
    v->SetAttribute("Constant", DoubleValue(value));
    return v;
}

} // namespace

TEST(QueueTrend, FlatEmptyQueueIsStable)
{
    const QueueTrend t = ClassifyQueueTrend({{0, 0}, {10, 1}, {11, 0}, {50, 1}, {52, 0}}, 0, 100);
    EXPECT_EQ(t.verdict, "stable");
    EXPECT_EQ(t.windowMeans.size(), 16u);
    EXPECT_NEAR(t.mean, 3.0 / 100, 1e-12);
}

TEST(QueueTrend, FlatLongQueueIsBacklogged)
{
    // Alternates 2 and 4 every 5 s: mean 3, no trend.
    QueueSeries series;
    for (int i = 0; i < 20; ++i)
    {
        series.emplace_back(5.0 * i, i % 2 == 0 ? 2 : 4);
    }
    const QueueTrend t = ClassifyQueueTrend(series, 0, 100);
    EXPECT_EQ(t.verdict, "backlogged");
    EXPECT_NEAR(t.mean, 3, 1e-9);
    EXPECT_LT(std::abs(t.growth), 1); // window means alternate 2.8 and 3.2: no trend
}

TEST(QueueTrend, GrowingQueueIsOverloaded)
{
    QueueSeries series;
    for (uint32_t i = 0; i <= 40; ++i)
    {
        series.emplace_back(2.5 * i, i); // one more job every 2.5 s
    }
    const QueueTrend t = ClassifyQueueTrend(series, 0, 100);
    EXPECT_EQ(t.verdict, "overloaded");
    EXPECT_NEAR(t.slopePerSecond, 0.4, 0.02);
    EXPECT_NEAR(t.growth, 40, 2);
}

TEST(QueueTrend, ShrinkingQueueIsNotOverloaded)
{
    QueueSeries series;
    for (uint32_t i = 0; i <= 40; ++i)
    {
        series.emplace_back(2.5 * i, 40 - i);
    }
    EXPECT_EQ(ClassifyQueueTrend(series, 0, 100).verdict, "backlogged");
}

TEST(MeanServiceSeconds, ConstantLengthsGiveTheCostModelsJob)
{
    auto model = test::Roofline("llama-3-8b", "edge-server-l4");
    const LayerRange all = model->AllLayers();
    const double expected = model->PrefillSeconds(300, all) + model->DecodeSeconds(99, 300, all);
    EXPECT_NEAR(MeanServiceSeconds(*model, Constant(300), Constant(100), 10), expected, 1e-12);
}

TEST(MeanServiceSeconds, SkipsJobsLongerThanTheContext)
{
    auto model = test::Roofline("gpt2-124m", "edge-server-l4"); // 1024-token context
    EXPECT_TRUE(std::isnan(MeanServiceSeconds(*model, Constant(1000), Constant(100), 10)));
    Ptr<UniformRandomVariable> prompts = CreateObject<UniformRandomVariable>();
    prompts->SetAttribute("Min", DoubleValue(100));
    prompts->SetAttribute("Max", DoubleValue(2000));
    prompts->SetStream(7);
    // Every counted job has P <= 924, so the mean stays below the cost of a 924-token prompt.
    const LayerRange all = model->AllLayers();
    const double ceiling = model->PrefillSeconds(924, all) + model->DecodeSeconds(99, 924, all);
    const double mean = MeanServiceSeconds(*model, prompts, Constant(100), 2000);
    EXPECT_LT(mean, ceiling);
    EXPECT_GT(mean, 0);
}

class EngineStabilityTest : public ns3::test::SimulationTest
{
  protected:
    /// Poisson jobs of constant size into one engine at offered load rho, for `jobs` mean
    /// service times; returns the queue's verdict over the run.
    QueueTrend Drive(double rho, double jobs)
    {
        Ptr<Node> node = CreateObject<Node>();
        auto model = test::Roofline("llama-3-8b", "edge-server-l4");
        Ptr<LlmEngine> engine = CreateObject<LlmEngine>();
        engine->SetAttribute("QueueCapacity", UintegerValue(1000000));
        engine->SetCostModel(model);
        node->AggregateObject(engine);
        Ptr<QueueLog> queues = CreateObject<QueueLog>();
        queues->Watch(engine, node->GetId());

        const double alpha = MeanServiceSeconds(*model, Constant(200), Constant(50), 1);
        const double end = jobs * alpha;
        Ptr<ExponentialRandomVariable> gaps = CreateObject<ExponentialRandomVariable>();
        gaps->SetAttribute("Mean", DoubleValue(alpha / rho));
        gaps->SetStream(11);
        uint64_t id = 0;
        for (double t = gaps->GetValue(); t < end; t += gaps->GetValue())
        {
            Simulator::Schedule(Seconds(t), [engine, &id]() {
                InferenceJob job;
                job.requestId = ++id;
                job.promptTokens = 200;
                job.outputTokens = 50;
                engine->Submit(job);
            });
        }
        Simulator::Stop(Seconds(end));
        Simulator::Run();
        return ClassifyQueueTrend(queues->GetSeries(node->GetId()), 0, end);
    }
};

TEST_F(EngineStabilityTest, BelowSaturationTheQueueStaysFlat)
{
    // M/D/1 at rho = 0.7 waits rho^2 / (2 (1 - rho)) = 0.82 jobs on average.
    const QueueTrend t = Drive(0.7, 4000);
    EXPECT_EQ(t.verdict, "stable") << "mean " << t.mean << ", growth " << t.growth;
    EXPECT_NEAR(t.mean, 0.82, 0.25);
}

TEST_F(EngineStabilityTest, AboveSaturationTheQueueGrows)
{
    // At rho = 1.3 the queue gains about 0.3 jobs per service time: ~1200 over the run.
    const QueueTrend t = Drive(1.3, 4000);
    EXPECT_EQ(t.verdict, "overloaded") << "mean " << t.mean << ", growth " << t.growth;
    EXPECT_NEAR(t.growth, 0.3 * 4000, 0.2 * 0.3 * 4000);
}

TEST(QueueTrendConfidence, DriftIsConfidentAndSwingsAreNot)
{
    // A random walk with drift: steady rises with noise.
    std::vector<double> drift;
    for (int w = 0; w < 16; ++w)
    {
        drift.push_back(2.0 * w + (w % 2 ? 0.5 : -0.5));
    }
    EXPECT_GT(TrendConfidence(drift), TREND_CONFIDENCE);
    // One slow swing of a stable queue that happens to end high: it rose, then fell, then rose.
    const std::vector<double> swing = {2, 4, 7, 9, 8, 5, 3, 2, 3, 5, 8, 10, 9, 7, 9, 11};
    EXPECT_LT(TrendConfidence(swing), TREND_CONFIDENCE);
    EXPECT_EQ(TrendConfidence({1, 2, 3}), 0) << "too few windows to tell";
    // A queue that grows in a series classified as a whole: "undecided" when it grew with
    // less confidence, "overloaded" when with enough.
    QueueSeries rising;
    for (int s = 0; s < 100; ++s)
    {
        rising.emplace_back(s, static_cast<uint32_t>(s));
    }
    EXPECT_EQ(ClassifyQueueTrend(rising, 0, 100).verdict, "overloaded");
    QueueSeries swinging;
    for (size_t w = 0; w < swing.size(); ++w)
    {
        swinging.emplace_back(w * 10.0, static_cast<uint32_t>(swing[w]));
    }
    const QueueTrend t = ClassifyQueueTrend(swinging, 0, 160);
    EXPECT_GE(t.growth, std::max(2.0, 0.5 * t.mean)) << "it grew";
    EXPECT_EQ(t.verdict, "undecided") << "confidence " << t.confidence;
}
