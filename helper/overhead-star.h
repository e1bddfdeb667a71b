/*
 * OverheadStar: the Wi-Fi star example run with the module, and as a bare ns-3 program.
 */
#ifndef EDGE_LLM_OVERHEAD_STAR_H
#define EDGE_LLM_OVERHEAD_STAR_H

#include "frame-digest.h"
#include "socket-recorder.h"
#include "socket-schedule.h"

#include "ns3/nstime.h"

#include <cstdint>
#include <string>

namespace ns3
{

/// The run: edge-llm-wifi-star's defaults, but for these.
struct OverheadStarConfig
{
    uint32_t phones{8};
    double load{0.05}; //!< requests per second per phone (Poisson)
    double duration{600};
    double drain{300};
    uint32_t bytesPerToken{4};
    uint32_t seed{1};
    uint32_t run{1};
};

/// What one run cost, and what it did.
struct OverheadRunResult
{
    // Both of the run: Simulator::Run, and for the full run the run helper's closing of
    // its logs (a few milliseconds).
    double wallSeconds{0};
    double cpuSeconds{0}; //!< this thread's
    int64_t instructions{-1};
    uint64_t requests{0}; //!< full run: requests issued
    uint64_t completed{0};
    Time end;          //!< simulated time at the end
    std::string error; //!< bare run: the replay's first mismatch; empty if none
};

/**
 * \ingroup edge-llm
 * \brief The overhead benchmark's two programs on the same network. RunFull builds
 * edge-llm-wifi-star as the example does (profiled llama-3-8b on an edge-server-l4,
 * continuous batching, Poisson users, requests.csv and queue.csv streamed to a temporary
 * directory, no pcaps) and runs it through LlmRunHelper. RunBare builds the same network
 * with WifiStarHelper alone and replays, with SocketReplay, the socket calls RunFull
 * recorded. Both reset the simulator and the seeds first and destroy it after.
 */
class OverheadStar
{
  public:
    /// `recorder` (may be null) records the run's socket calls; `digest` (may be null)
    /// watches every device.
    static OverheadRunResult RunFull(const OverheadStarConfig& config,
                                     Ptr<SocketRecorder> recorder,
                                     Ptr<FrameDigest> digest);
    static OverheadRunResult RunBare(const OverheadStarConfig& config,
                                     const SocketSchedule& schedule,
                                     Ptr<FrameDigest> digest);
};

} // namespace ns3

#endif // EDGE_LLM_OVERHEAD_STAR_H
