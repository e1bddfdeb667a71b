/*
 * edge-llm-expert-router-sweep: the expert router against its tensor-parallel baseline from 1
 * to 1,000 concurrent users. For each routing policy in --policies and for the TP baseline
 * (one --tp-model on the experts' GPUs pooled), runs RouterScenario at each user count and
 * plots throughput, p50/p95 time to first token and p50/p95 latency against the users.
 *
 * Outputs in --out: sweep.csv, router-sweep-{throughput,ttft,latency}.plt (ns-3 Gnuplot) and
 * .png (if gnuplot is installed), and one run directory per point (<config>-<users>/).
 * Run: ./edge-llm run edge-llm-expert-router-sweep --users-list=1,10,100,1000
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/gnuplot.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

using namespace ns3;

namespace
{

/// One figure: a dataset per configuration, users on a log axis.
struct Figure
{
    std::string name;
    std::string ylabel;
    std::vector<std::string> series; //!< per configuration: these columns
    std::map<std::string, Gnuplot2dDataset> datasets;
};

} // namespace

int
main(int argc, char* argv[])
{
    RouterScenarioConfig c;
    c.duration = 300;
    c.drain = 0; // throughput while users issue prompts; open prompts end unfinished
    std::string usersList = "1,10,50,100,250,500,1000";
    std::string policies = "by-class";
    bool baseline = true;
    std::string out = "edge-llm-out/edge-llm-expert-router-sweep";

    ProgramOptions cmd("edge-llm-expert-router-sweep",
                       "Expert router against the tensor-parallel baseline from 1 to 1,000 users.");
    cmd.AddValue("users-list",
                 "Concurrent users at each point (comma list, 1 to 100000)",
                 usersList);
    cmd.AddValue("policies",
                 "Router configurations: routing policies (comma list; none: baseline only)",
                 policies);
    cmd.AddValue("baseline", "Also run the TP baseline", baseline);
    cmd.AddValue("classes", "Prompt classes name[:weight[:trace.csv]],...", c.classes);
    cmd.AddValue("experts", "Expert per class, model@device,...", c.experts);
    cmd.AddValue("tp-model", "Model of the TP baseline", c.tpModel);
    cmd.AddValue("tp-device", "Device of the TP baseline (default: the experts' xN)", c.tpDevice);
    cmd.AddValue("think", "Mean think time in seconds (>= 0)", c.think);
    cmd.AddValue("classifier-cost",
                 "Classifier cost model: profiled (bert-base-110m's libtorch profile) or "
                 "roofline",
                 c.classifierCost);
    cmd.AddValue("topology", "Users' network: " + AccessNetworkHelper::KindList(), c.access);
    cmd.AddValue("access", "Old name of --topology", c.access);
    c.network.AddOptions(cmd, "client nodes");
    cmd.AddValue("duration", "Seconds users issue prompts at each point (> 0)", c.duration);
    cmd.AddValue("drain", "Extra seconds for open prompts (>= 0)", c.drain);
    cmd.AddValue("seed", "Random seed (>= 1)", c.seed);
    cmd.AddValue("out", "Output directory", out);
    cmd.CommonRanges(); // seed, run, duration, drain, timeout where it has them
    cmd.Parse(argc, argv);

    try
    {
        c.access =
            AccessNetworkOptions::CheckTopology(cmd, c.access, BatteryOptions(), "client nodes");
    }
    catch (const std::invalid_argument& e)
    {
        FailOnCommandLine(e.what());
    }
    std::vector<uint32_t> users;
    for (const std::string& item : CommaList(usersList))
    {
        size_t used = 0;
        unsigned long n = 0;
        try
        {
            n = std::stoul(item, &used);
        }
        catch (const std::exception&)
        {
            used = 0;
        }
        if (used != item.size() || n < 1 || n > 100000)
        {
            FailOnCommandLine("--users-list item '" + item + "': accepted 1 to 100000");
        }
        users.push_back(n);
    }
    std::vector<std::string> configs;
    if (policies != "none")
    {
        configs = CommaList(policies);
    }
    if (users.empty() || (configs.empty() && !baseline))
    {
        FailOnCommandLine("nothing to run: give --users-list and --policies or --baseline=true");
    }
    if (baseline)
    {
        configs.push_back("tp");
    }
    // Every configuration's parameters are checked before the first run.
    for (const std::string& config : configs)
    {
        RouterScenarioConfig check = c;
        check.policy = config == "tp" ? "by-class" : config;
        check.baseline = config == "tp" ? "tp" : "";
        check.duration = 1;
        check.out = out + "/check";
        try
        {
            RouterScenario(check).Validate();
        }
        catch (const std::exception& e)
        {
            FailOnCommandLine(e.what());
        }
    }
    std::error_code error;
    std::filesystem::create_directories(out, error);
    std::ofstream csv(out + "/sweep.csv");
    if (error || !csv)
    {
        FailOnCommandLine("cannot write " + out + "/sweep.csv");
    }
    csv << "config,users,requests,completed,throughput_rps,output_tokens_per_s,ttft_p50_s,"
           "ttft_p95_s,latency_p50_s,latency_p95_s,itl_mean_s,gateway_mean_s,stability,wall_s\n";

    std::vector<Figure> figures = {
        {"throughput", "completed prompts per second", {"throughput"}, {}},
        {"ttft", "time to first token (s)", {"p50", "p95"}, {}},
        {"latency", "end-to-end latency (s)", {"p50", "p95"}, {}},
    };
    for (Figure& f : figures)
    {
        for (const std::string& config : configs)
        {
            for (const std::string& series : f.series)
            {
                const std::string label =
                    (config == "tp" ? "TP " + c.tpModel : "router " + config) +
                    (f.series.size() > 1 ? " " + series : "");
                Gnuplot2dDataset d(label);
                d.SetStyle(Gnuplot2dDataset::LINES_POINTS);
                if (series == "p95")
                {
                    d.SetExtra("dashtype 2");
                }
                f.datasets.emplace(config + "/" + series, d);
            }
        }
    }
    for (const std::string& config : configs)
    {
        for (uint32_t n : users)
        {
            RouterScenarioConfig point = c;
            point.users = n;
            point.policy = config == "tp" ? "by-class" : config;
            point.baseline = config == "tp" ? "tp" : "";
            point.out = out + "/" + config + "-" + std::to_string(n);
            RunSummary s;
            try
            {
                s = RouterScenario(point).Run();
            }
            catch (const std::exception& e)
            {
                FailOnCommandLine(e.what());
            }
            csv << config << ',' << n << ',' << s.requests << ',' << s.completed << ','
                << s.throughputRps << ',' << s.outputTokensPerSecond << ',' << s.ttft.p50 << ','
                << s.ttft.p95 << ',' << s.latency.p50 << ',' << s.latency.p95 << ',' << s.itl.mean
                << ',' << (s.router.routed > 0 ? NumberText(s.router.gatewaySeconds.mean) : "")
                << ',' << s.stability << ',' << s.wallSeconds << "\n";
            std::cout << config << " " << n << " users: " << NumberText(s.throughputRps)
                      << " req/s, ttft p50 " << NumberText(s.ttft.p50) << " s, latency p50 "
                      << NumberText(s.latency.p50) << " s (" << NumberText(s.wallSeconds)
                      << " s wall)" << std::endl;
            figures[0].datasets.at(config + "/throughput").Add(n, s.throughputRps);
            if (s.completed > 0)
            {
                figures[1].datasets.at(config + "/p50").Add(n, s.ttft.p50);
                figures[1].datasets.at(config + "/p95").Add(n, s.ttft.p95);
                figures[2].datasets.at(config + "/p50").Add(n, s.latency.p50);
                figures[2].datasets.at(config + "/p95").Add(n, s.latency.p95);
            }
        }
    }
    csv.close();
    std::cout << "sweep: " << out << "/sweep.csv" << std::endl;
    for (Figure& f : figures)
    {
        const std::string name = "router-sweep-" + f.name;
        Gnuplot plot(name + ".png"); // written where gnuplot runs: in out
        plot.SetTerminal("pngcairo size 900,560");
        plot.SetTitle("Expert router vs TP baseline: " + f.ylabel + " (" + c.access + ", " +
                      NumberText(c.duration) + " s per point)");
        plot.SetLegend("concurrent users", f.ylabel);
        plot.AppendExtra("set logscale x");
        if (f.name != "throughput")
        {
            plot.AppendExtra("set logscale y"); // seconds span four decades
        }
        plot.AppendExtra("set grid");
        plot.AppendExtra("set key top left");
        for (const std::string& config : configs)
        {
            for (const std::string& series : f.series)
            {
                plot.AddDataset(f.datasets.at(config + "/" + series));
            }
        }
        {
            std::ofstream plt(out + "/" + name + ".plt");
            plot.GenerateOutput(plt);
        }
        const std::string command = "cd '" + out + "' && gnuplot " + name + ".plt 2>/dev/null";
        if (std::system(command.c_str()) == 0)
        {
            std::cout << "plot: " << out << "/" << name << ".png" << std::endl;
        }
        else
        {
            std::cout << "plot: gnuplot not found; run 'gnuplot " << name << ".plt' in " << out
                      << std::endl;
        }
    }
    return 0;
}
