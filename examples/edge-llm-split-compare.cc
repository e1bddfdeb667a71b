/*
 * edge-llm-split-compare: the split planners side by side on the same arrivals. Runs the
 * split scenario for every planner at each load (requests per second per device, at one
 * distance) and at each device-to-AP distance (the radio's rate, at one load), and plots
 * server work per request, SLA attainment and mean latency against load and distance.
 *
 * The dp runs also ask every planner what it would place for each of their requests, given
 * the same inputs: same-inputs.csv (the paper's comparison, free of the feedback between a
 * planner's choices and the link and load it measures).
 *
 * Outputs in --out: compare.csv, same-inputs.csv, split-compare.plt, split-load.png and
 * split-distance.png (if gnuplot is installed), and one run directory per point
 * (load-<planner>-<x>/, ...). Run: ./edge-llm run edge-llm-split-compare --duration=120
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

using namespace ns3;

namespace
{

/// The numbers of a comma-separated option; fails on anything that is not one.
std::vector<double>
Numbers(const std::string& option, const std::string& text)
{
    std::vector<double> values;
    for (const std::string& item : CommaList(text))
    {
        char* end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        if (end == item.c_str() || *end != '\0' || !(v > 0) || !std::isfinite(v))
        {
            FailOnCommandLine("--" + option + ": '" + item + "' is not a number > 0");
        }
        values.push_back(v);
    }
    if (values.empty())
    {
        FailOnCommandLine("--" + option + " needs at least one value");
    }
    return values;
}

/// One point of the comparison: a planner at one x of one sweep.
struct Point
{
    std::string sweep;
    std::string planner;
    double x;
    double serverWork;
    double slaAttainment;
    double latency;
};

/// The points of compare.csv (--plot-only).
std::vector<Point>
ReadPoints(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
    {
        FailOnCommandLine("cannot read " + path + " (run the comparison first)");
    }
    std::vector<Point> points;
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line))
    {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ','))
        {
            cells.push_back(cell);
        }
        if (cells.size() < 6)
        {
            FailOnCommandLine(path + ": a row of " + std::to_string(cells.size()) +
                              " cells; expected the columns this program writes");
        }
        auto number = [](const std::string& text) {
            return text.empty() ? std::nan("") : std::strtod(text.c_str(), nullptr);
        };
        points.push_back({cells[0],
                          cells[1],
                          number(cells[2]),
                          number(cells[3]),
                          number(cells[4]),
                          number(cells[5])});
    }
    return points;
}

/// One panel per figure of merit, one line per planner (an inline data block each).
std::string
Figure(const std::vector<Point>& points,
       const std::string& sweep,
       const std::string& png,
       const std::string& xLabel,
       const std::vector<std::string>& planners,
       const std::string& title)
{
    std::ostringstream os;
    for (size_t i = 0; i < planners.size(); ++i)
    {
        os << "$" << sweep << i << " << EOD\n";
        for (const Point& p : points)
        {
            if (p.sweep == sweep && p.planner == planners[i])
            {
                auto cell = [](double v) {
                    return std::isnan(v) ? std::string("NaN") : NumberText(v);
                };
                os << NumberText(p.x) << ' ' << cell(p.serverWork) << ' ' << cell(p.slaAttainment)
                   << ' ' << cell(p.latency) << "\n";
            }
        }
        os << "EOD\n";
    }
    os << "set output '" << png << "'\n"
       << "set multiplot layout 1,3 title \"" << title << "\"\n"
       << "set xlabel '" << xLabel << "'\n";
    const std::vector<std::pair<int, std::string>> panels = {{2, "server work per request (s)"},
                                                             {3, "SLA attainment"},
                                                             {4, "mean latency (s)"}};
    for (const auto& [column, label] : panels)
    {
        os << "set ylabel '" << label << "'\n"
           << (column == 3 ? "set yrange [0:1.05]\n" : "set yrange [0:*]\n") << "plot ";
        for (size_t i = 0; i < planners.size(); ++i)
        {
            os << (i ? ", " : "") << "$" << sweep << i << " using 1:" << column
               << " with linespoints lw 2 pt 7 title '" << planners[i] << "'";
        }
        os << "\n";
    }
    os << "unset multiplot\n";
    return os.str();
}

} // namespace

int
main(int argc, char* argv[])
{
    SplitScenarioConfig c;
    c.duration = 120;
    c.drain = 60;
    std::string devices = "jetson-orin-nano";
    std::string planners = "dp,greedy,server-only,client-only";
    std::string loads = "0.02,0.05,0.1,0.2";
    std::string distances = "10,20,30,40,50";
    double load = 0.05;
    double distance = 10;
    std::string out = "edge-llm-out/edge-llm-split-compare";
    bool plotOnly = false;

    ProgramOptions cmd(
        "edge-llm-split-compare",
        "The split planners on the same arrivals, against load and against distance.");
    cmd.AddValue("planners", "Comma list of planners (dp, greedy, server-only, ...)", planners);
    cmd.AddValue("loads", "Requests per second per device, comma list (load sweep)", loads);
    cmd.AddValue("distance", "Device-to-AP metres during the load sweep", distance);
    cmd.AddValue("distances", "Device-to-AP metres, comma list (distance sweep)", distances);
    cmd.AddValue("load", "Requests per second per device during the distance sweep", load);
    cmd.AddValue("clients", "Client devices", c.clients);
    cmd.AddValue("topology",
                 "Devices' network: " + AccessNetworkHelper::KindList() +
                     " (ad hoc: the server is one more node)",
                 c.access);
    c.network.AddOptions(cmd, "client devices");
    cmd.AddValue("client-device", "Device presets, comma list, cycled over the clients", devices);
    cmd.AddValue("model", "Model preset: " + ModelSpec::PresetList(), c.model);
    cmd.AddValue("server-device", "Edge server device preset", c.serverDevice);
    cmd.AddValue("sla", "Latency bound of a whole request in seconds", c.sla);
    cmd.AddValue("headroom", "Share of the SLA the plans keep free (0 to 0.9)", c.slaHeadroom);
    cmd.AddValue("prompt-tokens", "Fixed prompt length (0: the Azure trace's)", c.promptTokens);
    cmd.AddValue("output-tokens", "Fixed output length (0: the Azure trace's)", c.outputTokens);
    cmd.AddValue("duration", "Seconds devices issue requests, per point", c.duration);
    cmd.AddValue("drain", "Extra seconds for open requests, per point", c.drain);
    cmd.AddValue("seed", "Random seed (the same arrivals for every planner)", c.seed);
    cmd.AddValue("out", "Output directory", out);
    cmd.AddValue("plot-only", "Only redraw the plots from --out's compare.csv", plotOnly);
    cmd.CommonRanges(); // seed, run, duration, drain, timeout where it has them
    cmd.Parse(argc, argv);
    c.clientDevices = CommaList(devices);
    const std::vector<std::string> plannerNames = CommaList(planners);
    const std::vector<double> loadValues = Numbers("loads", loads);
    const std::vector<double> distanceValues = Numbers("distances", distances);
    if (plannerNames.empty())
    {
        FailOnCommandLine("--planners needs at least one planner");
    }
    try
    {
        c.access = AccessNetworkOptions::CheckTopology(cmd, c.access, c.battery, "client devices");
        // Every planner's scenario is checked before the first run writes anything.
        for (const std::string& planner : plannerNames)
        {
            SplitScenarioConfig check = c;
            check.planner = planner;
            SplitScenario{check};
        }
    }
    catch (const std::invalid_argument& e)
    {
        FailOnCommandLine(e.what());
    }

    std::vector<Point> points;
    if (plotOnly)
    {
        points = ReadPoints(out + "/compare.csv");
    }
    else
    {
        std::filesystem::create_directories(out);
        std::ofstream csv(out + "/compare.csv");
        if (!csv)
        {
            FailOnCommandLine("cannot write " + out + "/compare.csv");
        }
        csv << "sweep,planner,x,server_work_s,sla_attainment,latency_mean_s,latency_p95_s,"
               "server_utilisation,requests,completed,wall_s\n";
        // Every planner on the very inputs (link and load estimates) of each dp request.
        std::ofstream same(out + "/same-inputs.csv");
        same << "sweep,x,planner,planned_server_work_s,planned_latency_s,feasible_share\n";
        // (sweep, x) -> planner -> mean server work, for the comparison printed at the end.
        std::map<std::pair<std::string, double>, std::map<std::string, double>> work;
        std::map<std::pair<std::string, double>, std::map<std::string, double>> sameWork;
        for (const std::string sweep : {"load", "distance"})
        {
            const std::vector<double>& xs = sweep == "load" ? loadValues : distanceValues;
            for (double x : xs)
            {
                for (const std::string& planner : plannerNames)
                {
                    SplitScenarioConfig point = c;
                    point.planner = planner;
                    point.load = sweep == "load" ? x : load;
                    point.distance = sweep == "distance" ? x : distance;
                    std::ostringstream dir;
                    dir << out << "/" << sweep << "-" << planner << "-" << x;
                    point.out = dir.str();
                    if (planner == "dp")
                    {
                        point.shadowPlanners = plannerNames;
                    }
                    try
                    {
                        const SplitScenarioResult r = SplitScenario(point).Run();
                        const SplitSummary& s = r.summary.split;
                        csv << sweep << ',' << planner << ',' << x << ',' << s.serverWork.mean
                            << ',' << s.slaAttainment << ',' << r.summary.latency.mean << ','
                            << r.summary.latency.p95 << ',' << r.serverUtilisation << ','
                            << r.summary.requests << ',' << r.summary.completed << ','
                            << r.summary.wallSeconds << "\n";
                        work[{sweep, x}][planner] = s.serverWork.mean;
                        points.push_back({sweep,
                                          planner,
                                          x,
                                          s.serverWork.mean,
                                          s.slaAttainment,
                                          r.summary.latency.mean});
                        for (const auto& [name, shadow] : r.shadows)
                        {
                            same << sweep << ',' << x << ',' << name << ','
                                 << shadow.serverWork.mean << ',' << shadow.latency.mean << ','
                                 << shadow.feasibleShare << "\n";
                            sameWork[{sweep, x}][name] = shadow.serverWork.mean;
                        }
                        std::cout << std::fixed << std::setprecision(3) << sweep << " "
                                  << NumberText(x) << " " << planner << ": server work "
                                  << s.serverWork.mean << " s/request, SLA met "
                                  << 100 * s.slaAttainment << " %, latency "
                                  << r.summary.latency.mean << " s (" << r.summary.wallSeconds
                                  << " s wall)" << std::endl;
                    }
                    catch (const std::exception& e)
                    {
                        FailOnCommandLine(e.what());
                    }
                }
            }
        }
        csv.close();
        same.close();

        // What dp saves against server-only and greedy, point by point: measured in the runs
        // (each planner's own requests), and planned on the same inputs (dp's requests).
        for (const auto& [heading, table] :
             {std::make_pair("server work saved by dp, measured in each planner's run:", &work),
              std::make_pair("server work saved by dp, planned on the same requests:", &sameWork)})
        {
            std::cout << "\n" << heading << std::endl;
            for (const auto& [point, byPlanner] : *table)
            {
                auto dp = byPlanner.find("dp");
                if (dp == byPlanner.end())
                {
                    continue;
                }
                std::cout << "  " << point.first << " " << NumberText(point.second) << ":";
                for (const char* other : {"server-only", "greedy"})
                {
                    auto it = byPlanner.find(other);
                    if (it != byPlanner.end() && it->second > 0)
                    {
                        std::cout << " " << std::setprecision(1)
                                  << 100 * (1 - dp->second / it->second) << " % vs " << other;
                    }
                }
                std::cout << std::endl;
            }
        }

        std::cout << "tables: " << out << "/compare.csv, " << out << "/same-inputs.csv"
                  << std::endl;
    }

    const std::string title = std::to_string(c.clients) + " " + devices + " + " + c.serverDevice +
                              ", " + c.model + ", SLA " + NumberText(c.sla) + " s";
    {
        std::ofstream plt(out + "/split-compare.plt");
        plt << "set terminal pngcairo size 1500,500\n"
            << "set key below\nset grid\n"
            << Figure(points,
                      "load",
                      "split-load.png",
                      "requests per second per device (" + NumberText(distance) + " m)",
                      plannerNames,
                      title + ": against load")
            << Figure(points,
                      "distance",
                      "split-distance.png",
                      "device-to-AP distance, m (" + NumberText(load) + " req/s per device)",
                      plannerNames,
                      title + ": against distance");
    }
    const std::string command = "cd '" + out + "' && gnuplot split-compare.plt 2>/dev/null";
    if (std::system(command.c_str()) == 0)
    {
        std::cout << "plots: " << out << "/split-load.png, " << out << "/split-distance.png"
                  << std::endl;
    }
    else
    {
        std::cout << "plots: gnuplot not found; run 'gnuplot split-compare.plt' in " << out
                  << std::endl;
    }
    return 0;
}
