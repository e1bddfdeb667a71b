/*
 * RouterScenario: an expert-router run (or its tensor-parallel baseline), built from one set
 * of parameters.
 */
#ifndef EDGE_LLM_ROUTER_SCENARIO_H
#define EDGE_LLM_ROUTER_SCENARIO_H

#include "access-network-options.h"
#include "llm-run-helper.h"
#include "run-summary.h"

#include <string>

namespace ns3
{

struct RouterScenarioConfig
{
    uint32_t users{100};
    uint32_t usersPerNode{10};
    std::string mode{"closed-loop"};               //!< closed-loop | poisson | trace
    double rate{1};                                //!< total requests per second (poisson)
    double think{5};                               //!< mean think time, s (closed-loop)
    std::string trace;                             //!< Azure-format CSV (trace)
    std::string classes{"chat,code,math,science"}; //!< PromptClassMix::Parse
    /// Expert per class, model@device,...
    std::string experts{"llama-3-8b@a100-80gb,llama-3-8b@a100-80gb,llama-3-8b@a100-80gb,"
                        "llama-3-8b@a100-80gb"};
    std::string policy{"by-class"}; //!< RoutingPolicy::ByName
    std::string confusion;          //!< empty: perfect
    std::string classifierDevice{"edge-server-l4"};
    /// The classifier's cost: profiled (bert-base-110m's libtorch profile scaled to
    /// classifierDevice) or roofline.
    std::string classifierCost{"profiled"};
    uint32_t maxConcurrent{0};
    std::string baseline;               //!< empty | tp
    std::string tpModel{"llama-3-70b"}; //!< the TP baseline's model
    std::string tpDevice;               //!< empty: the experts' device xN
    uint32_t maxNumSeqs{256};
    std::string access{"wired"}; //!< AccessNetworkHelper::KindList()
    std::string standard;        //!< empty: the topology's default
    double distance{10};
    AccessNetworkOptions network; //!< mobility, path loss, LTE cells
    std::string backboneRate{"10Gbps"};
    double backboneDelay{0.0005};
    double duration{300};
    double drain{300};
    double timeout{600};
    uint32_t seed{1};
    uint32_t run{1};
    std::string out{"edge-llm-out/edge-llm-expert-router"};
    RunOutputs outputs; //!< optional outputs: plots, timeline, FlowMonitor, NetAnim
};

/**
 * \ingroup edge-llm
 * \brief Builds and runs an expert-router scenario: users (closed-loop, Poisson or trace,
 * drawing prompt classes) on a wired LAN or behind one Wi-Fi AP, whose server node is the
 * gateway (ExpertRouter), and one expert server per class across point-to-point backbone links
 * (continuous batching, roofline cost); or, for the TP baseline, one engine on the experts'
 * GPUs pooled (an xN device) where the gateway would be, without a classifier. Writes
 * requests.csv, queue.csv and summary.json to `out`. Bad parameters throw
 * std::invalid_argument (one line) before anything is built or written. Wiring only.
 */
class RouterScenario
{
  public:
    explicit RouterScenario(const RouterScenarioConfig& config);
    /// Throws std::invalid_argument (one line) when a parameter is bad; builds nothing.
    void Validate();
    /// Validates, builds, runs and writes the outputs; prints a one-line description to
    /// `banner` when given.
    RunSummary Run(std::ostream* banner = nullptr);

  private:
    RouterScenarioConfig m_config;
};

} // namespace ns3

#endif // EDGE_LLM_ROUTER_SCENARIO_H
