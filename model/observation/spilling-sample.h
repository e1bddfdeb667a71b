/*
 * SpillingSample: a sample of values whose count, mean, exact percentiles and maximum are
 * computed in bounded memory.
 */
#ifndef EDGE_LLM_SPILLING_SAMPLE_H
#define EDGE_LLM_SPILLING_SAMPLE_H

#include <cstdint>
#include <cstdio>
#include <vector>

namespace ns3
{

struct Distribution;

/**
 * \ingroup edge-llm
 * \brief Holds up to a chunk of values in memory; a full chunk is sorted and written to an
 * anonymous temporary file (std::tmpfile: gone when closed or when the process ends). The
 * mean is the sum in the order the values were added, as Distribution::Of sums a vector; the
 * percentiles are exact: the sorted runs are merged once at the end and the ranks that p50,
 * p95 and p99 interpolate between (as PercentileOfSorted) and the maximum are read off the
 * merge. Memory: one chunk plus one block per run while merging.
 */
class SpillingSample
{
  public:
    /// `chunk`: values held in memory before a sorted run is written (at least 1).
    explicit SpillingSample(uint64_t chunk = 1 << 18);
    SpillingSample(SpillingSample&& other) noexcept;
    SpillingSample& operator=(SpillingSample&& other) noexcept;
    SpillingSample(const SpillingSample&) = delete;
    SpillingSample& operator=(const SpillingSample&) = delete;
    ~SpillingSample();

    void Add(double value);
    uint64_t GetCount() const;
    /// Count, mean, p50/p95/p99 and maximum (NaN when empty), as Distribution::Of gives for
    /// the same values in the same order. Throws std::runtime_error on I/O errors.
    Distribution Summarise() const;

  private:
    void Spill();

    uint64_t m_chunk;
    uint64_t m_count{0};
    double m_sum{0};
    std::vector<double> m_values; //!< not yet spilled
    std::vector<uint64_t> m_runs; //!< values in each spilled run, in file order
    std::FILE* m_file{nullptr};   //!< the spilled runs, back to back
};

} // namespace ns3

#endif // EDGE_LLM_SPILLING_SAMPLE_H
