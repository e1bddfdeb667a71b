#include "overhead-star.h"

#include "llm-app-helper.h"
#include "llm-engine-helper.h"
#include "llm-run-helper.h"
#include "run-counters.h"
#include "socket-replay.h"
#include "wifi-star-helper.h"

#include "ns3/config.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <filesystem>
#include <stdexcept>
#include <vector>

namespace ns3
{

namespace
{

/// The simulator reset and seeded, and the star's network built, as the example does.
WifiStar
BuildStar(const OverheadStarConfig& config)
{
    Simulator::Destroy();
    Config::Reset();
    RngSeedManager::SetSeed(config.seed);
    RngSeedManager::SetRun(config.run);
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    WifiStarHelper starHelper;
    return starHelper.Install(config.phones, 100);
}

NodeContainer
AllNodes(const WifiStar& star)
{
    return NodeContainer(star.stations, star.accessPoint, star.server);
}

/// A fresh temporary directory for the run helper's files.
std::string
TempDir()
{
    std::string pattern =
        (std::filesystem::temp_directory_path() / "edge-llm-overhead-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!mkdtemp(buffer.data()))
    {
        throw std::runtime_error("cannot create a temporary directory from " + pattern);
    }
    return buffer.data();
}

} // namespace

OverheadRunResult
OverheadStar::RunFull(const OverheadStarConfig& config,
                      Ptr<SocketRecorder> recorder,
                      Ptr<FrameDigest> digest)
{
    const WifiStar star = BuildStar(config);

    // As edge-llm-wifi-star builds it with its defaults.
    LlmEngineHelper engineHelper;
    engineHelper.SetCostModel("ns3::ProfiledCostModel");
    engineHelper.SetCostModelAttribute("Model", StringValue("llama-3-8b"));
    engineHelper.SetCostModelAttribute("ProfileFile", StringValue(""));
    engineHelper.SetCostModelAttribute("Device", StringValue("edge-server-l4"));
    engineHelper.SetEngineAttribute("QueueCapacity", UintegerValue(64));
    engineHelper.SetScheduler("ns3::ContinuousBatchingScheduler");
    engineHelper.SetSchedulerAttribute("MaxNumSeqs", UintegerValue(256));
    Ptr<LlmEngine> engine = engineHelper.Install(star.server.Get(0));

    const uint16_t port = 8000;
    LlmServerHelper serverHelper(port);
    serverHelper.SetAttribute("BytesPerToken", UintegerValue(config.bytesPerToken));
    serverHelper.Install(star.server).Start(Seconds(0));
    LlmClientHelper clientHelper(star.serverAddress, port);
    clientHelper.SetAttribute("BytesPerToken", UintegerValue(config.bytesPerToken));
    clientHelper.SetAttribute("Timeout", TimeValue(Seconds(300)));
    clientHelper.SetAttribute("Mode", StringValue("poisson"));
    clientHelper.SetWorkloadAttribute("Interarrival",
                                      StringValue("ns3::ExponentialRandomVariable[Mean=" +
                                                  std::to_string(1.0 / config.load) + "]"));
    ApplicationContainer clientApps = clientHelper.Install(star.stations);
    LlmClientHelper::AssignStreams(clientApps, 1000);
    clientApps.Start(Seconds(1));

    if (recorder)
    {
        recorder->Install(AllNodes(star));
    }
    if (digest)
    {
        digest->Attach(AllNodes(star));
    }
    const std::string dir = TempDir();
    OverheadRunResult result;
    {
        LlmRunHelper runner(dir);
        runner.WatchClients(clientApps);
        runner.WatchEngine(engine, star.server.Get(0)->GetId());
        RunCounters counters;
        counters.Start();
        const RunSummary summary = runner.Run(Seconds(1 + config.duration), Seconds(config.drain));
        counters.Stop();
        result.wallSeconds = counters.GetWallSeconds();
        result.cpuSeconds = counters.GetCpuSeconds();
        result.instructions = counters.GetInstructions();
        result.requests = summary.requests;
        result.completed = summary.completed;
        result.end = Simulator::Now();
    }
    if (recorder)
    {
        recorder->GetSchedule().SetEnd(result.end);
    }
    Simulator::Destroy();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    return result;
}

OverheadRunResult
OverheadStar::RunBare(const OverheadStarConfig& config,
                      const SocketSchedule& schedule,
                      Ptr<FrameDigest> digest)
{
    const WifiStar star = BuildStar(config);
    Ptr<SocketReplay> replay = Create<SocketReplay>(schedule);
    replay->Start();
    if (digest)
    {
        digest->Attach(AllNodes(star));
    }
    Simulator::Stop(schedule.GetEnd());
    OverheadRunResult result;
    RunCounters counters;
    counters.Start();
    Simulator::Run();
    counters.Stop();
    result.wallSeconds = counters.GetWallSeconds();
    result.cpuSeconds = counters.GetCpuSeconds();
    result.instructions = counters.GetInstructions();
    result.end = Simulator::Now();
    result.error = replay->GetError();
    Simulator::Destroy();
    return result;
}

} // namespace ns3
