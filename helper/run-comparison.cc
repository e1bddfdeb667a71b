#include "run-comparison.h"

#include "number-text.h"

#include "ns3/gnuplot.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace ns3
{

namespace
{

nlohmann::json
ReadSummary(const std::string& outDir)
{
    const std::string path = outDir + "/summary.json";
    std::ifstream in(path);
    if (!in)
    {
        throw std::runtime_error("cannot read " + path + " (did the run finish?)");
    }
    try
    {
        return nlohmann::json::parse(in);
    }
    catch (const nlohmann::json::exception& e)
    {
        throw std::runtime_error(path + " is not valid JSON: " + e.what());
    }
}

/// A number from the summary; NaN when it is null (no completed request).
double
Number(const nlohmann::json& summary, const std::string& key, const std::string& field = "")
{
    const nlohmann::json& value =
        field.empty() ? summary.value(key, nlohmann::json())
                      : summary.value(key, nlohmann::json::object()).value(field, nlohmann::json());
    return value.is_number() ? value.get<double>() : std::nan("");
}

/// The completed requests' latencies in requests.csv (by column name: columns may be added).
std::vector<double>
ReadLatencies(const std::string& outDir)
{
    const std::string path = outDir + "/requests.csv";
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line))
    {
        throw std::runtime_error("cannot read " + path + " (did the run finish?)");
    }
    auto split = [](const std::string& row) {
        std::vector<std::string> cells;
        std::stringstream ss(row);
        std::string cell;
        while (std::getline(ss, cell, ','))
        {
            cells.push_back(cell);
        }
        return cells;
    };
    const std::vector<std::string> header = split(line);
    const auto column = [&](const std::string& name) {
        auto it = std::find(header.begin(), header.end(), name);
        if (it == header.end())
        {
            throw std::runtime_error(path + " has no column '" + name + "'");
        }
        return static_cast<size_t>(it - header.begin());
    };
    const size_t status = column("status");
    const size_t latency = column("latency_s");
    std::vector<double> latencies;
    while (std::getline(in, line))
    {
        const std::vector<std::string> cells = split(line);
        if (cells.size() > std::max(status, latency) && cells[status] == "completed")
        {
            latencies.push_back(std::stod(cells[latency]));
        }
    }
    return latencies;
}

} // namespace

const std::vector<std::pair<std::string, std::string>>&
RunComparison::Metrics()
{
    static const std::vector<std::pair<std::string, std::string>> metrics = {
        {"latency_mean_s", "latency mean (s)"},
        {"latency_p50_s", "latency p50 (s)"},
        {"latency_p95_s", "latency p95 (s)"},
        {"ttft_mean_s", "TTFT mean (s)"},
        {"network_mean_s", "network mean (s)"},
        {"network_p95_s", "network p95 (s)"},
        {"throughput_rps", "throughput (req/s)"},
        {"failed_share", "failed share"},
        {"energy_per_request_j", "energy per request (J)"},
        {"bytes_per_request", "app bytes per request"},
    };
    return metrics;
}

void
RunComparison::AddRun(const std::string& variant, const std::string& outDir)
{
    const nlohmann::json summary = ReadSummary(outDir);
    if (!m_variants.count(variant))
    {
        m_order.push_back(variant);
    }
    Variant& v = m_variants[variant];
    const double requests = Number(summary, "requests");
    double completed = 0;
    // Held here: a loop over a temporary's items() would read it after its end.
    const nlohmann::json states = summary.value("states", nlohmann::json::object());
    const nlohmann::json engines = summary.value("engines", nlohmann::json::array());
    for (const auto& [state, count] : states.items())
    {
        completed += state == "completed" ? count.get<double>() : 0;
    }
    double energy = 0;
    for (const auto& engine : engines)
    {
        energy += Number(engine, "energy_j");
    }
    std::map<std::string, double> values = {
        {"latency_mean_s", Number(summary, "latency_s", "mean")},
        {"latency_p50_s", Number(summary, "latency_s", "p50")},
        {"latency_p95_s", Number(summary, "latency_s", "p95")},
        {"ttft_mean_s", Number(summary, "ttft_s", "mean")},
        {"network_mean_s", Number(summary, "network_s", "mean")},
        {"network_p95_s", Number(summary, "network_s", "p95")},
        {"throughput_rps", Number(summary, "throughput_rps")},
        {"failed_share", requests > 0 ? (requests - completed) / requests : std::nan("")},
        {"energy_per_request_j", completed > 0 ? energy / completed : std::nan("")},
        {"bytes_per_request",
         requests > 0 ? Number(summary, "application_bytes") / requests : std::nan("")},
    };
    for (const auto& [metric, value] : values)
    {
        v.metrics[metric].push_back(value);
    }
    const std::vector<double> latencies = ReadLatencies(outDir);
    v.latencies.insert(v.latencies.end(), latencies.begin(), latencies.end());
}

const std::vector<std::string>&
RunComparison::GetVariants() const
{
    return m_order;
}

MeanInterval
RunComparison::Get(const std::string& variant, const std::string& metric) const
{
    MeanInterval result;
    auto v = m_variants.find(variant);
    if (v == m_variants.end() || !v->second.metrics.count(metric))
    {
        return result;
    }
    // A run without completed requests has no latency: it counts for no metric it lacks.
    std::vector<double> values;
    for (double x : v->second.metrics.at(metric))
    {
        if (std::isfinite(x))
        {
            values.push_back(x);
        }
    }
    result.samples = values.size();
    if (values.empty())
    {
        result.mean = std::nan("");
        return result;
    }
    double sum = 0;
    for (double x : values)
    {
        sum += x;
    }
    result.mean = sum / values.size();
    if (values.size() > 1)
    {
        double squares = 0;
        for (double x : values)
        {
            squares += (x - result.mean) * (x - result.mean);
        }
        const double sd = std::sqrt(squares / (values.size() - 1));
        boost::math::students_t t(static_cast<double>(values.size() - 1));
        result.halfWidth = boost::math::quantile(t, 0.975) * sd / std::sqrt(values.size());
    }
    return result;
}

std::vector<double>
RunComparison::Latencies(const std::string& variant) const
{
    auto v = m_variants.find(variant);
    std::vector<double> latencies =
        v == m_variants.end() ? std::vector<double>{} : v->second.latencies;
    std::sort(latencies.begin(), latencies.end());
    return latencies;
}

std::string
RunComparison::Table() const
{
    size_t width = 8;
    for (const auto& variant : m_order)
    {
        width = std::max(width, variant.size());
    }
    std::ostringstream os;
    os << std::left << std::setw(width + 2) << "variant" << std::setw(6) << "runs";
    for (const auto& [metric, label] : Metrics())
    {
        os << std::setw(24) << label;
    }
    os << "\n";
    for (const auto& variant : m_order)
    {
        os << std::setw(width + 2) << variant << std::setw(6)
           << m_variants.at(variant).metrics.at("throughput_rps").size();
        for (const auto& [metric, label] : Metrics())
        {
            const MeanInterval m = Get(variant, metric);
            std::ostringstream cell;
            cell << std::setprecision(4) << m.mean << " +- " << std::setprecision(2) << m.halfWidth;
            os << std::setw(24) << cell.str();
        }
        os << "\n";
    }
    return os.str();
}

std::vector<std::string>
RunComparison::Write(const std::string& dir, const std::string& title) const
{
    std::vector<std::string> written;
    // Written under temporary names and renamed at the end: a failed write leaves nothing
    // that looks complete.
    auto commit = [&](const std::string& name, const std::string& text) {
        const std::string path = dir + "/" + name;
        const std::string partial = path + ".partial";
        std::ofstream out(partial);
        out << text;
        out.close();
        if (!out || std::rename(partial.c_str(), path.c_str()) != 0)
        {
            std::remove(partial.c_str());
            throw std::runtime_error("cannot write " + path);
        }
        written.push_back(path);
    };

    std::ostringstream csv;
    csv << "variant,metric,mean,ci95_half_width,runs\n";
    for (const auto& variant : m_order)
    {
        for (const auto& [metric, label] : Metrics())
        {
            const MeanInterval m = Get(variant, metric);
            csv << variant << "," << metric << "," << NumberText(m.mean) << ","
                << NumberText(m.halfWidth) << "," << m.samples << "\n";
        }
    }
    commit("compare.csv", csv.str());

    // Latency CDF of every completed request of every run, per variant.
    Gnuplot cdf("latency-cdf.png");
    cdf.SetTerminal("pngcairo size 900,560");
    cdf.SetTitle(title + ": latency CDF (all runs)");
    cdf.SetLegend("latency of completed requests (s)", "share of requests");
    cdf.AppendExtra("set key bottom right");
    cdf.AppendExtra("set grid");
    cdf.AppendExtra("set logscale x");
    for (const auto& variant : m_order)
    {
        Gnuplot2dDataset d(variant);
        d.SetStyle(Gnuplot2dDataset::LINES);
        const std::vector<double> latencies = Latencies(variant);
        // At most about 2,000 points per curve: the CDF's shape, not every request.
        const size_t step = std::max<size_t>(1, latencies.size() / 2000);
        for (size_t i = 0; i < latencies.size(); i += step)
        {
            d.Add(std::max(latencies[i], 1e-6), double(i + 1) / latencies.size());
        }
        if (!latencies.empty())
        {
            d.Add(latencies.back(), 1.0);
        }
        cdf.AddDataset(d);
    }
    std::ostringstream cdfScript;
    cdf.GenerateOutput(cdfScript);
    commit("latency-cdf.plt", cdfScript.str());

    // Throughput and p95 latency per variant, with their 95 % intervals.
    std::ostringstream bars;
    for (const auto& [metric, file, label] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"throughput_rps", "throughput", "throughput (completed requests / s)"},
             {"latency_p95_s", "p95-latency", "p95 latency (s)"}})
    {
        Gnuplot plot(file + ".png");
        plot.SetTerminal("pngcairo size 900,560");
        plot.SetTitle(title + ": " + label + ", mean and 95 % interval over runs");
        plot.SetLegend("variant", label);
        plot.AppendExtra("set grid ytics");
        plot.AppendExtra("set yrange [0:*]");
        plot.AppendExtra("set xrange [-0.5:" + std::to_string(m_order.size()) + "-0.5]");
        std::string tics = "set xtics (";
        Gnuplot2dDataset d(label);
        d.SetStyle(Gnuplot2dDataset::POINTS);
        d.SetErrorBars(Gnuplot2dDataset::Y);
        d.SetExtra("pt 7 ps 1.5 lw 2");
        for (size_t i = 0; i < m_order.size(); ++i)
        {
            const MeanInterval m = Get(m_order[i], metric);
            tics += (i ? ", '" : "'") + m_order[i] + "' " + std::to_string(i);
            if (std::isfinite(m.mean))
            {
                d.Add(i, m.mean, m.halfWidth);
            }
        }
        plot.AppendExtra(tics + ")");
        plot.AppendExtra("unset key");
        plot.AddDataset(d);
        bars << "reset\n"; // one gnuplot session runs every script: no setting carries over
        plot.GenerateOutput(bars);
        bars << "\n";
    }
    commit("per-variant.plt", bars.str());
    return written;
}

} // namespace ns3
