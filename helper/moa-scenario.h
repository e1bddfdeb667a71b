/*
 * MoaScenario: a distributed Mixture-of-Agents run, built from one set of parameters.
 */
#ifndef EDGE_LLM_MOA_SCENARIO_H
#define EDGE_LLM_MOA_SCENARIO_H

#include "access-network-options.h"
#include "llm-run-helper.h"
#include "run-summary.h"

#include <cmath>
#include <string>
#include <vector>

namespace ns3
{

/// The parameters of an MoA run (the example's command-line options).
struct MoaScenarioConfig
{
    uint32_t nodes{8};
    std::string network{"wireless"};    //!< wireless | ideal
    std::string topology{"single-hop"}; //!< AccessNetworkHelper::KindList()
    std::string standard;               //!< empty: the topology helper's default
    double spacing{0};                  //!< metres, ad hoc kinds; 0: the helper's default
    double distance{0}; //!< metres to the AP or eNB (wifi-star, campus, lte); 0: the default
    /// Mobility, path loss, buildings (every wireless topology), LTE cells and fading (lte)
    /// and the stations' join window (wifi-star, campus); the other kinds refuse the last three.
    AccessNetworkOptions networkOptions;
    uint32_t layers{2}; //!< M
    uint32_t peers{2};  //!< k
    uint32_t aggregatorTokens{120};
    std::string policy{"uniform"}; //!< uniform | queue-aware | proximity
    double lambda{std::nan("")};   //!< prompts per second per user; or give rho
    double rho{std::nan("")};      //!< target offered load; sets lambda
    std::string cost{"profiled"};  //!< profiled | roofline | constant | exponential
    double alpha{10};              //!< mean service seconds for constant | exponential
    std::vector<std::string> models{"tinyllama-1.1b"}; //!< cycled over the nodes
    std::vector<std::string> devices{"jetson-orin-nano"};
    double peerTimeout{120};
    std::string retry{"replace"};
    uint32_t maxRetries{3};
    double warmUp{30};         //!< seconds before users start
    double duration{600};      //!< seconds users issue prompts, after the warm-up
    double drain{300};         //!< seconds after that for open requests
    uint32_t queueCapacity{0}; //!< 0: the engine's default
    int failNode{-1};          //!< node whose Wi-Fi is switched off at failAt (-1: none)
    double failAt{0};
    bool pcap{false};
    std::string out{"edge-llm-out/edge-llm-moa"};
    uint32_t seed{1};
    uint32_t run{1};
    RunOutputs outputs;     //!< optional outputs: plots, timeline, FlowMonitor, NetAnim
    BatteryOptions battery; //!< off: mains power
};

/// What a run gave, beyond the summary written to out/summary.json.
struct MoaScenarioResult
{
    RunSummary summary;
    double lambda{0};   //!< prompts per second per user
    double alphaMax{0}; //!< slowest device's mean service seconds (the theorem's alpha)
    double rho{0};      //!< alphaMax ((k+1)M + 1) lambda
    double rhoWithGrowth{0};
    double wallSeconds{0}; //!< wall-clock time of the simulation itself
};

/**
 * \ingroup edge-llm
 * \brief Builds and runs an MoA scenario: n nodes on a topology of AccessNetworkHelper (ad
 * hoc: the n nodes alone; infrastructure: the n nodes as its clients, its server unused; or
 * the ideal network), an LlmEngine per node (models and devices cycled over the nodes), an MoaAgent
 * and a PeerSampler per node; computes the offered load rho from the cost models (the
 * distributed MoA paper's Theorem 1: rho = alpha_max ((k+1)M + 1) lambda); runs, writes
 * requests.csv, queue.csv and summary.json to `out`. A device that joins its AP later (a
 * join window) starts its agent and its gossip at its join time, its user WarmUp after.
 * Wiring only.
 */
class MoaScenario
{
  public:
    /// Throws std::invalid_argument with a one-line message for a bad parameter.
    explicit MoaScenario(const MoaScenarioConfig& config);
    /// Builds, runs and writes the outputs (resets the simulator first and after).
    MoaScenarioResult Run();

  private:
    void Validate() const;
    MoaScenarioConfig m_config;
};

} // namespace ns3

#endif // EDGE_LLM_MOA_SCENARIO_H
