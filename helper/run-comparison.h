/*
 * RunComparison: the runs of one scenario over several variants and seeds, summarised as mean
 * and 95 % confidence interval per variant, with a table, a CSV and plots.
 */
#ifndef EDGE_LLM_RUN_COMPARISON_H
#define EDGE_LLM_RUN_COMPARISON_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/// A mean over seeds and its 95 % confidence interval (Student's t; 0 with one seed).
struct MeanInterval
{
    double mean{0};
    double halfWidth{0}; //!< the interval is mean +- halfWidth
    uint32_t samples{0};
};

/**
 * \ingroup edge-llm
 * \brief Reads the output directories of a scenario's runs (summary.json and requests.csv),
 * grouped by variant, and compares the variants.
 *
 * Per run: mean, p50 and p95 latency, mean TTFT and mean and p95 time in the network of
 * completed requests, throughput
 * (completed requests per simulated second), the share of requests that failed, energy per
 * completed request (all engines' energy over completed requests) and application bytes per
 * request. Per variant: each metric's mean over the runs with its 95 % confidence interval,
 * and the latencies of every completed request of every run (for the CDF).
 */
class RunComparison
{
  public:
    /// The metrics, in table order: name -> label with unit.
    static const std::vector<std::pair<std::string, std::string>>& Metrics();

    /// Adds the run whose outputs are in `outDir` to `variant`; throws std::runtime_error
    /// naming the file if its outputs are missing or malformed.
    void AddRun(const std::string& variant, const std::string& outDir);

    /// Variants in the order they were first added.
    const std::vector<std::string>& GetVariants() const;
    MeanInterval Get(const std::string& variant, const std::string& metric) const;
    /// Every completed request's latency in `variant`, sorted.
    std::vector<double> Latencies(const std::string& variant) const;

    /// The comparison as a fixed-width text table (mean +- half-width per metric).
    std::string Table() const;
    /// Writes compare.csv (variant, metric, mean, ci95_half_width, runs) and the plots'
    /// scripts latency-cdf.plt and per-variant.plt into `dir`; runs gnuplot when it is there
    /// (PNG: latency-cdf.png, throughput.png, p95-latency.png). Returns the files written.
    std::vector<std::string> Write(const std::string& dir, const std::string& title) const;

  private:
    struct Variant
    {
        std::map<std::string, std::vector<double>> metrics; //!< metric -> one value per run
        std::vector<double> latencies;
    };

    std::vector<std::string> m_order;
    std::map<std::string, Variant> m_variants;
};

} // namespace ns3

#endif // EDGE_LLM_RUN_COMPARISON_H
