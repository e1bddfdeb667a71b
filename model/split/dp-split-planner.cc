#include "dp-split-planner.h"

#include "ns3/uinteger.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(DpSplitPlanner);

TypeId
DpSplitPlanner::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::DpSplitPlanner")
            .SetParent<SplitPlanner>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<DpSplitPlanner>()
            .AddAttribute("Resolution",
                          "Steps the SLA is cut into (latency dimension of the programme)",
                          UintegerValue(1000),
                          MakeUintegerAccessor(&DpSplitPlanner::m_resolution),
                          MakeUintegerChecker<uint32_t>(1, 1000000))
            .AddAttribute("MemoryResolution",
                          "Steps the client memory is cut into when it cannot hold every unit",
                          UintegerValue(32),
                          MakeUintegerAccessor(&DpSplitPlanner::m_memoryResolution),
                          MakeUintegerChecker<uint32_t>(1, 100000));
    return tid;
}

DpSplitPlanner::DpSplitPlanner() = default;

std::string
DpSplitPlanner::GetName() const
{
    return "dp";
}

namespace
{

constexpr double INF = std::numeric_limits<double>::infinity();

/// `value` in whole steps of `step`, rounded up (a hair of float noise forgiven); -1 if it
/// cannot fit `limit` steps.
int64_t
Steps(double value, double step, int64_t limit)
{
    const double steps = std::ceil(value / step - 1e-9);
    return steps > static_cast<double>(limit) ? -1 : static_cast<int64_t>(std::max(0.0, steps));
}

/// The placement of least latency, ignoring the SLA and memory (two states per unit).
std::vector<bool>
FastestPlacement(const SplitCosts& costs)
{
    const size_t n = costs.units.size();
    std::vector<std::array<double, 2>> best(n, {INF, INF});
    std::vector<std::array<int, 2>> from(n, {0, 0});
    for (size_t u = 0; u < n; ++u)
    {
        for (int s = 0; s < 2; ++s)
        {
            const double compute = s ? costs.units[u].serverSeconds : costs.units[u].clientSeconds;
            for (int p = 0; p < 2; ++p)
            {
                const double before = u == 0 ? (p == 0 ? 0 : INF) : best[u - 1][p];
                const double cross = p == s ? 0 : (s ? costs.boundaryUp[u] : costs.boundaryDown[u]);
                if (before + cross + compute < best[u][s])
                {
                    best[u][s] = before + cross + compute;
                    from[u][s] = p;
                }
            }
        }
    }
    const double endServer = best[n - 1][1] + costs.boundaryDown[n];
    int s = best[n - 1][0] <= endServer ? 0 : 1;
    std::vector<bool> onServer(n);
    for (size_t u = n; u-- > 0;)
    {
        onServer[u] = s == 1;
        s = from[u][s];
    }
    return onServer;
}

} // namespace

SplitPlacement
DpSplitPlanner::Plan(const SplitCosts& costs, double sla) const
{
    const size_t n = costs.units.size();
    double allClientMemory = 0;
    for (const SplitUnit& unit : costs.units)
    {
        allClientMemory += unit.clientMemory;
    }
    const bool memoryBinds = allClientMemory > costs.clientMemoryLimit;
    const int64_t R = m_resolution;
    const int64_t M = memoryBinds ? m_memoryResolution : 0;
    if (!(sla > 0))
    {
        return SplitPlacement::Evaluate(costs, FastestPlacement(costs), sla);
    }
    const double step = sla / R;
    const double memoryStep = memoryBinds ? costs.clientMemoryLimit / M : 1;

    // Steps of every unit on each side, of every crossing, of every unit's memory.
    std::vector<std::array<int64_t, 2>> unitSteps(n);
    std::vector<int64_t> memorySteps(n, 0);
    std::vector<std::array<int64_t, 2>> crossSteps(n + 1); // [up, down]
    for (size_t u = 0; u < n; ++u)
    {
        unitSteps[u] = {Steps(costs.units[u].clientSeconds, step, R),
                        Steps(costs.units[u].serverSeconds, step, R)};
        if (memoryBinds)
        {
            memorySteps[u] = Steps(costs.units[u].clientMemory, memoryStep, M);
        }
    }
    for (size_t i = 0; i <= n; ++i)
    {
        crossSteps[i] = {Steps(costs.boundaryUp[i], step, R),
                         Steps(costs.boundaryDown[i], step, R)};
    }

    // work[((u * 2 + s) * (R + 1) + b) * (M + 1) + m]: least server work with unit u on side
    // s, b latency steps and m memory steps used; from[...] the previous unit's side.
    const size_t perUnitSide = static_cast<size_t>(R + 1) * (M + 1);
    std::vector<double> work(n * 2 * perUnitSide, INF);
    std::vector<int8_t> from(work.size(), -1);
    auto at = [&](size_t u, int s, int64_t b, int64_t m) {
        return (u * 2 + s) * perUnitSide + static_cast<size_t>(b) * (M + 1) + m;
    };
    for (size_t u = 0; u < n; ++u)
    {
        for (int s = 0; s < 2; ++s)
        {
            const int64_t own = unitSteps[u][s];
            const int64_t mem = s == 0 ? memorySteps[u] : 0;
            if (own < 0 || mem < 0)
            {
                continue; // this unit alone cannot run there within the SLA or memory
            }
            const double addWork = s ? costs.units[u].serverWork : 0;
            for (int p = 0; p < 2; ++p)
            {
                const int64_t cross = p == s ? 0 : crossSteps[u][s ? 0 : 1];
                if (cross < 0 || (u == 0 && p != 0))
                {
                    continue; // the user starts on the client
                }
                for (int64_t b = 0; b + own + cross <= R; ++b)
                {
                    for (int64_t m = 0; m + mem <= M; ++m)
                    {
                        const double before =
                            u == 0 ? (b == 0 && m == 0 ? 0 : INF) : work[at(u - 1, p, b, m)];
                        if (before == INF)
                        {
                            continue;
                        }
                        const size_t to = at(u, s, b + own + cross, m + mem);
                        if (before + addWork < work[to])
                        {
                            work[to] = before + addWork;
                            from[to] = static_cast<int8_t>(p);
                        }
                    }
                }
            }
        }
    }
    // The answer goes back to the user on the client.
    double bestWork = INF;
    int64_t bestTotal = R + 1;
    int bestSide = 0;
    int64_t bestB = 0;
    int64_t bestM = 0;
    for (int s = 0; s < 2; ++s)
    {
        const int64_t back = s ? crossSteps[n][1] : 0;
        if (back < 0)
        {
            continue;
        }
        for (int64_t b = 0; b + back <= R; ++b)
        {
            for (int64_t m = 0; m <= M; ++m)
            {
                const double w = work[at(n - 1, s, b, m)];
                if (w < bestWork || (w == bestWork && b + back < bestTotal))
                {
                    bestWork = w;
                    bestTotal = b + back;
                    bestSide = s;
                    bestB = b;
                    bestM = m;
                }
            }
        }
    }
    if (bestWork == INF)
    {
        // No placement meets the SLA within memory: the fastest, run best effort.
        return SplitPlacement::Evaluate(costs, FastestPlacement(costs), sla);
    }
    std::vector<bool> onServer(n);
    int s = bestSide;
    int64_t b = bestB;
    int64_t m = bestM;
    for (size_t u = n; u-- > 0;)
    {
        onServer[u] = s == 1;
        const int p = from[at(u, s, b, m)];
        b -= unitSteps[u][s] + (p == s ? 0 : crossSteps[u][s ? 0 : 1]);
        m -= s == 0 ? memorySteps[u] : 0;
        s = p;
    }
    return SplitPlacement::Evaluate(costs, onServer, sla);
}

} // namespace ns3
