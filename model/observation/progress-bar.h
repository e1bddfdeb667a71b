/*
 * ProgressBar: simulated time against the run's end, drawn on a terminal.
 */
#ifndef EDGE_LLM_PROGRESS_BAR_H
#define EDGE_LLM_PROGRESS_BAR_H

#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <chrono>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Redraws one line on stderr ("[#####     ] 50% 300/600 s sim, 4.2 s wall") when stderr
 * is a terminal and the run has taken more than two seconds of wall-clock time. Checks
 * every `step` of simulated time; silent otherwise, so logs and CI stay clean.
 */
class ProgressBar
{
  public:
    ProgressBar(Time end, Time step);
    ~ProgressBar();
    /// Clears the line if one was drawn.
    void Finish();

  private:
    void Tick();

    Time m_end;
    Time m_step;
    EventId m_event;
    bool m_enabled;
    bool m_drawn{false};
    std::chrono::steady_clock::time_point m_wallStart;
};

} // namespace ns3

#endif // EDGE_LLM_PROGRESS_BAR_H
