#include "spilling-sample.h"

#include "cost-fit.h"
#include "run-summary.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <stdexcept>
#include <utility>

namespace ns3
{

SpillingSample::SpillingSample(uint64_t chunk)
    : m_chunk(std::max<uint64_t>(chunk, 1))
{
}

SpillingSample::SpillingSample(SpillingSample&& other) noexcept
    : m_chunk(other.m_chunk),
      m_count(other.m_count),
      m_sum(other.m_sum),
      m_values(std::move(other.m_values)),
      m_runs(std::move(other.m_runs)),
      m_file(other.m_file)
{
    other.m_file = nullptr;
}

SpillingSample&
SpillingSample::operator=(SpillingSample&& other) noexcept
{
    if (this != &other)
    {
        if (m_file)
        {
            std::fclose(m_file);
        }
        m_chunk = other.m_chunk;
        m_count = other.m_count;
        m_sum = other.m_sum;
        m_values = std::move(other.m_values);
        m_runs = std::move(other.m_runs);
        m_file = other.m_file;
        other.m_file = nullptr;
    }
    return *this;
}

SpillingSample::~SpillingSample()
{
    if (m_file)
    {
        std::fclose(m_file);
    }
}

void
SpillingSample::Add(double value)
{
    ++m_count;
    m_sum += value;
    m_values.push_back(value);
    if (m_values.size() >= m_chunk)
    {
        Spill();
    }
}

uint64_t
SpillingSample::GetCount() const
{
    return m_count;
}

void
SpillingSample::Spill()
{
    if (!m_file)
    {
        m_file = std::tmpfile();
        if (!m_file)
        {
            throw std::runtime_error("cannot create a temporary file for a sample");
        }
    }
    std::sort(m_values.begin(), m_values.end());
    if (std::fseek(m_file, 0, SEEK_END) != 0 ||
        std::fwrite(m_values.data(), sizeof(double), m_values.size(), m_file) != m_values.size())
    {
        throw std::runtime_error("cannot write a sample's temporary file");
    }
    m_runs.push_back(m_values.size());
    m_values.clear();
}

namespace
{

/// Reads one sorted run of a file in blocks.
class RunReader
{
  public:
    RunReader(std::FILE* file, uint64_t offset, uint64_t count)
        : m_file(file),
          m_offset(offset),
          m_left(count)
    {
    }

    /// The next value; false at the run's end.
    bool Next(double& value)
    {
        if (m_at == m_block.size())
        {
            if (m_left == 0)
            {
                return false;
            }
            m_block.resize(std::min<uint64_t>(m_left, 4096));
            if (std::fseek(m_file, static_cast<long>(m_offset * sizeof(double)), SEEK_SET) != 0 ||
                std::fread(m_block.data(), sizeof(double), m_block.size(), m_file) !=
                    m_block.size())
            {
                throw std::runtime_error("cannot read a sample's temporary file");
            }
            m_offset += m_block.size();
            m_left -= m_block.size();
            m_at = 0;
        }
        value = m_block[m_at++];
        return true;
    }

  private:
    std::FILE* m_file;
    uint64_t m_offset;
    uint64_t m_left;
    std::vector<double> m_block;
    size_t m_at{0};
};

} // namespace

Distribution
SpillingSample::Summarise() const
{
    Distribution d;
    d.count = m_count;
    if (m_count == 0)
    {
        d.mean = d.p50 = d.p95 = d.p99 = d.max = std::nan("");
        return d;
    }
    d.mean = m_sum / m_count;
    // The ranks PercentileOfSorted reads, and the last for the maximum.
    const double percents[] = {50, 95, 99};
    std::vector<uint64_t> wanted;
    for (double p : percents)
    {
        const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * (m_count - 1);
        const uint64_t low = static_cast<uint64_t>(std::floor(rank));
        wanted.push_back(low);
        wanted.push_back(std::min<uint64_t>(low + 1, m_count - 1));
    }
    wanted.push_back(m_count - 1);
    std::vector<std::pair<uint64_t, double>> found; // rank, value
    std::vector<double> tail = m_values;
    std::sort(tail.begin(), tail.end());
    if (m_runs.empty())
    {
        for (uint64_t rank : wanted)
        {
            found.emplace_back(rank, tail[rank]);
        }
    }
    else
    {
        // k-way merge of the runs and the sorted tail, up to the highest wanted rank.
        std::vector<RunReader> readers;
        uint64_t offset = 0;
        for (uint64_t count : m_runs)
        {
            readers.emplace_back(m_file, offset, count);
            offset += count;
        }
        typedef std::pair<double, size_t> Head; // value, source (readers.size(): the tail)
        std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
        size_t tailAt = 0;
        auto next = [&](size_t source) {
            double value;
            if (source < readers.size())
            {
                if (readers[source].Next(value))
                {
                    heads.emplace(value, source);
                }
            }
            else if (tailAt < tail.size())
            {
                heads.emplace(tail[tailAt++], source);
            }
        };
        for (size_t source = 0; source <= readers.size(); ++source)
        {
            next(source);
        }
        std::vector<uint64_t> ranks = wanted;
        std::sort(ranks.begin(), ranks.end());
        ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
        uint64_t rank = 0;
        size_t r = 0;
        while (r < ranks.size() && !heads.empty())
        {
            const Head head = heads.top();
            heads.pop();
            while (r < ranks.size() && ranks[r] == rank)
            {
                found.emplace_back(rank, head.first);
                ++r;
            }
            ++rank;
            next(head.second);
        }
    }
    auto at = [&found](uint64_t rank) {
        for (const auto& [k, value] : found)
        {
            if (k == rank)
            {
                return value;
            }
        }
        throw std::runtime_error("a sample's merge ended early");
    };
    double* targets[] = {&d.p50, &d.p95, &d.p99};
    for (size_t i = 0; i < 3; ++i)
    {
        const double rank = std::clamp(percents[i], 0.0, 100.0) / 100.0 * (m_count - 1);
        const uint64_t low = wanted[2 * i];
        const uint64_t high = wanted[2 * i + 1];
        *targets[i] = at(low) + (rank - low) * (at(high) - at(low));
    }
    d.max = at(m_count - 1);
    return d;
}

} // namespace ns3
