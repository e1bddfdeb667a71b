/*
 * LoadLiveCostModelPlugin: loads the libtorch half of edge-llm only when it is asked for.
 */
#ifndef EDGE_LLM_LIVE_COST_MODEL_PLUGIN_H
#define EDGE_LLM_LIVE_COST_MODEL_PLUGIN_H

#include <string>

namespace ns3
{

/**
 * \ingroup edge-llm
 * Loads libns3-edge-llm-torch (ns3::LiveCostModel and the libtorch profiler) into the
 * process, once, so that ns3::LiveCostModel can be created by name. Programs that never ask
 * for it never load libtorch (about 0.4 s of CPU and 160 MiB at start-up). Looks next to
 * libns3-edge-llm first, then in the loader's search path. Returns "" when the type is
 * available, otherwise one line saying why not.
 */
std::string LoadLiveCostModelPlugin();

} // namespace ns3

#endif // EDGE_LLM_LIVE_COST_MODEL_PLUGIN_H
