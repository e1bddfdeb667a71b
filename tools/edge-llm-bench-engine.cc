/*
 * edge-llm-bench-engine: how many requests the engine alone (no network, no outputs)
 * simulates per wall-clock second, for each scheduler.
 *
 *   ./edge-llm bench engine [--requests=N] [--model=M] [--device=D] [--load=RHO]
 *
 * Poisson arrivals of Azure-trace-like lengths go straight to one engine's Submit(); the
 * arrival rate is set from the cost model so that the engine runs at the given load. Prints
 * one line per scheduler: simulated requests, simulated seconds, wall seconds, requests per
 * wall second. A benchmark, not a test: figures depend on the machine.
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <chrono>
#include <cstdio>
#include <iostream>

using namespace ns3;

namespace
{

struct Result
{
    uint64_t completed{0};
    uint64_t dropped{0};
    double simulated{0};
    double wall{0};
    double meanBatch{0};
};

Result
RunOnce(const std::string& scheduler,
        const std::string& model,
        const std::string& device,
        uint64_t requests,
        double rate)
{
    LlmEngineHelper helper;
    helper.SetCostModel("ns3::RooflineCostModel");
    helper.SetCostModelAttribute("Model", StringValue(model));
    helper.SetCostModelAttribute("Device", StringValue(device));
    helper.SetEngineAttribute("QueueCapacity", UintegerValue(1000000));
    helper.SetScheduler(scheduler);
    Ptr<Node> node = CreateObject<Node>();
    Ptr<LlmEngine> engine = helper.Install(node);

    // The clients' default workload (Azure-trace lengths), at the given rate.
    Ptr<LlmWorkload> workload = CreateObject<LlmWorkload>();
    workload->SetAttribute(
        "Interarrival",
        StringValue("ns3::ExponentialRandomVariable[Mean=" + NumberText(1.0 / rate) + "]"));
    workload->AssignStreams(1);

    Result result;
    // Arrivals scheduled one at a time, as a client would issue them.
    uint64_t issued = 0;
    std::function<void()> arrive = [&]() {
        InferenceJob job;
        job.requestId = ++issued;
        job.promptTokens = workload->NextPromptTokens();
        job.outputTokens = workload->NextOutputTokens();
        job.onCompleted = Callback<void, const InferenceJob&>(
            [&result](const InferenceJob&) { ++result.completed; });
        job.onDropped = Callback<void, const InferenceJob&, const std::string&>(
            [&result](const InferenceJob&, const std::string&) { ++result.dropped; });
        engine->Submit(job);
        if (issued < requests)
        {
            Simulator::Schedule(workload->NextInterarrival(), arrive);
        }
    };
    Simulator::Schedule(workload->NextInterarrival(), arrive);
    const auto start = std::chrono::steady_clock::now();
    Simulator::Run();
    result.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.simulated = Simulator::Now().GetSeconds();
    result.meanBatch = engine->GetMeanBatchSize();
    node->Dispose();
    Simulator::Destroy();
    return result;
}

} // namespace

int
main(int argc, char* argv[])
{
    uint64_t requests = 100000;
    std::string model = "llama-3-8b";
    std::string device = "a100-80gb";
    double load = 0.8;
    ProgramOptions cmd("edge-llm-bench-engine",
                       "Requests per wall-clock second of the engine alone, per scheduler.");
    cmd.AddValue("requests", "Requests to simulate per scheduler (1 to 1e8)", requests);
    cmd.AddValue("model", "Model preset: " + ModelSpec::PresetList(), model);
    cmd.AddValue("device", "Device preset: " + DeviceProfile::PresetList(), device);
    cmd.AddValue("load", "Load of the fcfs engine, arrival rate x mean service time (0, 1]", load);
    cmd.Parse(argc, argv);
    if (requests < 1 || requests > 100000000 || !(load > 0 && load <= 1))
    {
        std::cerr << "error: --requests must be 1 to 1e8 and --load in (0, 1]" << std::endl;
        return 2;
    }
    double mean = 0;
    try
    {
        Ptr<RooflineCostModel> cost = CreateObject<RooflineCostModel>();
        cost->SetModel(ModelSpec::Preset(model));
        cost->SetDevice(DeviceProfile::Preset(device));
        Ptr<LlmWorkload> lengths = CreateObject<LlmWorkload>();
        lengths->AssignStreams(100);
        mean = lengths->MeanServiceSeconds(*cost, 5000);
    }
    catch (const std::exception& e)
    {
        std::cerr << "error: " << e.what() << std::endl;
        return 2;
    }
    // The same arrivals for both: the rate that loads one-at-a-time service to `load`.
    const double rate = load / mean;
    std::printf("engine alone: %s on %s (roofline), %llu Poisson requests at %.3f/s "
                "(fcfs load %.2f)\n",
                model.c_str(),
                device.c_str(),
                static_cast<unsigned long long>(requests),
                rate,
                load);
    std::printf("%-12s %10s %10s %12s %10s %12s %16s\n",
                "scheduler",
                "completed",
                "dropped",
                "simulated_s",
                "wall_s",
                "mean_batch",
                "requests/wall_s");
    for (const char* scheduler : {"ns3::FcfsScheduler", "ns3::ContinuousBatchingScheduler"})
    {
        const Result r = RunOnce(scheduler, model, device, requests, rate);
        std::printf("%-12s %10llu %10llu %12.1f %10.3f %12.2f %16.0f\n",
                    std::string(scheduler).find("Fcfs") != std::string::npos ? "fcfs"
                                                                             : "continuous",
                    static_cast<unsigned long long>(r.completed),
                    static_cast<unsigned long long>(r.dropped),
                    r.simulated,
                    r.wall,
                    r.meanBatch,
                    (r.completed + r.dropped) / r.wall);
    }
    return 0;
}
