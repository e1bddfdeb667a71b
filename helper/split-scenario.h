/*
 * SplitScenario: a split-inference run (SplitLLM), built from one set of parameters.
 */
#ifndef EDGE_LLM_SPLIT_SCENARIO_H
#define EDGE_LLM_SPLIT_SCENARIO_H

#include "access-network-options.h"
#include "llm-run-helper.h"
#include "run-summary.h"

#include <map>
#include <string>
#include <vector>

namespace ns3
{

/// The parameters of a split run (the example's command-line options).
struct SplitScenarioConfig
{
    uint32_t clients{8};
    std::vector<std::string> clientDevices{"jetson-orin-nano"}; //!< cycled over the clients
    std::string model{"llama-3-8b-int4"};
    std::string serverDevice{"edge-server-l4"};
    std::string cost{"roofline"}; //!< roofline | profiled
    std::string planner{"dp"};    //!< SplitPlanner::ByName
    double sla{4};                //!< seconds for a whole request
    double slaHeadroom{0.05};     //!< SplitClient's SlaHeadroom
    double load{0.05};            //!< requests per second per client (Poisson)
    uint32_t promptTokens{256};   //!< 0: the Azure conversation trace's distribution
    uint32_t outputTokens{64};    //!< 0: the Azure conversation trace's distribution
    std::string access{"wifi"};   //!< AccessNetworkHelper::KindList(); wifi: wifi-star
    std::string standard;         //!< empty: the topology's default
    double distance{10};          //!< metres from the access point (wifi)
    AccessNetworkOptions network; //!< mobility, path loss, LTE cells
    double duration{300};         //!< seconds clients issue requests
    double drain{120};            //!< seconds after that for open requests
    double timeout{300};          //!< a request open this long fails
    bool pcap{false};
    std::string out{"edge-llm-out/edge-llm-split"};
    uint32_t seed{1};
    uint32_t run{1};
    /// Planners also asked, on every request, what they would place given exactly the
    /// inputs the running planner had (they change nothing in the run).
    std::vector<std::string> shadowPlanners;
    RunOutputs outputs;     //!< optional outputs: plots, timeline, FlowMonitor, NetAnim
    BatteryOptions battery; //!< the client devices' batteries (off: mains power)
};

/// What a shadow planner would have done on the requests of a run.
struct ShadowPlanning
{
    Distribution serverWork; //!< planned server seconds per request
    Distribution latency;    //!< planned latency per request
    double feasibleShare{0}; //!< share of requests it could plan within the SLA and memory
};

/// What a run gave, beyond the summary written to out/summary.json.
struct SplitScenarioResult
{
    RunSummary summary;
    double serverUtilisation{0};                   //!< the server engine's busy share of the run
    std::map<std::string, ShadowPlanning> shadows; //!< by planner name
};

/**
 * \ingroup edge-llm
 * \brief Builds and runs a split-inference scenario: client devices (presets cycled) around
 * a Wi-Fi access point, in an LTE cell (the server behind the PGW), or on a wired LAN, each with
 * its own LlmEngine (fcfs: one user) and a SplitClient; an edge server wired to the AP with a
 * continuously batching LlmEngine and a SplitServer. Every client plans each request with the named
 * planner. Runs, writes requests.csv, queue.csv and summary.json to `out`. Wiring only.
 */
class SplitScenario
{
  public:
    /// Throws std::invalid_argument with a one-line message for a bad parameter.
    explicit SplitScenario(const SplitScenarioConfig& config);
    /// Builds, runs and writes the outputs (resets the simulator after).
    SplitScenarioResult Run();

  private:
    void Validate() const;
    SplitScenarioConfig m_config;
};

} // namespace ns3

#endif // EDGE_LLM_SPLIT_SCENARIO_H
