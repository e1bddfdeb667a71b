/*
 * LlmRunHelper: runs a scenario and writes its outputs (requests.csv, queue.csv, summary.json).
 */
#ifndef EDGE_LLM_LLM_RUN_HELPER_H
#define EDGE_LLM_LLM_RUN_HELPER_H

#include "battery-helper.h"
#include "expert-router.h"
#include "llm-engine.h"
#include "queue-log.h"
#include "request-log.h"
#include "run-summary.h"

#include "ns3/application-container.h"
#include "ns3/nstime.h"

#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

class ProgramOptions;

/// What a run writes besides requests.csv, queue.csv and summary.json (all off by default).
struct RunOutputs
{
    bool plots{false};       //!< latency and TTFT CDFs, queue length over time (gnuplot PNG)
    bool timeline{false};    //!< timeline.json: Chrome trace events (Perfetto)
    bool flowMonitor{false}; //!< flowmon.xml: ns-3 FlowMonitor statistics per flow
    bool netAnim{false};     //!< netanim.xml: NetAnim's animation trace

    /// Declares --plots, --timeline, --flowmon and --netanim on a program's options.
    void AddOptions(ProgramOptions& options);
};

/**
 * \ingroup edge-llm
 * \brief Connects the logs to clients and engines, runs the simulation, and writes the
 * output directory.
 *
 * Clients issue requests until `issueUntil`; the run then drains: it stops as soon as no
 * request is open, or at `issueUntil + drain`, when the clients stop and whatever is still
 * open fails as "unfinished". requests.csv and queue.csv stream to disk as the run goes
 * (RequestLog::Open, QueueLog::SetKeepSeries(false)): memory does not grow with the run's
 * length, and GetRequestLog()->GetRows() holds only the requests still open. Each file gets
 * its name only when complete (`<file>.partial` until then).
 */
class LlmRunHelper
{
  public:
    /// Creates `outDir` (and parents); throws std::runtime_error if it cannot.
    explicit LlmRunHelper(const std::string& outDir);

    void WatchClients(const ApplicationContainer& clients);
    void WatchEngine(Ptr<LlmEngine> engine, uint32_t node);
    /// Batteries (BatteryHelper) whose draw and depletion summary.json reports.
    void WatchBatteries(const std::vector<Battery>& batteries);
    /// Adds the router's class, expert and gateway times to the rows of what it forwards.
    void WatchRouter(Ptr<ExpertRouter> router);
    /// The optional outputs; call before Run.
    void SetOutputs(const RunOutputs& outputs);
    /// A parameter echoed in summary.json's "scenario".
    void SetScenario(const std::string& key, const std::string& value);
    /// The offered load rho the cost model predicts, written to summary.json; for MoA also
    /// the load with prompt growth.
    void SetOfferedLoad(double rho, double rhoWithGrowth = std::nan(""));
    /// A count read when the run ends, written to summary.json as a top-level `key` (e.g.
    /// "handovers" of an LTE network).
    void SetCount(const std::string& key, std::function<uint64_t()> read);

    /// Runs until drained; returns the summary (already written to summary.json).
    RunSummary Run(Time issueUntil, Time drain);

    const std::string& GetOutDir() const;
    std::string Path(const std::string& file) const; //!< outDir/file
    Ptr<RequestLog> GetRequestLog() const;
    Ptr<QueueLog> GetQueueLog() const;

  private:
    void CheckDrained();
    /// plots.plt (reads requests.csv and queue.csv) and, with gnuplot, its PNGs.
    void WritePlots() const;

    std::string m_outDir;
    Ptr<RequestLog> m_requests;
    Ptr<QueueLog> m_queues;
    ApplicationContainer m_clients;
    std::vector<std::pair<uint32_t, Ptr<LlmEngine>>> m_engines;
    std::vector<Battery> m_batteries;
    std::map<std::string, std::string> m_scenario;
    std::map<std::string, std::function<uint64_t()>> m_counts;
    double m_rho{std::nan("")};
    double m_rhoWithGrowth{std::nan("")};
    RunOutputs m_outputs;
};

} // namespace ns3

#endif // EDGE_LLM_LLM_RUN_HELPER_H
