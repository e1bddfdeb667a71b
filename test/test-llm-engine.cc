/*
 * LlmEngine: a bounded FCFS queue served one job at a time, charged by a cost model.
 */

#include "edge-llm-test-fixture.h"

#include "ns3/cost-profile.h"
#include "ns3/llm-engine.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/profiled-cost-model.h"
#include "ns3/random-variable-stream.h"
#include "ns3/roofline-cost-model.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>
#include <map>
#include <stdexcept>
#include <vector>

using namespace ns3;

namespace
{

/// A profile with round numbers, set directly rather than fitted.
Ptr<ProfiledCostModel>
Profiled()
{
    CostProfile p;
    p.model = ModelSpec::Preset("gpt2-124m");
    p.hostName = "test";
    p.hostFlops = 1e12;
    p.hostBandwidth = 1e10;
    p.hostMemoryBytes = 16e9;
    p.layerPrefill = {1e-3, 1e-5, 1e-8};
    p.layerDecode = {2e-3, 1e-4, 1e-6};
    p.headPrefill = {5e-3, 1e-5};
    p.headDecode = {3e-3, 1e-4};
    Ptr<ProfiledCostModel> m = CreateObject<ProfiledCostModel>();
    m->SetProfile(p);
    return m;
}

/// Everything the engine's trace sources said, in order.
struct Recorder
{
    struct Event
    {
        std::string what;
        uint64_t id;
        Time at;
    };

    std::vector<Event> events;
    std::vector<InferenceJob> started;
    std::vector<InferenceJob> firstTokens;
    std::vector<InferenceJob> completed;
    std::vector<std::pair<InferenceJob, std::string>> dropped;
    std::vector<uint32_t> queueLengths;
    Ptr<LlmEngine> engine;
    bool running{false};
    int overlaps{0};
    int queueMismatches{0};

    explicit Recorder(Ptr<LlmEngine> e)
        : engine(e)
    {
        e->TraceConnectWithoutContext("Enqueued", MakeCallback(&Recorder::OnEnqueued, this));
        e->TraceConnectWithoutContext("Started", MakeCallback(&Recorder::OnStarted, this));
        e->TraceConnectWithoutContext("FirstToken", MakeCallback(&Recorder::OnFirstToken, this));
        e->TraceConnectWithoutContext("Completed", MakeCallback(&Recorder::OnCompleted, this));
        e->TraceConnectWithoutContext("Dropped", MakeCallback(&Recorder::OnDropped, this));
        e->TraceConnectWithoutContext("QueueLength", MakeCallback(&Recorder::OnQueue, this));
    }

    void OnEnqueued(const InferenceJob& job)
    {
        events.push_back({"enqueued", job.requestId, Simulator::Now()});
    }

    void OnStarted(const InferenceJob& job)
    {
        overlaps += running ? 1 : 0; // one job at a time
        running = true;
        started.push_back(job);
        events.push_back({"started", job.requestId, Simulator::Now()});
    }

    void OnFirstToken(const InferenceJob& job)
    {
        firstTokens.push_back(job);
        events.push_back({"first", job.requestId, Simulator::Now()});
    }

    void OnCompleted(const InferenceJob& job)
    {
        running = false;
        completed.push_back(job);
        events.push_back({"completed", job.requestId, Simulator::Now()});
    }

    void OnDropped(const InferenceJob& job, const std::string& reason)
    {
        dropped.emplace_back(job, reason);
        events.push_back({"dropped:" + reason, job.requestId, Simulator::Now()});
    }

    void OnQueue(uint32_t, uint32_t now)
    {
        queueLengths.push_back(now);
        queueMismatches += now == engine->GetQueueLength() ? 0 : 1;
    }
};

InferenceJob
Job(uint64_t id, uint32_t prompt, uint32_t output)
{
    InferenceJob job;
    job.requestId = id;
    job.origin = 7;
    job.promptTokens = prompt;
    job.outputTokens = output;
    return job;
}

class LlmEngineTest : public ns3::test::NodeOwningTest
{
  protected:
    Ptr<LlmEngine> MakeEngine(Ptr<InferenceCostModel> costModel, uint32_t capacity = 64)
    {
        Ptr<LlmEngine> engine = CreateObject<LlmEngine>();
        engine->SetAttribute("QueueCapacity", UintegerValue(capacity));
        engine->SetCostModel(costModel);
        NewNode()->AggregateObject(engine);
        return engine;
    }
};

} // namespace

TEST_F(LlmEngineTest, AggregatedToTheNode)
{
    Ptr<LlmEngine> engine = MakeEngine(test::Roofline("gpt2-124m", "edge-server-l4"));
    EXPECT_EQ(engine->GetObject<Node>()->GetObject<LlmEngine>(), engine);
    EXPECT_FALSE(engine->IsBusy());
    EXPECT_EQ(engine->GetQueueLength(), 0u);
}

TEST_F(LlmEngineTest, FcfsOneAtATimeWithExactTimings)
{
    Ptr<InferenceCostModel> cost = test::Roofline("gpt2-124m", "raspberry-pi-5");
    Ptr<LlmEngine> engine = MakeEngine(cost);
    Recorder rec(engine);
    // A burst at 0, more while busy, and one after the engine has gone idle.
    const std::vector<std::pair<double, InferenceJob>> plan = {{0.0, Job(1, 100, 10)},
                                                               {0.0, Job(2, 5, 1)},
                                                               {0.0, Job(3, 300, 40)},
                                                               {0.001, Job(4, 20, 20)},
                                                               {0.002, Job(5, 1, 3)},
                                                               {500.0, Job(6, 50, 5)}};
    for (const auto& [at, job] : plan)
    {
        Simulator::Schedule(Seconds(at),
                            [engine, job = job]() { EXPECT_TRUE(engine->Submit(job)); });
    }
    Simulator::Run();

    ASSERT_EQ(rec.started.size(), plan.size());
    ASSERT_EQ(rec.completed.size(), plan.size());
    EXPECT_TRUE(rec.dropped.empty());
    EXPECT_EQ(rec.overlaps, 0);
    Time previousEnd;
    for (size_t i = 0; i < plan.size(); ++i)
    {
        const InferenceJob& s = rec.started[i];
        const InferenceJob& f = rec.firstTokens[i];
        const InferenceJob& c = rec.completed[i];
        EXPECT_EQ(s.requestId, plan[i].second.requestId) << "FCFS order at " << i;
        EXPECT_EQ(c.requestId, plan[i].second.requestId);
        EXPECT_EQ(c.origin, 7u);
        EXPECT_EQ(c.enqueued, Seconds(plan[i].first)) << i;
        // Starts when it arrives or when the previous job ends, whichever is later.
        EXPECT_EQ(c.started, Max(c.enqueued, previousEnd)) << i;
        const LayerRange all = cost->AllLayers();
        EXPECT_EQ(c.layers.first, all.first);
        EXPECT_EQ(c.layers.last, all.last);
        EXPECT_EQ(f.firstToken, c.started + Seconds(cost->PrefillSeconds(c.promptTokens, all)))
            << i;
        EXPECT_EQ(c.firstToken, f.firstToken);
        EXPECT_EQ(c.completed,
                  c.firstToken +
                      Seconds(cost->DecodeSeconds(c.outputTokens - 1, c.promptTokens, all)))
            << i;
        previousEnd = c.completed;
    }
    // One output token: completion is the first token.
    EXPECT_EQ(rec.completed[1].completed, rec.completed[1].firstToken);
    EXPECT_EQ(engine->GetCompletedJobs(), plan.size());
    EXPECT_FALSE(engine->IsBusy());
}

TEST_F(LlmEngineTest, ProfiledTimings)
{
    Ptr<InferenceCostModel> cost = Profiled();
    Ptr<LlmEngine> engine = MakeEngine(cost);
    Recorder rec(engine);
    engine->Submit(Job(1, 200, 50));
    Simulator::Run();
    ASSERT_EQ(rec.completed.size(), 1u);
    const InferenceJob& job = rec.completed[0];
    // 12 blocks x (1e-3 + 1e-5 x 200 + 1e-8 x 200^2) + 5e-3 + 1e-5 x 200.
    const double prefill = 12 * (1e-3 + 2e-3 + 4e-4) + 5e-3 + 2e-3;
    EXPECT_NEAR(cost->PrefillSeconds(200, cost->AllLayers()), prefill, 1e-15);
    EXPECT_EQ(job.started, Seconds(0));
    EXPECT_EQ(job.firstToken, Seconds(cost->PrefillSeconds(200, cost->AllLayers())));
    EXPECT_EQ(job.completed,
              job.firstToken + Seconds(cost->DecodeSeconds(49, 200, cost->AllLayers())));
}

TEST_F(LlmEngineTest, LayerRangeJob)
{
    Ptr<InferenceCostModel> cost = test::Roofline("llama-3-8b", "a100-80gb");
    Ptr<LlmEngine> engine = MakeEngine(cost);
    Recorder rec(engine);
    InferenceJob job = Job(1, 100, 10);
    job.layers = {4, 12};
    engine->Submit(job);
    Simulator::Run();
    ASSERT_EQ(rec.completed.size(), 1u);
    EXPECT_EQ(rec.completed[0].layers.first, 4u);
    // Middle layers hand on hidden states: no first token, prefill then decode of the range.
    EXPECT_TRUE(rec.firstTokens.empty());
    EXPECT_TRUE(rec.completed[0].firstToken.IsZero());
    EXPECT_EQ(rec.completed[0].completed,
              Seconds(cost->PrefillSeconds(100, {4, 12})) +
                  Seconds(cost->DecodeSeconds(9, 100, {4, 12})));
    EXPECT_LT(rec.completed[0].completed,
              Seconds(cost->PrefillSeconds(100, cost->AllLayers()) +
                      cost->DecodeSeconds(9, 100, cost->AllLayers())));
}

TEST_F(LlmEngineTest, QueueFullDrops)
{
    Ptr<LlmEngine> engine = MakeEngine(test::Roofline("gpt2-124m", "raspberry-pi-5"), 2);
    Recorder rec(engine);
    std::map<uint64_t, std::string> callbackDrops;
    std::vector<bool> accepted;
    Simulator::ScheduleNow([&]() {
        for (uint64_t id = 1; id <= 5; ++id)
        {
            InferenceJob job = Job(id, 50, 5);
            job.onDropped = Callback<void, const InferenceJob&, const std::string&>(
                [&callbackDrops](const InferenceJob& j, const std::string& reason) {
                    callbackDrops[j.requestId] = reason;
                });
            accepted.push_back(engine->Submit(job));
        }
        // One running, two waiting.
        EXPECT_TRUE(engine->IsBusy());
        EXPECT_EQ(engine->GetQueueLength(), 2u);
    });
    Simulator::Run();
    EXPECT_EQ(accepted, (std::vector<bool>{true, true, true, false, false}));
    ASSERT_EQ(rec.dropped.size(), 2u);
    EXPECT_EQ(rec.dropped[0].first.requestId, 4u);
    EXPECT_EQ(rec.dropped[0].second, "queue-full");
    EXPECT_EQ(rec.dropped[1].first.requestId, 5u);
    EXPECT_EQ(rec.dropped[1].second, "queue-full");
    EXPECT_EQ(callbackDrops,
              (std::map<uint64_t, std::string>{{4, "queue-full"}, {5, "queue-full"}}));
    EXPECT_EQ(rec.completed.size(), 3u);
    // Once the queue has room again, jobs are accepted.
    EXPECT_TRUE(engine->Submit(Job(6, 10, 2)));
}

TEST_F(LlmEngineTest, ZeroCapacityRunsOneAtATimeAndDropsTheRest)
{
    Ptr<LlmEngine> engine = MakeEngine(test::Roofline("gpt2-124m", "raspberry-pi-5"), 0);
    Recorder rec(engine);
    Simulator::ScheduleNow([&]() {
        EXPECT_TRUE(engine->Submit(Job(1, 50, 5)));
        EXPECT_FALSE(engine->Submit(Job(2, 50, 5)));
    });
    Simulator::Run();
    ASSERT_EQ(rec.completed.size(), 1u);
    ASSERT_EQ(rec.dropped.size(), 1u);
    EXPECT_EQ(rec.dropped[0].second, "queue-full");
}

TEST_F(LlmEngineTest, ContextTooLongAndEmptyJobsDrop)
{
    Ptr<InferenceCostModel> cost = test::Roofline("gpt2-124m", "edge-server-l4");
    Ptr<LlmEngine> engine = MakeEngine(cost);
    Recorder rec(engine);
    const uint32_t max = cost->GetModel().maxContext; // 1024
    std::string callbackReason;
    InferenceJob tooLong = Job(1, max, 1);
    tooLong.onDropped = Callback<void, const InferenceJob&, const std::string&>(
        [&callbackReason](const InferenceJob&, const std::string& r) { callbackReason = r; });
    EXPECT_FALSE(engine->Submit(tooLong));
    EXPECT_EQ(callbackReason, "context-too-long");
    EXPECT_TRUE(engine->Submit(Job(2, max - 1, 1))); // exactly the context: fits
    EXPECT_FALSE(engine->Submit(Job(3, 0, 5)));      // decode steps without a context
    EXPECT_FALSE(engine->Submit(Job(4, 0, 0)));      // nothing to do
    EXPECT_TRUE(engine->Submit(Job(5, 5, 0)));       // prefill only
    Simulator::Run();
    ASSERT_EQ(rec.dropped.size(), 3u);
    EXPECT_EQ(rec.dropped[0].first.requestId, 1u);
    EXPECT_EQ(rec.dropped[0].second, "context-too-long");
    EXPECT_EQ(rec.dropped[1].second, "empty-job");
    EXPECT_EQ(rec.dropped[2].second, "empty-job");
    ASSERT_EQ(rec.completed.size(), 2u);
    EXPECT_EQ(rec.completed[0].requestId, 2u);
    EXPECT_EQ(rec.completed[1].requestId, 5u);
}

TEST_F(LlmEngineTest, QueueLengthTrace)
{
    Ptr<LlmEngine> engine = MakeEngine(test::Roofline("gpt2-124m", "raspberry-pi-5"), 10);
    Recorder rec(engine);
    Simulator::ScheduleNow([&]() {
        for (uint64_t id = 1; id <= 4; ++id)
        {
            engine->Submit(Job(id, 100, 10));
        }
    });
    Simulator::Run();
    EXPECT_EQ(rec.queueMismatches, 0) << "traced value differs from GetQueueLength()";
    ASSERT_FALSE(rec.queueLengths.empty());
    EXPECT_EQ(*std::max_element(rec.queueLengths.begin(), rec.queueLengths.end()), 3u);
    EXPECT_EQ(rec.queueLengths.back(), 0u);
    // Queue drains one job per completion: 3, 2, 1, 0 after the burst.
    const std::vector<uint32_t> tail(rec.queueLengths.end() - 4, rec.queueLengths.end());
    EXPECT_EQ(tail, (std::vector<uint32_t>{3, 2, 1, 0}));
}

TEST_F(LlmEngineTest, QueueLengthCountsOnlyWaitingJobs)
{
    // A job that arrives at an idle engine starts at once: it never waits, so the traced
    // queue length (what queue.csv and max_queue report) must not move.
    Ptr<LlmEngine> engine = MakeEngine(test::Roofline("gpt2-124m", "raspberry-pi-5"), 10);
    Recorder rec(engine);
    Simulator::Schedule(Seconds(1), [engine]() { engine->Submit(Job(1, 100, 10)); });
    Simulator::Schedule(Seconds(100), [engine]() { engine->Submit(Job(2, 100, 10)); });
    Simulator::Run();
    EXPECT_EQ(rec.completed.size(), 2u);
    EXPECT_TRUE(rec.queueLengths.empty())
        << "QueueLength traced " << rec.queueLengths.size() << " changes, first to "
        << rec.queueLengths.front() << ", with no job ever waiting";
}

TEST_F(LlmEngineTest, EveryJobEndsExactlyOnce)
{
    // Random arrivals and sizes against a small queue: some complete, some drop, none vanish.
    Ptr<InferenceCostModel> cost = test::Roofline("tinyllama-1.1b", "jetson-orin-nano");
    Ptr<LlmEngine> engine = MakeEngine(cost, 3);
    Recorder rec(engine);
    Ptr<ExponentialRandomVariable> gap = CreateObject<ExponentialRandomVariable>();
    gap->SetAttribute("Mean", DoubleValue(0.5));
    gap->SetStream(1);
    Ptr<UniformRandomVariable> size = CreateObject<UniformRandomVariable>();
    size->SetStream(2);
    std::map<uint64_t, int> callbackEnds;
    const uint64_t jobs = 300;
    Time at;
    for (uint64_t id = 1; id <= jobs; ++id)
    {
        at += Seconds(gap->GetValue());
        InferenceJob job = Job(id,
                               size->GetInteger(1, 1500),
                               size->GetInteger(0, 700)); // some too long, some empty
        auto end = [&callbackEnds](const InferenceJob& j) { ++callbackEnds[j.requestId]; };
        job.onCompleted = Callback<void, const InferenceJob&>(end);
        job.onDropped = Callback<void, const InferenceJob&, const std::string&>(
            [end](const InferenceJob& j, const std::string&) { end(j); });
        Simulator::Schedule(at, [engine, job]() { engine->Submit(job); });
    }
    Simulator::Run();

    std::map<uint64_t, int> traceEnds;
    std::map<std::string, int> reasons;
    for (const auto& job : rec.completed)
    {
        ++traceEnds[job.requestId];
    }
    for (const auto& [job, reason] : rec.dropped)
    {
        ++traceEnds[job.requestId];
        ++reasons[reason];
    }
    EXPECT_EQ(traceEnds.size(), jobs);
    EXPECT_EQ(callbackEnds.size(), jobs);
    for (uint64_t id = 1; id <= jobs; ++id)
    {
        EXPECT_EQ(traceEnds[id], 1) << "job " << id;
        EXPECT_EQ(callbackEnds[id], 1) << "job " << id;
    }
    // The workload exercises every outcome.
    EXPECT_GT(rec.completed.size(), 0u);
    EXPECT_GT(reasons["queue-full"], 0);
    EXPECT_GT(reasons["context-too-long"], 0);
    EXPECT_EQ(rec.overlaps, 0);
    EXPECT_EQ(engine->GetCompletedJobs(), rec.completed.size());
}

TEST_F(LlmEngineTest, CallbackMaySubmitMoreWork)
{
    // A follow-up submitted from onCompleted runs after the jobs already waiting (FCFS).
    Ptr<LlmEngine> engine = MakeEngine(test::Roofline("gpt2-124m", "raspberry-pi-5"));
    Recorder rec(engine);
    InferenceJob first = Job(1, 10, 2);
    first.onCompleted = Callback<void, const InferenceJob&>(
        [engine](const InferenceJob&) { EXPECT_TRUE(engine->Submit(Job(99, 10, 2))); });
    Simulator::ScheduleNow([&]() {
        engine->Submit(first);
        engine->Submit(Job(2, 10, 2));
    });
    Simulator::Run();
    ASSERT_EQ(rec.started.size(), 3u);
    EXPECT_EQ(rec.started[0].requestId, 1u);
    EXPECT_EQ(rec.started[1].requestId, 2u);
    EXPECT_EQ(rec.started[2].requestId, 99u);
    EXPECT_EQ(rec.overlaps, 0);
}

TEST_F(LlmEngineTest, BusyTimeAndEnergy)
{
    Ptr<InferenceCostModel> cost = test::Roofline("tinyllama-1.1b", "jetson-orin-nano");
    Ptr<LlmEngine> engine = MakeEngine(cost);
    Recorder rec(engine);
    const DeviceProfile& device = cost->GetDevice();
    Simulator::Schedule(Seconds(1), [engine]() { engine->Submit(Job(1, 500, 100)); });
    Simulator::Schedule(Seconds(100), [engine]() { engine->Submit(Job(2, 200, 50)); });
    // Mid-job, busy time includes the running job.
    Time midBusy;
    Simulator::Schedule(Seconds(1) + MilliSeconds(1), [&]() {
        ASSERT_TRUE(engine->IsBusy());
        midBusy = engine->GetBusyTime();
    });
    Simulator::Stop(Seconds(200));
    Simulator::Run();
    EXPECT_EQ(midBusy, MilliSeconds(1));
    ASSERT_EQ(rec.completed.size(), 2u);
    Time busy;
    for (const auto& job : rec.completed)
    {
        busy += job.completed - job.started;
    }
    EXPECT_EQ(engine->GetBusyTime(), busy);
    EXPECT_GT(busy, Seconds(0));
    const double expected =
        device.activePowerW * busy.GetSeconds() + device.idlePowerW * (200 - busy.GetSeconds());
    EXPECT_NEAR(engine->GetEnergyJoules(), expected, 1e-6 * expected);
    EXPECT_GT(engine->GetEnergyJoules(), device.idlePowerW * 200);
}

TEST_F(LlmEngineTest, SetCostModelRefusesModelsThatDoNotFit)
{
    Ptr<LlmEngine> engine = CreateObject<LlmEngine>();
    try
    {
        engine->SetCostModel(test::Roofline("llama-3-70b", "raspberry-pi-5"));
        FAIL() << "llama-3-70b accepted on a Raspberry Pi";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_NE(std::string(e.what()).find("llama-3-70b"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("raspberry-pi-5"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(engine->GetCostModel()) << "a refused model must not be kept";
    // Through the attribute too.
    EXPECT_THROW(
        engine->SetAttribute("CostModel",
                             PointerValue(test::Roofline("llama-3-70b", "raspberry-pi-5"))),
        std::invalid_argument);
    Ptr<InferenceCostModel> fits = test::Roofline("gpt2-124m", "a100-80gb");
    EXPECT_NO_THROW(engine->SetCostModel(fits));
    EXPECT_EQ(engine->GetCostModel(), fits);
    engine->Dispose();
}
