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
    const double slack = 1e-12 * sla; // float noise forgiven

    // A cell (u, s, b, m): unit u on side s, the path's exact latency in [b, b+1) steps of
    // SLA / R and its exact client memory in [m, m+1) steps. It keeps the path of least server
    // work (ties: least latency) with that path's exact latency and memory, so feasibility is
    // judged on exact sums; only paths sharing a cell are compared by their rounded position.
    const size_t perUnitSide = static_cast<size_t>(R + 1) * (M + 1);
    const size_t cells = n * 2 * perUnitSide;
    std::vector<double> work(cells, INF);
    std::vector<double> latency(cells, INF);
    std::vector<double> memory(cells, 0);
    std::vector<int8_t> fromSide(cells, -1);
    std::vector<uint32_t> fromCell(cells, 0); // b * (M + 1) + m of the previous unit's cell
    auto at = [&](size_t u, int s, size_t cell) { return (u * 2 + s) * perUnitSide + cell; };
    auto cellOf = [&](double l, double mem) {
        const int64_t b = std::min<int64_t>(static_cast<int64_t>(l / step), R);
        const int64_t m =
            memoryBinds ? std::min<int64_t>(static_cast<int64_t>(mem / memoryStep), M) : 0;
        return static_cast<size_t>(b * (M + 1) + m);
    };
    auto relax = [&](size_t u, int s, double w, double l, double mem, int p, size_t previous) {
        if (l > sla + slack || (memoryBinds && mem > costs.clientMemoryLimit))
        {
            return;
        }
        const size_t to = at(u, s, cellOf(l, mem));
        if (w < work[to] || (w == work[to] && l < latency[to]))
        {
            work[to] = w;
            latency[to] = l;
            memory[to] = mem;
            fromSide[to] = static_cast<int8_t>(p);
            fromCell[to] = static_cast<uint32_t>(previous);
        }
    };
    for (size_t u = 0; u < n; ++u)
    {
        const SplitUnit& unit = costs.units[u];
        for (int s = 0; s < 2; ++s)
        {
            const double own = s ? unit.serverSeconds : unit.clientSeconds;
            const double mem = s ? 0 : unit.clientMemory;
            const double addWork = s ? unit.serverWork : 0;
            const double cross = s ? costs.boundaryUp[u] : costs.boundaryDown[u];
            if (u == 0)
            {
                // The user starts on the client.
                relax(0, s, addWork, own + (s ? cross : 0), mem, 0, 0);
                continue;
            }
            for (int p = 0; p < 2; ++p)
            {
                const double switchCost = p == s ? 0 : cross;
                for (size_t cell = 0; cell < perUnitSide; ++cell)
                {
                    const size_t i = at(u - 1, p, cell);
                    if (work[i] == INF)
                    {
                        continue;
                    }
                    relax(u,
                          s,
                          work[i] + addWork,
                          latency[i] + switchCost + own,
                          memory[i] + mem,
                          p,
                          cell);
                }
            }
        }
    }
    // The answer goes back to the user on the client.
    double bestWork = INF;
    double bestLatency = INF;
    size_t best = cells;
    for (int s = 0; s < 2; ++s)
    {
        const double back = s ? costs.boundaryDown[n] : 0;
        for (size_t cell = 0; cell < perUnitSide; ++cell)
        {
            const size_t i = at(n - 1, s, cell);
            const double total = latency[i] + back;
            if (work[i] == INF || total > sla + slack)
            {
                continue;
            }
            if (work[i] < bestWork || (work[i] == bestWork && total < bestLatency))
            {
                bestWork = work[i];
                bestLatency = total;
                best = i;
            }
        }
    }
    if (best == cells)
    {
        // No placement meets the SLA within memory: the fastest, run best effort.
        return SplitPlacement::Evaluate(costs, FastestPlacement(costs), sla);
    }
    std::vector<bool> onServer(n);
    size_t i = best;
    for (size_t u = n; u-- > 0;)
    {
        const int s = static_cast<int>((i / perUnitSide) % 2);
        onServer[u] = s == 1;
        if (u > 0)
        {
            i = at(u - 1, fromSide[i], fromCell[i]);
        }
    }
    return SplitPlacement::Evaluate(costs, onServer, sla);
}

} // namespace ns3
