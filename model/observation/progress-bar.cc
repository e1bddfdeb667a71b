#include "progress-bar.h"

#include "ns3/simulator.h"

#include <cstdio>
#include <string>
#include <unistd.h>

namespace ns3
{

ProgressBar::ProgressBar(Time end, Time step)
    : m_end(end),
      m_step(step),
      m_enabled(isatty(STDERR_FILENO) != 0),
      m_wallStart(std::chrono::steady_clock::now())
{
    if (m_enabled)
    {
        m_event = Simulator::Schedule(m_step, &ProgressBar::Tick, this);
    }
}

ProgressBar::~ProgressBar()
{
    Simulator::Cancel(m_event);
}

void
ProgressBar::Tick()
{
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_wallStart).count();
    if (wall > 2.0)
    {
        const double fraction = std::min(1.0, Simulator::Now().GetSeconds() / m_end.GetSeconds());
        const int width = 30;
        const int filled = static_cast<int>(fraction * width);
        std::fprintf(stderr,
                     "\r[%s%s] %3.0f%% %.0f/%.0f s sim, %.1f s wall",
                     std::string(filled, '#').c_str(),
                     std::string(width - filled, ' ').c_str(),
                     100 * fraction,
                     Simulator::Now().GetSeconds(),
                     m_end.GetSeconds(),
                     wall);
        std::fflush(stderr);
        m_drawn = true;
    }
    if (Simulator::Now() + m_step <= m_end)
    {
        m_event = Simulator::Schedule(m_step, &ProgressBar::Tick, this);
    }
}

void
ProgressBar::Finish()
{
    Simulator::Cancel(m_event);
    if (m_drawn)
    {
        std::fprintf(stderr, "\r%80s\r", "");
        std::fflush(stderr);
        m_drawn = false;
    }
}

} // namespace ns3
