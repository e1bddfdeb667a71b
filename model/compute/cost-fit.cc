#include "cost-fit.h"

#include <algorithm>
#include <cmath>
#include <gsl/gsl_multifit.h>
#include <limits>
#include <stdexcept>

namespace ns3
{

namespace
{

// Weighted fit over the active columns; returns coefficients for all columns (0 if inactive).
std::vector<double>
WeightedFit(const std::vector<std::vector<double>>& rows,
            const std::vector<double>& y,
            const std::vector<bool>& active)
{
    std::vector<size_t> columns;
    for (size_t j = 0; j < active.size(); ++j)
    {
        if (active[j])
        {
            columns.push_back(j);
        }
    }
    std::vector<double> coefficients(active.size(), 0.0);
    if (columns.empty())
    {
        return coefficients;
    }
    const size_t n = rows.size();
    const size_t p = columns.size();
    gsl_matrix* x = gsl_matrix_alloc(n, p);
    gsl_vector* yv = gsl_vector_alloc(n);
    gsl_vector* w = gsl_vector_alloc(n);
    gsl_vector* c = gsl_vector_alloc(p);
    gsl_matrix* cov = gsl_matrix_alloc(p, p);
    for (size_t i = 0; i < n; ++i)
    {
        for (size_t k = 0; k < p; ++k)
        {
            gsl_matrix_set(x, i, k, rows[i][columns[k]]);
        }
        gsl_vector_set(yv, i, y[i]);
        gsl_vector_set(w, i, 1.0 / (y[i] * y[i]));
    }
    double chisq = 0;
    gsl_multifit_linear_workspace* work = gsl_multifit_linear_alloc(n, p);
    gsl_multifit_wlinear(x, w, yv, c, cov, &chisq, work);
    for (size_t k = 0; k < p; ++k)
    {
        coefficients[columns[k]] = gsl_vector_get(c, k);
    }
    gsl_multifit_linear_free(work);
    gsl_matrix_free(cov);
    gsl_vector_free(c);
    gsl_vector_free(w);
    gsl_vector_free(yv);
    gsl_matrix_free(x);
    return coefficients;
}

} // namespace

CostFitResult
FitNonNegative(const std::vector<std::vector<double>>& rows, const std::vector<double>& y)
{
    if (rows.empty() || rows.size() != y.size())
    {
        throw std::invalid_argument("fit needs as many samples as rows, and at least one");
    }
    const size_t columns = rows.front().size();
    for (size_t i = 0; i < rows.size(); ++i)
    {
        if (rows[i].size() != columns)
        {
            throw std::invalid_argument("fit rows have different lengths");
        }
        if (!(y[i] > 0) || !std::isfinite(y[i]))
        {
            throw std::invalid_argument("fit needs positive finite timings, got " +
                                        std::to_string(y[i]));
        }
    }
    std::vector<bool> active(columns, true);
    std::vector<double> coefficients;
    for (size_t round = 0; round <= columns; ++round)
    {
        coefficients = WeightedFit(rows, y, active);
        auto worst = std::min_element(coefficients.begin(), coefficients.end());
        if (*worst >= 0)
        {
            break;
        }
        active[worst - coefficients.begin()] = false;
        *worst = 0;
    }
    for (auto& value : coefficients)
    {
        value = std::max(value, 0.0);
    }
    // Relative R^2: 1 - sum(rel residual^2) / sum(rel deviation from mean^2).
    double mean = 0;
    for (double v : y)
    {
        mean += v;
    }
    mean /= y.size();
    double residual = 0;
    double total = 0;
    for (size_t i = 0; i < rows.size(); ++i)
    {
        double predicted = 0;
        for (size_t j = 0; j < columns; ++j)
        {
            predicted += coefficients[j] * rows[i][j];
        }
        residual += std::pow((predicted - y[i]) / y[i], 2);
        total += std::pow((mean - y[i]) / y[i], 2);
    }
    CostFitResult result;
    result.coefficients = coefficients;
    result.rSquared = total > 0 ? 1.0 - residual / total : 1.0;
    return result;
}

double
Percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return PercentileOfSorted(values, p);
}

double
PercentileOfSorted(const std::vector<double>& sorted, double p)
{
    if (sorted.empty())
    {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * (sorted.size() - 1);
    const size_t low = static_cast<size_t>(std::floor(rank));
    const size_t high = std::min(low + 1, sorted.size() - 1);
    return sorted[low] + (rank - low) * (sorted[high] - sorted[low]);
}

} // namespace ns3
