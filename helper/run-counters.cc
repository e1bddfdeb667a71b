#include "run-counters.h"

#include <cstring>
#include <ctime>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ns3
{

namespace
{

double
ThreadCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

} // namespace

RunCounters::RunCounters()
{
    perf_event_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.size = sizeof(attr);
    attr.type = PERF_TYPE_HARDWARE;
    attr.config = PERF_COUNT_HW_INSTRUCTIONS;
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    // This thread, any CPU; glibc has no wrapper for the call.
    m_fd = static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
}

RunCounters::~RunCounters()
{
    if (m_fd >= 0)
    {
        close(m_fd);
    }
}

void
RunCounters::Start()
{
    if (m_fd >= 0)
    {
        ioctl(m_fd, PERF_EVENT_IOC_RESET, 0);
        ioctl(m_fd, PERF_EVENT_IOC_ENABLE, 0);
    }
    m_cpuStart = ThreadCpuSeconds();
    m_wallStart = std::chrono::steady_clock::now();
}

void
RunCounters::Stop()
{
    m_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_wallStart).count();
    m_cpu = ThreadCpuSeconds() - m_cpuStart;
    if (m_fd >= 0)
    {
        ioctl(m_fd, PERF_EVENT_IOC_DISABLE, 0);
        uint64_t count = 0;
        m_instructions =
            read(m_fd, &count, sizeof(count)) == sizeof(count) ? static_cast<int64_t>(count) : -1;
    }
}

double
RunCounters::GetWallSeconds() const
{
    return m_wall;
}

double
RunCounters::GetCpuSeconds() const
{
    return m_cpu;
}

int64_t
RunCounters::GetInstructions() const
{
    return m_instructions;
}

} // namespace ns3
