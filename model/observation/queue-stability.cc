#include "queue-stability.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <tuple>

namespace ns3
{

double
MeanServiceSeconds(const InferenceCostModel& model,
                   Ptr<RandomVariableStream> promptTokens,
                   Ptr<RandomVariableStream> outputTokens,
                   uint32_t samples)
{
    const uint32_t context = model.GetModel().maxContext;
    const LayerRange all = model.AllLayers();
    double sum = 0;
    uint32_t counted = 0;
    for (uint32_t i = 0; i < samples; ++i)
    {
        const auto p = static_cast<uint32_t>(std::max(1.0, std::round(promptTokens->GetValue())));
        const auto g = static_cast<uint32_t>(std::max(1.0, std::round(outputTokens->GetValue())));
        if (static_cast<uint64_t>(p) + g > context)
        {
            continue;
        }
        sum += model.PrefillSeconds(p, all) + model.DecodeSeconds(g - 1, p, all);
        ++counted;
    }
    return counted == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / counted;
}

uint32_t
MoaInferencesPerPrompt(uint32_t layers, uint32_t peers)
{
    return (peers + 1) * layers + 1;
}

MoaServiceEstimate
MoaMeanServiceSeconds(const InferenceCostModel& model,
                      Ptr<RandomVariableStream> promptTokens,
                      Ptr<RandomVariableStream> outputTokens,
                      uint32_t layers,
                      uint32_t peers,
                      uint32_t aggregatorTokens,
                      uint32_t samples)
{
    const uint64_t context = model.GetModel().maxContext;
    const LayerRange all = model.AllLayers();
    auto draw = [](Ptr<RandomVariableStream> v) {
        return static_cast<uint32_t>(std::max(1.0, std::round(v->GetValue())));
    };
    // One job's seconds, or NaN if it does not fit the context.
    auto job = [&](uint64_t p, uint32_t g) {
        if (p + g > context)
        {
            return std::numeric_limits<double>::quiet_NaN();
        }
        return model.PrefillSeconds(static_cast<uint32_t>(p), all) +
               model.DecodeSeconds(g - 1, static_cast<uint32_t>(p), all);
    };
    double firstSum = 0;
    double grownSum = 0;
    uint64_t firstCount = 0;
    uint64_t grownCount = 0;
    for (uint32_t i = 0; i < samples; ++i)
    {
        const uint32_t p = draw(promptTokens);
        if (layers == 0)
        {
            const double s = job(p, draw(outputTokens));
            if (std::isfinite(s))
            {
                firstSum += s;
                ++firstCount;
            }
            continue;
        }
        uint64_t previousOutputs = 0; // tokens of the k+1 responses of the previous layer
        for (uint32_t layer = 0; layer <= layers; ++layer)
        {
            const uint32_t jobs = layer < layers ? peers + 1 : 1;
            const uint64_t prompt = layer == 0 ? p : p + aggregatorTokens + previousOutputs;
            uint64_t outputs = 0;
            for (uint32_t j = 0; j < jobs; ++j)
            {
                const uint32_t g = draw(outputTokens);
                outputs += g;
                const double s = job(prompt, g);
                if (!std::isfinite(s))
                {
                    continue;
                }
                (layer == 0 ? firstSum : grownSum) += s;
                ++(layer == 0 ? firstCount : grownCount);
            }
            previousOutputs = outputs;
        }
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    MoaServiceEstimate estimate;
    estimate.base = firstCount == 0 ? nan : firstSum / firstCount;
    estimate.withGrowth =
        firstCount + grownCount == 0 ? nan : (firstSum + grownSum) / (firstCount + grownCount);
    return estimate;
}

QueueSeries
SumQueueSeries(const std::vector<QueueSeries>& series)
{
    // Merge the change points in time order; each changes its queue's share of the total.
    std::vector<std::tuple<double, size_t, uint32_t>> changes;
    for (size_t q = 0; q < series.size(); ++q)
    {
        for (const auto& [time, length] : series[q])
        {
            changes.emplace_back(time, q, length);
        }
    }
    std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) {
        return std::get<0>(a) < std::get<0>(b);
    });
    std::vector<uint32_t> current(series.size(), 0);
    uint64_t total = 0;
    QueueSeries sum;
    for (const auto& [time, q, length] : changes)
    {
        total = total - current[q] + length;
        current[q] = length;
        if (!sum.empty() && sum.back().first == time)
        {
            sum.back().second = static_cast<uint32_t>(total);
        }
        else
        {
            sum.emplace_back(time, static_cast<uint32_t>(total));
        }
    }
    return sum;
}

QueueTrendWindows::QueueTrendWindows(double start, double end, uint32_t windows)
    : m_start(start),
      m_end(end),
      m_windows(std::max(windows, 2u)),
      m_width((end - start) / std::max(windows, 2u)),
      m_areas(std::max(windows, 2u), 0.0)
{
}

void
QueueTrendWindows::AddSegment(double from,
                              double to,
                              uint32_t length,
                              bool last,
                              std::vector<double>& areas) const
{
    // As the integral of a whole series over each window: a point's segment runs to the next
    // point, or for the last point to the window's end; clipped to the window.
    for (uint32_t w = 0; w < m_windows; ++w)
    {
        const double windowFrom = m_start + w * m_width;
        const double windowTo = windowFrom + m_width;
        const double begin = std::max(from, windowFrom);
        const double end = std::min(last ? windowTo : to, windowTo);
        if (end > begin)
        {
            areas[w] += length * (end - begin);
        }
    }
}

void
QueueTrendWindows::Add(double time, uint32_t length)
{
    if (m_any)
    {
        AddSegment(m_time, time, m_length, false, m_areas);
    }
    m_any = true;
    m_time = time;
    m_length = length;
}

double
TrendConfidence(const std::vector<double>& means)
{
    // An overloaded queue is a random walk with drift: the changes between consecutive window
    // means are about independent, with a positive mean. A stable queue's changes sum to its
    // last window less its first, and swing both ways. Student's t of the changes' mean gives
    // the one-sided confidence that the queue grows.
    const size_t n = means.size();
    if (n < 4)
    {
        return 0;
    }
    std::vector<double> changes;
    double sum = 0;
    for (size_t w = 1; w < n; ++w)
    {
        changes.push_back(means[w] - means[w - 1]);
        sum += changes.back();
    }
    const double mean = sum / changes.size();
    double squares = 0;
    for (double c : changes)
    {
        squares += (c - mean) * (c - mean);
    }
    const double sd = std::sqrt(squares / (changes.size() - 1));
    if (!(sd > 0))
    {
        return mean > 0 ? 1.0 : 0.0; // every change the same: no doubt
    }
    const double t = mean / (sd / std::sqrt(static_cast<double>(changes.size())));
    boost::math::students_t distribution(static_cast<double>(changes.size() - 1));
    return boost::math::cdf(distribution, t);
}

QueueTrend
QueueTrendWindows::Classify() const
{
    QueueTrend trend;
    const double span = m_end - m_start;
    if (!(span > 0) || !m_any)
    {
        trend.verdict = "stable";
        return trend;
    }
    std::vector<double> areas = m_areas;
    AddSegment(m_time, m_time, m_length, true, areas);
    const double width = m_width;
    const uint32_t windows = m_windows;
    const double start = m_start;
    double sumX = 0;
    double sumY = 0;
    for (uint32_t w = 0; w < windows; ++w)
    {
        const double from = start + w * width;
        const double mean = areas[w] / width;
        trend.windowMeans.push_back(mean);
        sumX += from + width / 2;
        sumY += mean;
    }
    const double meanX = sumX / windows;
    const double meanY = sumY / windows;
    double sxy = 0;
    double sxx = 0;
    for (uint32_t w = 0; w < windows; ++w)
    {
        const double x = start + w * width + width / 2 - meanX;
        sxy += x * (trend.windowMeans[w] - meanY);
        sxx += x * x;
    }
    trend.slopePerSecond = sxy / sxx;
    trend.growth = trend.slopePerSecond * span;
    trend.mean = meanY;
    trend.confidence = TrendConfidence(trend.windowMeans);
    const bool grows = trend.growth >= std::max(2.0, 0.5 * trend.mean);
    if (grows && trend.confidence >= TREND_CONFIDENCE)
    {
        trend.verdict = "overloaded";
    }
    else if (grows)
    {
        // It grew, but a stable queue's slow swings grow this much too often: too short a run
        // to tell.
        trend.verdict = "undecided";
    }
    else
    {
        trend.verdict = trend.mean >= 1.0 ? "backlogged" : "stable";
    }
    return trend;
}

QueueSumStream::QueueSumStream(QueueTrendWindows& sink)
    : m_sink(sink)
{
}

void
QueueSumStream::Add(double time, size_t queue, uint32_t length)
{
    if (m_pending && time != m_time)
    {
        m_sink.Add(m_time, static_cast<uint32_t>(m_total));
    }
    if (queue >= m_current.size())
    {
        m_current.resize(queue + 1, 0);
    }
    m_total = m_total - m_current[queue] + length;
    m_current[queue] = length;
    m_pending = true;
    m_time = time;
}

void
QueueSumStream::Finish()
{
    if (m_pending)
    {
        m_sink.Add(m_time, static_cast<uint32_t>(m_total));
        m_pending = false;
    }
}

QueueTrend
ClassifyQueueTrend(const QueueSeries& series, double start, double end, uint32_t windows)
{
    QueueTrendWindows trend(start, end, windows);
    for (const auto& [time, length] : series)
    {
        trend.Add(time, length);
    }
    return trend.Classify();
}

} // namespace ns3
