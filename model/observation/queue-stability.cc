#include "queue-stability.h"

#include <algorithm>
#include <cmath>
#include <limits>

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

namespace
{

// Integral of the piecewise-constant queue length over [from, to].
double
Area(const QueueSeries& series, double from, double to)
{
    double area = 0;
    for (size_t i = 0; i < series.size(); ++i)
    {
        const double begin = std::max(series[i].first, from);
        const double end = std::min(i + 1 < series.size() ? series[i + 1].first : to, to);
        if (end > begin)
        {
            area += series[i].second * (end - begin);
        }
    }
    return area;
}

} // namespace

QueueTrend
ClassifyQueueTrend(const QueueSeries& series, double start, double end, uint32_t windows)
{
    QueueTrend trend;
    windows = std::max(windows, 2u);
    const double span = end - start;
    if (!(span > 0) || series.empty())
    {
        trend.verdict = "stable";
        return trend;
    }
    const double width = span / windows;
    double sumX = 0;
    double sumY = 0;
    for (uint32_t w = 0; w < windows; ++w)
    {
        const double from = start + w * width;
        const double mean = Area(series, from, from + width) / width;
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
    const double last = trend.windowMeans.back();
    const bool lastIsLongest =
        last >= *std::max_element(trend.windowMeans.begin(), trend.windowMeans.end());
    if (trend.growth >= std::max(2.0, 0.5 * trend.mean) && lastIsLongest)
    {
        trend.verdict = "overloaded";
    }
    else
    {
        trend.verdict = trend.mean >= 1.0 ? "backlogged" : "stable";
    }
    return trend;
}

} // namespace ns3
