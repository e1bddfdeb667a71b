#include "llm-run-helper.h"

#include "llm-user-application.h"
#include "progress-bar.h"
#include "request-statistics.h"

#include "ns3/simulator.h"

#include <chrono>
#include <filesystem>
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
    for (const char* stale : {"requests.csv", "queue.csv", "summary.json"})
    {
        std::filesystem::remove(Path(stale), error);
    }
    // Rows and queue changes go to disk as the run goes: memory stays flat in its length.
    m_queues->SetKeepSeries(false);
    m_queues->Open(Path("queue.csv"));
    m_requests->Open(Path("requests.csv"));
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
    m_queues->Close();
    summary.WriteJson(Path("summary.json"));
    return summary;
}

} // namespace ns3
