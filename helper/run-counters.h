/*
 * RunCounters: what a stretch of a program cost: wall time, CPU time and instructions.
 */
#ifndef EDGE_LLM_RUN_COUNTERS_H
#define EDGE_LLM_RUN_COUNTERS_H

#include <chrono>
#include <cstdint>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Measures the calling thread between Start() and Stop(): wall-clock seconds, CPU
 * seconds (CLOCK_THREAD_CPUTIME_ID: time other processes take from a shared machine is not
 * counted) and, where the kernel gives a hardware counter (perf_event_open; many virtual
 * machines do not), instructions retired in user space.
 */
class RunCounters
{
  public:
    RunCounters();
    ~RunCounters();
    RunCounters(const RunCounters&) = delete;
    RunCounters& operator=(const RunCounters&) = delete;

    void Start();
    void Stop();

    double GetWallSeconds() const;
    double GetCpuSeconds() const;
    /// Instructions retired, or -1 where no hardware counter could be opened.
    int64_t GetInstructions() const;

  private:
    int m_fd{-1}; //!< the perf event, -1 if none
    std::chrono::steady_clock::time_point m_wallStart;
    double m_cpuStart{0};
    double m_wall{0};
    double m_cpu{0};
    int64_t m_instructions{-1};
};

} // namespace ns3

#endif // EDGE_LLM_RUN_COUNTERS_H
