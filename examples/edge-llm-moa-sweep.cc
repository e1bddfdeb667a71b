/*
 * edge-llm-moa-sweep: distributed MoA across the stability threshold. Runs the MoA scenario
 * at offered loads rho = alpha_max ((k+1)M + 1) lambda from --rho-min to --rho-max, on the
 * ideal network (the theorem's world) and on the wireless one, and plots the mean queue per
 * device and the mean latency against rho with the theorem's threshold rho = 1 drawn.
 *
 * Outputs in --out: sweep.csv, moa-sweep.plt (ns-3 Gnuplot) and moa-sweep.png (if gnuplot is
 * installed), and one run directory per point (ideal-<rho>/, wireless-<rho>/).
 * Run: ./edge-llm run edge-llm-moa-sweep --rho-min=0.2 --rho-max=1.4 --points=7
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/gnuplot.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace ns3;

namespace
{

std::string
Fixed(double value, int digits)
{
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(digits);
    os << value;
    return os.str();
}

} // namespace

int
main(int argc, char* argv[])
{
    MoaScenarioConfig c;
    c.models = {"llama-3-8b"};
    c.devices = {"jetson-agx-orin", "edge-server-l4"};
    c.duration = 1800;
    c.drain = 0; // queues are judged while users issue prompts
    double rhoMin = 0.2;
    double rhoMax = 1.4;
    uint32_t points = 7;
    std::string networks = "ideal,wireless";
    std::string out = "edge-llm-out/edge-llm-moa-sweep";

    ProgramOptions cmd(
        "edge-llm-moa-sweep",
        "Distributed MoA across the stability threshold: ideal vs wireless network.");
    cmd.AddValue("rho-min", "Lowest offered load", rhoMin);
    cmd.AddValue("rho-max", "Highest offered load", rhoMax);
    cmd.AddValue("points", "Loads from rho-min to rho-max (>= 2)", points);
    cmd.AddValue("networks", "Comma list of: ideal, wireless", networks);
    cmd.AddValue("nodes", "Devices n", c.nodes);
    cmd.AddValue("layers", "Proposer layers M", c.layers);
    cmd.AddValue("peers", "Peers k per layer", c.peers);
    cmd.AddValue("topology",
                 "Wireless topology: " + AdhocNetworkHelper::TopologyList(),
                 c.topology);
    cmd.AddValue("cost", "profiled, roofline, constant or exponential", c.cost);
    cmd.AddValue("alpha", "Mean service seconds for constant | exponential", c.alpha);
    cmd.AddValue("duration", "Seconds users issue prompts per point", c.duration);
    cmd.AddValue("seed", "RNG seed", c.seed);
    cmd.AddValue("out", "Output directory", out);
    cmd.CommonRanges(); // seed, run, duration, drain, timeout where it has them
    cmd.Parse(argc, argv);
    if (points < 2 || !(rhoMin > 0) || !(rhoMax > rhoMin))
    {
        FailOnCommandLine("need points >= 2 and 0 < rho-min < rho-max");
    }

    const std::vector<std::string> nets = CommaList(networks);
    for (const std::string& item : nets)
    {
        if (item != "ideal" && item != "wireless")
        {
            FailOnCommandLine("network '" + item + "' is not one of: ideal, wireless");
        }
    }
    std::filesystem::create_directories(out);
    std::ofstream csv(out + "/sweep.csv");
    if (!csv)
    {
        FailOnCommandLine("cannot write " + out + "/sweep.csv");
    }
    csv << "network,rho,rho_with_growth,lambda_per_s,mean_queue_per_device,latency_mean_s,"
           "latency_p95_s,requests,completed,stability,wall_s\n";

    Gnuplot plot("moa-sweep.png"); // written where gnuplot runs: in out
    plot.SetTerminal("pngcairo size 900,560");
    plot.SetTitle("Distributed MoA, n=" + std::to_string(c.nodes) +
                  ", M=" + std::to_string(c.layers) + ", k=" + std::to_string(c.peers) + ": " +
                  c.topology + " Wi-Fi vs ideal network");
    plot.SetLegend("offered load rho = alpha_{max} ((k+1)M+1) lambda",
                   "mean jobs waiting per device");
    plot.AppendExtra("set y2label 'mean latency of completed prompts (s)'");
    plot.AppendExtra("set ytics nomirror");
    plot.AppendExtra("set y2tics");
    plot.AppendExtra("set key top left");
    plot.AppendExtra("set grid");
    plot.AppendExtra("set arrow from 1, graph 0 to 1, graph 1 nohead dashtype 2 lw 2");
    plot.AppendExtra("set label 'Theorem 1: rho = 1' at 1.02, graph 0.92");

    for (const std::string& net : nets)
    {
        Gnuplot2dDataset queue(net + ": queue");
        Gnuplot2dDataset latency(net + ": latency");
        queue.SetStyle(Gnuplot2dDataset::LINES_POINTS);
        latency.SetStyle(Gnuplot2dDataset::LINES_POINTS);
        latency.SetExtra("axes x1y2 dashtype 3");
        for (uint32_t i = 0; i < points; ++i)
        {
            MoaScenarioConfig point = c;
            point.network = net;
            point.rho = rhoMin + (rhoMax - rhoMin) * i / (points - 1);
            point.out = out + "/" + net + "-" + Fixed(point.rho, 2);
            try
            {
                const MoaScenarioResult r = MoaScenario(point).Run();
                const double queuePerDevice = r.summary.totalQueueTrend.mean / point.nodes;
                csv << net << ',' << r.rho << ',' << r.rhoWithGrowth << ',' << r.lambda << ','
                    << queuePerDevice << ',' << r.summary.latency.mean << ','
                    << r.summary.latency.p95 << ',' << r.summary.requests << ','
                    << r.summary.completed << ',' << r.summary.stability << ',' << r.wallSeconds
                    << "\n";
                std::cout << net << " rho " << Fixed(r.rho, 2) << ": queue/device "
                          << Fixed(queuePerDevice, 2) << ", latency "
                          << Fixed(r.summary.latency.mean, 1) << " s, " << r.summary.stability
                          << " (" << Fixed(r.wallSeconds, 1) << " s wall)" << std::endl;
                queue.Add(r.rho, queuePerDevice);
                if (r.summary.completed > 0)
                {
                    latency.Add(r.rho, r.summary.latency.mean);
                }
            }
            catch (const std::exception& e)
            {
                FailOnCommandLine(e.what());
            }
        }
        plot.AddDataset(queue);
        plot.AddDataset(latency);
    }
    csv.close();
    {
        std::ofstream plt(out + "/moa-sweep.plt");
        plot.GenerateOutput(plt);
    }
    std::cout << "sweep: " << out << "/sweep.csv" << std::endl;
    const std::string command = "cd '" + out + "' && gnuplot moa-sweep.plt 2>/dev/null";
    if (std::system(command.c_str()) == 0)
    {
        std::cout << "plot: " << out << "/moa-sweep.png" << std::endl;
    }
    else
    {
        std::cout << "plot: gnuplot not found; run 'gnuplot moa-sweep.plt' in " << out << std::endl;
    }
    return 0;
}
