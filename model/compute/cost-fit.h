/*
 * Least-squares fits of measured timings, the way the profiler turns samples into a cost model.
 */
#ifndef EDGE_LLM_COST_FIT_H
#define EDGE_LLM_COST_FIT_H

#include <vector>

namespace ns3
{

/// Result of FitNonNegative: one coefficient per column, and the fit's relative R^2.
struct CostFitResult
{
    std::vector<double> coefficients;
    double rSquared{0};
};

/**
 * \ingroup edge-llm
 * \brief Fits y ~ X c with c >= 0, minimising relative error (weights 1/y^2).
 *
 * Timings span several orders of magnitude, so relative error is what matters; negative
 * coefficients would make costs non-monotonic, so a column whose coefficient comes out
 * negative is dropped and the rest refitted (an active-set method; columns are few).
 * Uses GSL's weighted linear least squares. Throws std::invalid_argument on empty or
 * inconsistent input or a non-positive y.
 */
CostFitResult FitNonNegative(const std::vector<std::vector<double>>& rows,
                             const std::vector<double>& y);

/// The p-th percentile (0..100) by linear interpolation; sorts a copy. NaN when empty.
double Percentile(std::vector<double> values, double p);
/// The same for values already sorted in ascending order (no copy, no sort).
double PercentileOfSorted(const std::vector<double>& sorted, double p);

} // namespace ns3

#endif // EDGE_LLM_COST_FIT_H
