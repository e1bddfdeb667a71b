#include "llm-run-helper.h"

#include "llm-user-application.h"
#include "program-options.h"
#include "progress-bar.h"
#include "request-statistics.h"
#include "run-timeline.h"

#include "ns3/flow-monitor-helper.h"
#include "ns3/netanim-module.h"
#include "ns3/simulator.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace ns3
{

LlmRunHelper::LlmRunHelper(const std::string& outDir)
    : m_outDir(outDir),
      m_requests(CreateObject<RequestLog>()),
      m_queues(CreateObject<QueueLog>())
{
    std::error_code error;
    std::filesystem::create_directories(outDir, error);
    if (!std::filesystem::is_directory(outDir, error))
    {
        throw std::runtime_error("cannot create output directory '" + outDir + "'");
    }
    // Files of an earlier run in the same directory must not pass for this run's.
    for (const char* stale : {"requests.csv",
                              "queue.csv",
                              "summary.json",
                              "timeline.json",
                              "flowmon.xml",
                              "netanim.xml",
                              "plots.plt",
                              "latency-cdf.png",
                              "queue.png"})
    {
        std::filesystem::remove(Path(stale), error);
    }
    // Rows and queue changes go to disk as the run goes: memory stays flat in its length.
    m_queues->SetKeepSeries(false);
    m_queues->Open(Path("queue.csv"));
    m_requests->Open(Path("requests.csv"));
}

void
RunOutputs::AddOptions(ProgramOptions& options)
{
    options.AddValue("plots", "Write latency/TTFT CDF and queue PNG plots (gnuplot)", plots);
    options.AddValue("timeline", "Write timeline.json (Chrome trace events, Perfetto)", timeline);
    options.AddValue("flowmon", "Write flowmon.xml (ns-3 FlowMonitor per flow)", flowMonitor);
    options.AddValue("netanim", "Write netanim.xml (NetAnim; large)", netAnim);
}

void
LlmRunHelper::SetOutputs(const RunOutputs& outputs)
{
    m_outputs = outputs;
}

const std::string&
LlmRunHelper::GetOutDir() const
{
    return m_outDir;
}

std::string
LlmRunHelper::Path(const std::string& file) const
{
    return (std::filesystem::path(m_outDir) / file).string();
}

Ptr<RequestLog>
LlmRunHelper::GetRequestLog() const
{
    return m_requests;
}

Ptr<QueueLog>
LlmRunHelper::GetQueueLog() const
{
    return m_queues;
}

void
LlmRunHelper::WatchClients(const ApplicationContainer& clients)
{
    for (auto it = clients.Begin(); it != clients.End(); ++it)
    {
        if (Ptr<LlmUserApplication> user = DynamicCast<LlmUserApplication>(*it))
        {
            m_requests->WatchClient(user);
            m_clients.Add(user);
        }
    }
}

void
LlmRunHelper::WatchBatteries(const std::vector<Battery>& batteries)
{
    m_batteries.insert(m_batteries.end(), batteries.begin(), batteries.end());
}

void
LlmRunHelper::WatchEngine(Ptr<LlmEngine> engine, uint32_t node)
{
    m_requests->WatchEngine(engine, node);
    m_queues->Watch(engine, node);
    m_engines.emplace_back(node, engine);
}

void
LlmRunHelper::WatchRouter(Ptr<ExpertRouter> router)
{
    m_requests->WatchRouter(router);
}

void
LlmRunHelper::SetScenario(const std::string& key, const std::string& value)
{
    m_scenario[key] = value;
}

void
LlmRunHelper::SetOfferedLoad(double rho, double rhoWithGrowth)
{
    m_rho = rho;
    m_rhoWithGrowth = rhoWithGrowth;
}

void
LlmRunHelper::SetCount(const std::string& key, std::function<uint64_t()> read)
{
    m_counts[key] = std::move(read);
}

void
LlmRunHelper::CheckDrained()
{
    for (auto it = m_clients.Begin(); it != m_clients.End(); ++it)
    {
        if (DynamicCast<LlmUserApplication>(*it)->GetOpen() > 0)
        {
            Simulator::Schedule(Seconds(1), &LlmRunHelper::CheckDrained, this);
            return;
        }
    }
    Simulator::Stop();
}

RunSummary
LlmRunHelper::Run(Time issueUntil, Time drain)
{
    for (auto it = m_clients.Begin(); it != m_clients.End(); ++it)
    {
        Ptr<LlmUserApplication> client = DynamicCast<LlmUserApplication>(*it);
        Simulator::Schedule(issueUntil, &LlmUserApplication::StopIssuing, client);
        client->SetStopTime(issueUntil + drain);
    }
    Simulator::Schedule(issueUntil, &LlmRunHelper::CheckDrained, this);
    const Time end = issueUntil + drain;
    Simulator::Stop(end + MilliSeconds(1));
    Ptr<RunTimeline> timeline;
    if (m_outputs.timeline)
    {
        timeline = CreateObject<RunTimeline>();
        timeline->Open(Path("timeline.json"));
        for (const auto& [node, engine] : m_engines)
        {
            timeline->WatchEngine(engine, node);
        }
        for (auto it = m_clients.Begin(); it != m_clients.End(); ++it)
        {
            timeline->WatchClient(DynamicCast<LlmUserApplication>(*it));
        }
    }
    FlowMonitorHelper flows;
    Ptr<FlowMonitor> monitor = m_outputs.flowMonitor ? flows.InstallAll() : nullptr;
    std::unique_ptr<AnimationInterface> animation;
    if (m_outputs.netAnim)
    {
        animation = std::make_unique<AnimationInterface>(Path("netanim.xml"));
        animation->SetMaxPktsPerTraceFile(10000000);
    }
    ProgressBar progress(end, Seconds(1));
    const auto wallStart = std::chrono::steady_clock::now();
    Simulator::Run();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    progress.Finish();

    // requests.csv in request-id order; the summary's request figures from the same pass.
    RequestStatistics statistics;
    m_requests->Close(statistics);
    // Queue trends span the time users issued requests: from the first arrival on.
    const Time firstArrival = Min(issueUntil, statistics.GetFirstArrival(issueUntil));
    RunSummary summary = RunSummary::Compute(statistics,
                                             *m_queues,
                                             m_engines,
                                             Simulator::Now(),
                                             firstArrival,
                                             Min(issueUntil, Simulator::Now()));
    summary.scenario = m_scenario;
    summary.rho = m_rho;
    summary.rhoWithGrowth = m_rhoWithGrowth;
    summary.wallSeconds = wall;
    for (const auto& [key, read] : m_counts)
    {
        summary.counts[key] = read();
    }
    for (const Battery& b : m_batteries)
    {
        BatterySummary s;
        s.node = b.node->GetId();
        s.capacityJoules = b.source->GetInitialEnergy();
        s.radioJoules = b.RadioJoules();
        s.computeJoules = b.ComputeJoules();
        // From the devices' own integrals, exact at this instant (the source updates itself
        // only every PeriodicEnergyUpdateInterval and at state changes).
        s.remainingJoules = std::max(0.0, s.capacityJoules - s.radioJoules - s.computeJoules);
        const Time depleted = b.DepletionTime();
        s.depletedAtSeconds = depleted.IsNegative() ? std::nan("") : depleted.GetSeconds();
        summary.batteries.push_back(s);
    }
    m_queues->Close();
    if (timeline)
    {
        timeline->Close();
        timeline->Dispose();
    }
    if (monitor)
    {
        monitor->CheckForLostPackets();
        monitor->SerializeToXmlFile(Path("flowmon.xml"), true, true);
    }
    if (m_outputs.plots)
    {
        WritePlots();
    }
    summary.WriteJson(Path("summary.json"));
    return summary;
}

void
LlmRunHelper::WritePlots() const
{
    // gnuplot reads the CSVs by column name: the plots cost no memory in the run.
    std::ostringstream plt;
    plt << "# Plots of this run: gnuplot plots.plt (in this directory)\n"
        << "set terminal pngcairo size 900,560\n"
        << "set datafile separator ','\n"
        << "set datafile columnheaders\n"
        << "set output 'latency-cdf.png'\n"
        << "set title 'Completed requests: latency and time to first token (CDF)'\n"
        << "set xlabel 'seconds'\nset ylabel 'share of completed requests'\n"
        << "set logscale x\nset grid\nset key bottom right\n"
        << "done(c) = strcol('status') eq 'completed' && column(c) > 0 ? column(c) : 1/0\n"
        << "plot 'requests.csv' using (done('latency_s')):(1.0) smooth cnormal title "
           "'latency', '' using (done('ttft_s')):(1.0) smooth cnormal title 'TTFT'\n"
        << "reset\n"
        << "set terminal pngcairo size 900,560\n"
        << "set datafile separator ','\n"
        << "set datafile columnheaders\n"
        << "set output 'queue.png'\n"
        << "set title 'Jobs waiting per engine'\n"
        << "set xlabel 'simulated time (s)'\nset ylabel 'jobs waiting'\nset grid\n"
        << "plot";
    for (size_t i = 0; i < m_engines.size(); ++i)
    {
        const uint32_t node = m_engines[i].first;
        plt << (i ? ", " : " ") << "'queue.csv' using 1:(column(2) == " << node
            << " ? column(3) : 1/0) with steps title 'engine node " << node << "'";
    }
    plt << "\n";
    std::ofstream(Path("plots.plt")) << plt.str();
    const std::string command = "cd '" + m_outDir + "' && gnuplot plots.plt 2>/dev/null";
    if (std::system(command.c_str()) != 0)
    {
        std::cerr << "plots: gnuplot failed or is not installed; run 'gnuplot plots.plt' in "
                  << m_outDir << std::endl;
    }
}

} // namespace ns3
