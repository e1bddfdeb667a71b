/*
 * ContinuousBatchingScheduler: iteration-level batching against hand-computed schedules
 * (admission order, token budget, chunked prefill, KV blocks, preemption and recompute), every
 * job ending once, throughput against batch size, fast-forward against stepping, and the
 * fcfs equivalence at one sequence.
 */

#include "edge-llm-test-fixture.h"

#include "ns3/boolean.h"
#include "ns3/continuous-batching-scheduler.h"
#include "ns3/double.h"
#include "ns3/fcfs-scheduler.h"
#include "ns3/kv-cache-memory.h"
#include "ns3/llm-engine.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/random-variable-stream.h"
#include "ns3/service-time-cost-model.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>
#include <map>
#include <stdexcept>
#include <vector>

using namespace ns3;

namespace
{

/// What happened to each job, from the engine's trace sources.
struct JobLog
{
    std::map<uint64_t, Time> started;
    std::map<uint64_t, Time> firstToken;
    std::map<uint64_t, Time> completed;
    std::map<uint64_t, uint32_t> preemptions;
    std::map<uint64_t, std::string> dropped;
    std::map<uint64_t, int> ends;
    std::vector<uint64_t> admissions;
    std::vector<uint32_t> iterationTokens; //!< tokens of each iteration, in order
    std::vector<uint32_t> iterationSequences;
    uint32_t maxKvBlocks{0};
    uint64_t preemptedTrace{0};

    explicit JobLog(Ptr<LlmEngine> e)
    {
        e->TraceConnectWithoutContext(
            "Started",
            Callback<void, const InferenceJob&>(
                [this](const InferenceJob& j) { started[j.requestId] = Simulator::Now(); }));
        e->TraceConnectWithoutContext(
            "Admitted",
            Callback<void, const InferenceJob&>(
                [this](const InferenceJob& j) { admissions.push_back(j.requestId); }));
        e->TraceConnectWithoutContext(
            "FirstToken",
            Callback<void, const InferenceJob&>([this](const InferenceJob& j) {
                EXPECT_EQ(firstToken.count(j.requestId), 0u) << "two first tokens";
                firstToken[j.requestId] = j.firstToken;
            }));
        e->TraceConnectWithoutContext(
            "Completed",
            Callback<void, const InferenceJob&>([this](const InferenceJob& j) {
                completed[j.requestId] = j.completed;
                preemptions[j.requestId] = j.preemptions;
                ++ends[j.requestId];
            }));
        e->TraceConnectWithoutContext("Dropped",
                                      Callback<void, const InferenceJob&, const std::string&>(
                                          [this](const InferenceJob& j, const std::string& reason) {
                                              dropped[j.requestId] = reason;
                                              ++ends[j.requestId];
                                          }));
        e->TraceConnectWithoutContext(
            "Preempted",
            Callback<void, const InferenceJob&>([this](const InferenceJob&) { ++preemptedTrace; }));
        e->TraceConnectWithoutContext(
            "Iteration",
            Callback<void, uint32_t, uint32_t, uint64_t, Time>(
                [this](uint32_t sequences, uint32_t tokens, uint64_t iterations, Time) {
                    for (uint64_t i = 0; i < iterations; ++i)
                    {
                        iterationTokens.push_back(tokens);
                        iterationSequences.push_back(sequences);
                    }
                }));
        e->TraceConnectWithoutContext(
            "KvBlocksInUse",
            Callback<void, uint32_t, uint32_t>(
                [this](uint32_t, uint32_t now) { maxKvBlocks = std::max(maxKvBlocks, now); }));
    }
};

InferenceJob
Job(uint64_t id, uint32_t prompt, uint32_t output)
{
    InferenceJob job;
    job.requestId = id;
    job.promptTokens = prompt;
    job.outputTokens = output;
    return job;
}

/// Every iteration costs exactly one second, whatever it holds: schedules by hand.
Ptr<ServiceTimeCostModel>
OneSecondIterations(const std::string& model = "tiny", const std::string& device = "a100-80gb")
{
    Ptr<ServiceTimeCostModel> cost = CreateObject<ServiceTimeCostModel>();
    cost->SetAttribute("ServiceTime", StringValue("ns3::ConstantRandomVariable[Constant=1]"));
    cost->SetAttribute("Model", StringValue(model));
    cost->SetAttribute("Device", StringValue(device));
    return cost;
}

/// The MemoryUtilization that leaves exactly `blocks` KV blocks of `blockSize` tokens.
double
UtilisationFor(Ptr<InferenceCostModel> cost, uint32_t blocks, uint32_t blockSize)
{
    const KvCacheMemory m =
        KvCacheMemory::Of(cost->GetModel(), cost->GetDevice(), cost->AllLayers());
    return (m.weightBytes + (blocks + 0.5) * m.kvBytesPerToken * blockSize) / m.memoryBytes;
}

class ContinuousBatchingTest : public ns3::test::NodeOwningTest
{
  protected:
    struct Settings
    {
        uint32_t maxNumSeqs{256};
        uint32_t maxBatchedTokens{8192};
        uint32_t blockSize{16};
        double utilisation{0.9};
        bool chunked{false};
        bool fastForward{true};
    };

    Ptr<LlmEngine> MakeEngine(Ptr<InferenceCostModel> cost, const Settings& s)
    {
        Ptr<ContinuousBatchingScheduler> scheduler = CreateObject<ContinuousBatchingScheduler>();
        scheduler->SetAttribute("MaxNumSeqs", UintegerValue(s.maxNumSeqs));
        scheduler->SetAttribute("MaxNumBatchedTokens", UintegerValue(s.maxBatchedTokens));
        scheduler->SetAttribute("BlockSize", UintegerValue(s.blockSize));
        scheduler->SetAttribute("MemoryUtilization", DoubleValue(s.utilisation));
        scheduler->SetAttribute("ChunkedPrefill", BooleanValue(s.chunked));
        scheduler->SetAttribute("FastForward", BooleanValue(s.fastForward));
        return Install(cost, scheduler);
    }

    Ptr<LlmEngine> Install(Ptr<InferenceCostModel> cost, Ptr<LlmScheduler> scheduler)
    {
        Ptr<LlmEngine> engine = CreateObject<LlmEngine>();
        engine->SetAttribute("QueueCapacity", UintegerValue(100000));
        engine->SetScheduler(scheduler);
        engine->SetCostModel(cost);
        NewNode()->AggregateObject(engine);
        return engine;
    }

    void SubmitAt(Ptr<LlmEngine> engine, double at, const InferenceJob& job)
    {
        Simulator::Schedule(Seconds(at), [engine, job]() { engine->Submit(job); });
    }
};

} // namespace

TEST_F(ContinuousBatchingTest, AdmitsInArrivalOrderUpToMaxNumSeqs)
{
    Settings s;
    s.maxNumSeqs = 2;
    Ptr<LlmEngine> engine = MakeEngine(OneSecondIterations(), s);
    JobLog log(engine);
    SubmitAt(engine, 0, Job(1, 10, 3));
    SubmitAt(engine, 0, Job(2, 10, 1));
    SubmitAt(engine, 0, Job(3, 10, 2));
    Simulator::Run();
    // [0,1]: prefill 1 and 2 (2 ends: one token). [1,2]: decode 1, prefill 3.
    // [2,3]: decode 1 (its third token) and 3 (its second).
    EXPECT_EQ(log.admissions, (std::vector<uint64_t>{1, 2, 3}));
    EXPECT_EQ(log.started[3], Seconds(1));
    EXPECT_EQ(log.firstToken[1], Seconds(1));
    EXPECT_EQ(log.firstToken[2], Seconds(1));
    EXPECT_EQ(log.completed[2], Seconds(1));
    EXPECT_EQ(log.firstToken[3], Seconds(2));
    EXPECT_EQ(log.completed[1], Seconds(3));
    EXPECT_EQ(log.completed[3], Seconds(3));
    EXPECT_EQ(log.iterationTokens, (std::vector<uint32_t>{20, 11, 2}));
    EXPECT_EQ(log.iterationSequences, (std::vector<uint32_t>{2, 2, 2}));
    EXPECT_EQ(engine->GetIterations(), 3u);
    EXPECT_DOUBLE_EQ(engine->GetMeanBatchSize(), 2.0);
    EXPECT_EQ(engine->GetOutputTokens(), 6u);
    EXPECT_EQ(engine->GetBusyTime(), Seconds(3));
    EXPECT_FALSE(engine->IsBusy());
}

TEST_F(ContinuousBatchingTest, TokenBudgetHoldsBackAWholePrompt)
{
    Settings s;
    s.maxNumSeqs = 4;
    s.maxBatchedTokens = 16;
    Ptr<LlmEngine> engine = MakeEngine(OneSecondIterations(), s);
    JobLog log(engine);
    SubmitAt(engine, 0, Job(1, 10, 2));
    SubmitAt(engine, 0, Job(2, 10, 2));
    Simulator::Run();
    // 10 + 10 > 16: job 2 waits a whole iteration, then joins job 1's decode (1 + 10 <= 16).
    EXPECT_EQ(log.started[2], Seconds(1));
    EXPECT_EQ(log.completed[1], Seconds(2));
    EXPECT_EQ(log.firstToken[2], Seconds(2));
    EXPECT_EQ(log.completed[2], Seconds(3));
    EXPECT_EQ(log.iterationTokens, (std::vector<uint32_t>{10, 11, 1}));
}

TEST_F(ContinuousBatchingTest, ChunkedPrefillSplitsALongPrompt)
{
    Settings s;
    s.maxNumSeqs = 4;
    s.maxBatchedTokens = 16;
    s.chunked = true;
    Ptr<LlmEngine> engine = MakeEngine(OneSecondIterations(), s);
    JobLog log(engine);
    SubmitAt(engine, 0, Job(1, 40, 2));
    SubmitAt(engine, 0, Job(2, 4, 1));
    Simulator::Run();
    // Chunks 16, 16, 8 of job 1; job 2's prompt fills the rest of the third iteration.
    EXPECT_EQ(log.iterationTokens, (std::vector<uint32_t>{16, 16, 12, 1}));
    EXPECT_EQ(log.started[2], Seconds(2));
    EXPECT_EQ(log.firstToken[1], Seconds(3));
    EXPECT_EQ(log.completed[2], Seconds(3));
    EXPECT_EQ(log.completed[1], Seconds(4));
}

TEST_F(ContinuousBatchingTest, ChunkedPrefillChargesTheCachedContext)
{
    // A chunk's attention reads the chunks before it: later chunks cost more on a real model.
    Ptr<InferenceCostModel> cost = test::Roofline("llama-3-8b", "a100-80gb");
    BatchStep early{{512}, {}, {0}};
    BatchStep late{{512}, {}, {3584}};
    EXPECT_GT(cost->BatchStepSeconds(late, cost->AllLayers()),
              cost->BatchStepSeconds(early, cost->AllLayers()));
}

TEST_F(ContinuousBatchingTest, PreemptsTheNewestWhenABlockIsMissingAndRecomputesIt)
{
    Ptr<InferenceCostModel> cost = OneSecondIterations();
    Settings s;
    s.maxNumSeqs = 4;
    s.blockSize = 4;
    s.utilisation = UtilisationFor(cost, 4, 4); // 16 tokens of KV cache
    Ptr<LlmEngine> engine = MakeEngine(cost, s);
    ASSERT_EQ(engine->GetKvBlocks(), 4u);
    JobLog log(engine);
    SubmitAt(engine, 0, Job(1, 4, 6));
    SubmitAt(engine, 0, Job(2, 4, 6));
    Simulator::Run();
    // Both prefill at [0,1] (a block each) and decode together; before the step at 5 both
    // hold 8 tokens in 2 blocks each and need a third: job 2 (admitted last) is evicted,
    // job 1 ends at 6; job 2 recomputes its 4 + 4 cached tokens and pending one at [6,7],
    // which yields its sixth token.
    EXPECT_EQ(log.firstToken[1], Seconds(1));
    EXPECT_EQ(log.firstToken[2], Seconds(1));
    EXPECT_EQ(log.completed[1], Seconds(6));
    EXPECT_EQ(log.completed[2], Seconds(7));
    EXPECT_EQ(log.preemptions[1], 0u);
    EXPECT_EQ(log.preemptions[2], 1u);
    EXPECT_EQ(engine->GetPreemptions(), 1u);
    EXPECT_EQ(log.preemptedTrace, 1u);
    EXPECT_EQ(log.admissions, (std::vector<uint64_t>{1, 2, 2}));
    EXPECT_EQ(log.iterationTokens, (std::vector<uint32_t>{8, 2, 2, 2, 2, 1, 9}));
    EXPECT_EQ(log.maxKvBlocks, 4u);
    EXPECT_EQ(engine->GetOutputTokens(), 12u);
}

TEST_F(ContinuousBatchingTest, NoAdmissionInAnIterationThatPreempted)
{
    Ptr<InferenceCostModel> cost = OneSecondIterations();
    Settings s;
    s.maxNumSeqs = 4;
    s.blockSize = 4;
    s.utilisation = UtilisationFor(cost, 4, 4);
    Ptr<LlmEngine> engine = MakeEngine(cost, s);
    JobLog log(engine);
    SubmitAt(engine, 0, Job(1, 4, 6));
    SubmitAt(engine, 0, Job(2, 4, 6));
    // A one-block job waiting when the preemption at 5 frees two blocks.
    SubmitAt(engine, 4.5, Job(3, 1, 1));
    Simulator::Run();
    // At 5 job 2 is evicted and job 3 waits behind it (preempted jobs go first); at 6 job 1
    // has ended: job 2 (three blocks) and job 3 (one) both fit.
    EXPECT_EQ(log.started[3], Seconds(6));
    EXPECT_EQ(log.completed[3], Seconds(7));
    EXPECT_EQ(log.completed[2], Seconds(7));
    EXPECT_EQ(log.admissions, (std::vector<uint64_t>{1, 2, 2, 3}));
}

TEST_F(ContinuousBatchingTest, RefusesJobsThatCanNeverFit)
{
    Ptr<InferenceCostModel> cost = OneSecondIterations();
    Settings s;
    s.maxNumSeqs = 4;
    s.blockSize = 4;
    s.maxBatchedTokens = 12;
    s.utilisation = UtilisationFor(cost, 4, 4);
    Ptr<LlmEngine> engine = MakeEngine(cost, s);
    JobLog log(engine);
    EXPECT_FALSE(engine->Submit(Job(1, 10, 8))); // 17 tokens of KV > 16
    EXPECT_FALSE(engine->Submit(Job(2, 13, 1))); // prompt beyond the token budget
    EXPECT_FALSE(engine->Submit(Job(3, 8, 6)));  // a recompute of 13 would not fit one step
    EXPECT_TRUE(engine->Submit(Job(4, 8, 5)));   // 12 at most: fits both
    Simulator::Run();
    EXPECT_EQ(log.dropped[1], "kv-cache-too-small");
    EXPECT_EQ(log.dropped[2], "over-token-budget");
    EXPECT_EQ(log.dropped[3], "over-token-budget");
    EXPECT_EQ(log.completed.count(4), 1u);
}

TEST_F(ContinuousBatchingTest, PrefillOnlyAndDecodeOnlyJobs)
{
    Settings s;
    Ptr<LlmEngine> engine = MakeEngine(OneSecondIterations(), s);
    JobLog log(engine);
    InferenceJob decode = Job(2, 0, 3);
    decode.contextTokens = 50;
    SubmitAt(engine, 0, Job(1, 50, 0)); // prefill only: no token
    SubmitAt(engine, 0, decode);        // three decode steps from a cached context
    Simulator::Run();
    EXPECT_EQ(log.completed[1], Seconds(1));
    EXPECT_EQ(log.firstToken.count(1), 0u);
    EXPECT_EQ(log.firstToken[2], Seconds(1));
    EXPECT_EQ(log.completed[2], Seconds(3));
    EXPECT_EQ(log.iterationTokens, (std::vector<uint32_t>{51, 1, 1}));
}

TEST_F(ContinuousBatchingTest, MiddleLayersFireNoFirstTokenAndHoldMoreKvBlocks)
{
    Ptr<InferenceCostModel> cost = test::Roofline("llama-3-8b", "edge-server-l4");
    Settings s;
    Ptr<LlmEngine> whole = MakeEngine(cost, s);
    Ptr<LlmEngine> middle = CreateObject<LlmEngine>();
    middle->SetAttribute("FirstLayer", UintegerValue(8));
    middle->SetAttribute("LastLayer", UintegerValue(16));
    middle->SetScheduler(CreateObject<ContinuousBatchingScheduler>());
    middle->SetCostModel(cost);
    // A quarter of the layers: a quarter of the KV per token, and far fewer weights.
    EXPECT_GT(middle->GetKvBlocks(), 4 * whole->GetKvBlocks());
    JobLog log(middle);
    SubmitAt(middle, 0, Job(1, 100, 5));
    Simulator::Run();
    EXPECT_EQ(log.completed.count(1), 1u);
    EXPECT_EQ(log.firstToken.count(1), 0u);
    EXPECT_EQ(log.iterationTokens.size(), 5u); // one prefill, four decode steps
    middle->Dispose();
}

TEST_F(ContinuousBatchingTest, BadSettingsAreOneLineErrors)
{
    auto refuse = [this](Settings s, const std::string& needle, const std::string& model) {
        try
        {
            MakeEngine(test::Roofline(model, "edge-server-l4"), s);
            ADD_FAILURE() << "accepted; expected an error naming " << needle;
        }
        catch (const std::invalid_argument& e)
        {
            const std::string what = e.what();
            EXPECT_NE(what.find(needle), std::string::npos) << what;
            EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        }
    };
    Settings zeroSeqs;
    zeroSeqs.maxNumSeqs = 0;
    refuse(zeroSeqs, "MaxNumSeqs=0", "gpt2-124m");
    Settings smallBudget;
    smallBudget.maxBatchedTokens = 8;
    refuse(smallBudget, "MaxNumBatchedTokens=8", "gpt2-124m");
    Settings fewTokens;
    fewTokens.maxNumSeqs = 64;
    fewTokens.maxBatchedTokens = 32;
    refuse(fewTokens, "MaxNumBatchedTokens=32", "gpt2-124m");
    Settings zeroUse;
    zeroUse.utilisation = 0;
    refuse(zeroUse, "MemoryUtilization=0", "gpt2-124m");
    Settings overUse;
    overUse.utilisation = 1.5;
    refuse(overUse, "MemoryUtilization=1.5", "gpt2-124m");
    Settings weightsOnly;
    weightsOnly.utilisation = 0.6; // 14.4 GiB of the L4's 24: less than Llama-3-8B's weights
    refuse(weightsOnly, "weights take", "llama-3-8b");
    Settings zeroBlock;
    zeroBlock.blockSize = 0;
    refuse(zeroBlock, "BlockSize=0", "gpt2-124m");
}

TEST_F(ContinuousBatchingTest, EveryJobEndsExactlyOnceUnderMemoryPressure)
{
    Ptr<InferenceCostModel> cost = test::Roofline("llama-3-8b", "edge-server-l4");
    Settings s;
    s.maxNumSeqs = 64;
    s.utilisation = 0.78; // a few hundred blocks: frequent preemption
    s.chunked = true;
    s.maxBatchedTokens = 512;
    Ptr<LlmEngine> engine = MakeEngine(cost, s);
    engine->SetAttribute("QueueCapacity", UintegerValue(40));
    JobLog log(engine);
    Ptr<ExponentialRandomVariable> gap = CreateObject<ExponentialRandomVariable>();
    gap->SetAttribute("Mean", DoubleValue(0.05));
    gap->SetStream(1);
    Ptr<UniformRandomVariable> size = CreateObject<UniformRandomVariable>();
    size->SetStream(2);
    const uint64_t jobs = 600;
    std::map<uint64_t, int> callbackEnds;
    double at = 0;
    for (uint64_t id = 1; id <= jobs; ++id)
    {
        at += gap->GetValue();
        InferenceJob job = Job(id, size->GetInteger(1, 2500), size->GetInteger(1, 1500));
        job.onCompleted = Callback<void, const InferenceJob&>(
            [&callbackEnds](const InferenceJob& j) { ++callbackEnds[j.requestId]; });
        job.onDropped = Callback<void, const InferenceJob&, const std::string&>(
            [&callbackEnds](const InferenceJob& j, const std::string&) {
                ++callbackEnds[j.requestId];
            });
        SubmitAt(engine, at, job);
    }
    Simulator::Run();
    std::map<std::string, int> reasons;
    for (const auto& [id, reason] : log.dropped)
    {
        ++reasons[reason];
    }
    for (uint64_t id = 1; id <= jobs; ++id)
    {
        EXPECT_EQ(log.ends[id], 1) << "job " << id;
        EXPECT_EQ(callbackEnds[id], 1) << "job " << id;
    }
    EXPECT_GT(engine->GetPreemptions(), 0u);
    EXPECT_GT(reasons["queue-full"], 0);
    EXPECT_GT(log.completed.size(), 50u);
    EXPECT_LE(log.maxKvBlocks, engine->GetKvBlocks());
    EXPECT_EQ(engine->GetRunning() + engine->GetQueueLength(), 0u);
    const double kv = engine->GetKvUtilisation();
    EXPECT_GT(kv, 0.1);
    EXPECT_LE(kv, 1.0);
}

TEST_F(ContinuousBatchingTest, FastForwardGivesTheTimesOfSteppingOneByOne)
{
    auto run = [this](bool fastForward) {
        Ptr<InferenceCostModel> cost = test::Roofline("llama-3-8b", "a100-80gb");
        Settings s;
        s.maxNumSeqs = 16;
        s.utilisation = 0.195; // tight: windows end at missing blocks and preemptions
        s.fastForward = fastForward;
        Ptr<LlmEngine> engine = MakeEngine(cost, s);
        JobLog log(engine);
        Ptr<ExponentialRandomVariable> gap = CreateObject<ExponentialRandomVariable>();
        gap->SetAttribute("Mean", DoubleValue(0.2));
        gap->SetStream(3);
        Ptr<UniformRandomVariable> size = CreateObject<UniformRandomVariable>();
        size->SetStream(4);
        double at = 0;
        for (uint64_t id = 1; id <= 200; ++id)
        {
            at += gap->GetValue();
            SubmitAt(engine, at, Job(id, size->GetInteger(10, 600), size->GetInteger(1, 400)));
        }
        Simulator::Run();
        const uint64_t events = Simulator::GetEventCount();
        const uint64_t preemptions = engine->GetPreemptions();
        const uint64_t iterations = engine->GetIterations();
        Simulator::Destroy();
        return std::make_tuple(log.firstToken, log.completed, preemptions, iterations, events);
    };
    const auto [firstFast, doneFast, preemptFast, iterFast, eventsFast] = run(true);
    const auto [firstStep, doneStep, preemptStep, iterStep, eventsStep] = run(false);
    ASSERT_EQ(doneFast.size(), 200u);
    EXPECT_EQ(firstFast, firstStep);
    EXPECT_EQ(doneFast, doneStep);
    EXPECT_EQ(preemptFast, preemptStep);
    EXPECT_GT(preemptFast, 0u);
    EXPECT_EQ(iterFast, iterStep);
    EXPECT_LT(eventsFast * 2, eventsStep) << "fast-forward saved few events";
    RecordProperty("events_fast_forward", std::to_string(eventsFast));
    RecordProperty("events_stepping", std::to_string(eventsStep));
}

TEST_F(ContinuousBatchingTest, OneSequenceAtATimeIsFcfs)
{
    // MaxNumSeqs = 1: the batching machinery serves jobs as fcfs does, to Time's 1 ns rounding
    // of each iteration (fcfs rounds a whole decode once).
    const std::vector<std::pair<double, InferenceJob>> plan = {{0.0, Job(1, 100, 10)},
                                                               {0.0, Job(2, 5, 1)},
                                                               {0.0, Job(3, 300, 40)},
                                                               {0.001, Job(4, 20, 20)},
                                                               {0.002, Job(5, 1, 3)},
                                                               {500.0, Job(6, 50, 5)}};
    auto run = [&](Ptr<LlmScheduler> scheduler) {
        Ptr<LlmEngine> engine = Install(test::Roofline("gpt2-124m", "raspberry-pi-5"), scheduler);
        JobLog log(engine);
        for (const auto& [at, job] : plan)
        {
            SubmitAt(engine, at, job);
        }
        Simulator::Run();
        Simulator::Destroy();
        return log;
    };
    Ptr<ContinuousBatchingScheduler> one = CreateObject<ContinuousBatchingScheduler>();
    one->SetAttribute("MaxNumSeqs", UintegerValue(1));
    const JobLog fcfs = run(CreateObject<FcfsScheduler>());
    const JobLog continuous = run(one);
    ASSERT_EQ(fcfs.completed.size(), plan.size());
    ASSERT_EQ(continuous.completed.size(), plan.size());
    for (const auto& [at, job] : plan)
    {
        const uint64_t id = job.requestId;
        const int64_t tolerance = job.outputTokens; // ns
        EXPECT_NEAR(continuous.started.at(id).GetNanoSeconds(),
                    fcfs.started.at(id).GetNanoSeconds(),
                    tolerance)
            << id;
        EXPECT_EQ(continuous.firstToken.at(id) - continuous.started.at(id),
                  fcfs.firstToken.at(id) - fcfs.started.at(id))
            << "prefill of " << id;
        EXPECT_NEAR(continuous.completed.at(id).GetNanoSeconds(),
                    fcfs.completed.at(id).GetNanoSeconds(),
                    2 * tolerance)
            << id;
    }
    EXPECT_EQ(continuous.admissions, fcfs.admissions);
}

TEST_F(ContinuousBatchingTest, ThroughputRisesWithBatchSizeUntilMemoryBinds)
{
    // 64 requests of 128 + 128 tokens, all queued at once, Llama-3-8B on an A100.
    auto tokensPerSecond = [this](uint32_t maxNumSeqs, double utilisation, double* meanBatch) {
        Ptr<InferenceCostModel> cost = test::Roofline("llama-3-8b", "a100-80gb");
        Settings s;
        s.maxNumSeqs = maxNumSeqs;
        s.utilisation = utilisation;
        Ptr<LlmEngine> engine = MakeEngine(cost, s);
        for (uint64_t id = 1; id <= 64; ++id)
        {
            SubmitAt(engine, 0, Job(id, 128, 128));
        }
        Simulator::Run();
        const double rate = engine->GetOutputTokens() / Simulator::Now().GetSeconds();
        *meanBatch = engine->GetMeanBatchSize();
        Simulator::Destroy();
        return rate;
    };
    double batch = 0;
    double previous = 0;
    for (uint32_t seqs : {1, 4, 16, 64})
    {
        const double rate = tokensPerSecond(seqs, 0.9, &batch);
        EXPECT_GT(rate, previous * 1.5) << "MaxNumSeqs " << seqs;
        EXPECT_LE(batch, seqs);
        previous = rate;
    }
    // KV memory for 8 whole sequences (16 prompts): asking for 64 no longer helps.
    Ptr<InferenceCostModel> cost = test::Roofline("llama-3-8b", "a100-80gb");
    const double tight = UtilisationFor(cost, 8 * 16, 16);
    const double bound = tokensPerSecond(64, tight, &batch);
    EXPECT_LE(batch, 16.0);
    EXPECT_LT(bound, 0.5 * previous);
}
