/*
 * edge-llm-bench-overhead: what the module costs inside Simulator::Run against a bare ns-3
 * program that sends exactly the same packets.
 *
 *   ./edge-llm bench overhead [--bytes-per-token=4,256,1024] [--repeats=R] [--phones=N]
 *                             [--load=L] [--duration=S] [--drain=S] [--seed=S] [--run=R]
 *   ./edge-llm bench overhead --scaling [--quick]
 *   ./edge-llm bench overhead --only=full|bare [--schedule=FILE] [--digest=FILE] ...
 *
 * For each message size: (1) edge-llm-wifi-star (the example's defaults, OverheadStar) runs
 * with a SocketRecorder, which records every TCP socket call of its applications; (2) it runs
 * again without the recorder; (3) a bare ns-3 program builds the same network with
 * WifiStarHelper alone and replays the recorded calls on plain TCP sockets (SocketReplay).
 * All three hash every frame of every device by time and length (FrameDigest, where the
 * pcap writers look): the three must match, or the program says where they differ and exits
 * 1. Then R timed runs of each, alternating which goes first, without recorder or hashes.
 * Every run is a child process of its own, so that each starts from the same state (ns-3
 * numbers its random streams process-wide). Prints, per size, the medians of CPU seconds
 * (this thread's; the run helper's closing of its logs included for the full run) and wall
 * seconds of the runs, their ratios (and the lowest and highest ratio of one repeat's pair:
 * what the machine's load did), and instructions where the machine gives a counter.
 *
 * --only runs one program once in this process, for a profiler (perf, callgrind with
 * --toggle-collect='ns3::Simulator::Run()'): full (recording its socket calls to --schedule
 * if given) or bare (replaying --schedule); --digest writes its frame digest.
 *
 * --scaling runs the examples as child processes and fits the cost growth exponent b of
 * cost = a x^b (least squares on log-log) against the requests (duration varied at a fixed
 * load) and against the nodes (at a fixed load per node), for the Wi-Fi star and for MoA on
 * the ideal network and on ad hoc Wi-Fi. A benchmark, not a test: figures depend on the
 * machine.
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace ns3;

namespace
{

/**
 * Runs `job` in a child process and returns what it returned. A child that throws or dies
 * makes this throw with its message.
 */
std::string
InChild(const std::function<std::string()>& job)
{
    int fds[2];
    if (pipe(fds) != 0)
    {
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    std::cout.flush();
    std::cerr.flush();
    const pid_t pid = fork();
    if (pid < 0)
    {
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0)
    {
        close(fds[0]);
        int status = 0;
        std::string out;
        try
        {
            out = job();
        }
        catch (const std::exception& e)
        {
            out = e.what();
            status = 3;
        }
        const char* p = out.data();
        size_t left = out.size();
        while (left > 0)
        {
            const ssize_t n = write(fds[1], p, left);
            if (n <= 0)
            {
                break;
            }
            p += n;
            left -= n;
        }
        close(fds[1]);
        _exit(status);
    }
    close(fds[1]);
    std::string out;
    char buffer[4096];
    ssize_t n;
    while ((n = read(fds[0], buffer, sizeof(buffer))) > 0)
    {
        out.append(buffer, n);
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    {
        throw std::runtime_error(out.empty() ? "a child run died" : out);
    }
    return out;
}

std::string
Encode(const OverheadRunResult& r)
{
    std::ostringstream os;
    os.precision(17);
    os << r.wallSeconds << ' ' << r.cpuSeconds << ' ' << r.instructions << ' ' << r.requests << ' '
       << r.completed << ' ' << r.end.GetTimeStep() << '\n'
       << r.error;
    return os.str();
}

OverheadRunResult
Decode(const std::string& text)
{
    std::istringstream is(text);
    OverheadRunResult r;
    int64_t end = 0;
    is >> r.wallSeconds >> r.cpuSeconds >> r.instructions >> r.requests >> r.completed >> end;
    if (!is)
    {
        throw std::runtime_error("a child run answered '" + text + "'");
    }
    r.end = TimeStep(end);
    is.get();
    std::getline(is, r.error, '\0');
    return r;
}

void
WriteText(const std::string& path, const std::function<void(std::ostream&)>& write)
{
    std::ofstream out(path);
    write(out);
    if (!out)
    {
        throw std::runtime_error("cannot write " + path);
    }
}

SocketSchedule
ReadSchedule(const std::string& path)
{
    std::ifstream in(path);
    return SocketSchedule::Read(in);
}

FrameDigest
ReadDigest(const std::string& path)
{
    std::ifstream in(path);
    return FrameDigest::Read(in);
}

double
Median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/// What one message size gave.
struct SizeResult
{
    uint32_t bytesPerToken{0};
    uint64_t requests{0};
    uint64_t frames{0};
    std::string mismatch; //!< empty: the three runs' frames matched
    double fullCpu{0};
    double bareCpu{0};
    double fullWall{0};
    double bareWall{0};
    double fullInstructions{-1};
    double bareInstructions{-1};
    double lowRatio{0};  //!< the lowest and highest CPU ratio of one full run to the bare run
    double highRatio{0}; //!< of the same repeat: how much the machine moved the figures
};

SizeResult
MeasureSize(OverheadStarConfig config, uint32_t repeats, const std::string& dir)
{
    SizeResult result;
    result.bytesPerToken = config.bytesPerToken;
    const std::string tag = dir + "/" + std::to_string(config.bytesPerToken);
    const std::string schedulePath = tag + "-schedule.txt";

    // The check: recorded, plain and bare runs, each hashing every frame.
    const OverheadRunResult recorded = Decode(InChild([&]() {
        Ptr<SocketRecorder> recorder = Create<SocketRecorder>();
        Ptr<FrameDigest> digest = Create<FrameDigest>();
        const OverheadRunResult r = OverheadStar::RunFull(config, recorder, digest);
        WriteText(schedulePath, [&](std::ostream& o) { recorder->GetSchedule().Write(o); });
        WriteText(tag + "-recorded.txt", [&](std::ostream& o) { digest->Write(o); });
        return Encode(r);
    }));
    InChild([&]() {
        Ptr<FrameDigest> digest = Create<FrameDigest>();
        const OverheadRunResult r = OverheadStar::RunFull(config, nullptr, digest);
        WriteText(tag + "-plain.txt", [&](std::ostream& o) { digest->Write(o); });
        return Encode(r);
    });
    const OverheadRunResult bare = Decode(InChild([&]() {
        const SocketSchedule schedule = ReadSchedule(schedulePath);
        Ptr<FrameDigest> digest = Create<FrameDigest>();
        const OverheadRunResult r = OverheadStar::RunBare(config, schedule, digest);
        WriteText(tag + "-bare.txt", [&](std::ostream& o) { digest->Write(o); });
        return Encode(r);
    }));
    const FrameDigest recordedFrames = ReadDigest(tag + "-recorded.txt");
    result.requests = recorded.requests;
    result.frames = recordedFrames.GetFrames();
    std::string mismatch = recordedFrames.Compare(ReadDigest(tag + "-plain.txt"));
    if (!mismatch.empty())
    {
        result.mismatch = "recording changed the frames: " + mismatch;
    }
    else if (!bare.error.empty())
    {
        result.mismatch = "bare replay: " + bare.error;
    }
    else if (!(mismatch = recordedFrames.Compare(ReadDigest(tag + "-bare.txt"))).empty())
    {
        result.mismatch = "bare frames differ: " + mismatch;
    }
    if (!result.mismatch.empty())
    {
        return result;
    }

    // The timed runs, alternating which program goes first.
    std::vector<double> fullCpu;
    std::vector<double> bareCpu;
    std::vector<double> fullWall;
    std::vector<double> bareWall;
    std::vector<double> fullInstructions;
    std::vector<double> bareInstructions;
    auto runFull = [&]() {
        const OverheadRunResult r = Decode(
            InChild([&]() { return Encode(OverheadStar::RunFull(config, nullptr, nullptr)); }));
        fullCpu.push_back(r.cpuSeconds);
        fullWall.push_back(r.wallSeconds);
        fullInstructions.push_back(r.instructions);
    };
    auto runBare = [&]() {
        const OverheadRunResult r = Decode(InChild([&]() {
            const SocketSchedule schedule = ReadSchedule(schedulePath);
            return Encode(OverheadStar::RunBare(config, schedule, nullptr));
        }));
        if (!r.error.empty())
        {
            throw std::runtime_error("bare replay: " + r.error);
        }
        bareCpu.push_back(r.cpuSeconds);
        bareWall.push_back(r.wallSeconds);
        bareInstructions.push_back(r.instructions);
    };
    for (uint32_t i = 0; i < repeats; ++i)
    {
        if (i % 2 == 0)
        {
            runFull();
            runBare();
        }
        else
        {
            runBare();
            runFull();
        }
    }
    for (uint32_t i = 0; i < repeats; ++i)
    {
        const double ratio = fullCpu[i] / bareCpu[i];
        result.lowRatio = i == 0 ? ratio : std::min(result.lowRatio, ratio);
        result.highRatio = i == 0 ? ratio : std::max(result.highRatio, ratio);
    }
    result.fullCpu = Median(fullCpu);
    result.bareCpu = Median(bareCpu);
    result.fullWall = Median(fullWall);
    result.bareWall = Median(bareWall);
    result.fullInstructions = Median(fullInstructions);
    result.bareInstructions = Median(bareInstructions);
    return result;
}

std::vector<uint32_t>
ParseSizes(const std::string& text)
{
    std::vector<uint32_t> sizes;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
    {
        const uint64_t size =
            ProgramOptions::ParseUnsigned("--bytes-per-token=" + text, item, 1000000);
        if (size == 0)
        {
            throw OptionError("--bytes-per-token=" + text +
                              ": each size must be 1 to 1000000 bytes per token");
        }
        sizes.push_back(static_cast<uint32_t>(size));
    }
    if (sizes.empty())
    {
        throw OptionError("--bytes-per-token=" + text +
                          ": give one or more sizes, e.g. 4,256,1024");
    }
    return sizes;
}

/// One run in this process (for perf or callgrind): the full program (recording its socket
/// calls to `path` if given), or the bare program replaying them from there; with
/// `digestPath`, the run's frame digest is written there.
int
RunOnly(const OverheadStarConfig& config,
        const std::string& program,
        const std::string& path,
        const std::string& digestPath)
{
    try
    {
        OverheadRunResult r;
        Ptr<FrameDigest> digest = digestPath.empty() ? nullptr : Create<FrameDigest>();
        if (program == "full")
        {
            Ptr<SocketRecorder> recorder = path.empty() ? nullptr : Create<SocketRecorder>();
            r = OverheadStar::RunFull(config, recorder, digest);
            if (recorder)
            {
                WriteText(path, [&](std::ostream& o) { recorder->GetSchedule().Write(o); });
            }
        }
        else
        {
            std::ifstream in(path);
            if (!in)
            {
                FailOnCommandLine("--schedule=" + path + ": cannot read the file");
            }
            r = OverheadStar::RunBare(config, SocketSchedule::Read(in), digest);
        }
        if (digest)
        {
            WriteText(digestPath, [&](std::ostream& o) { digest->Write(o); });
        }
        std::printf("%s: %.3f CPU s, %.3f wall s, %lld instructions (-1: no counter)%s%s\n",
                    program.c_str(),
                    r.cpuSeconds,
                    r.wallSeconds,
                    static_cast<long long>(r.instructions),
                    r.error.empty() ? "" : "; replay: ",
                    r.error.c_str());
        return r.error.empty() ? 0 : 1;
    }
    catch (const std::exception& e)
    {
        std::cerr << "error: " << e.what() << std::endl;
        return 1;
    }
}

// --- scaling -------------------------------------------------------------------------------

/// One run of an example: the requests it counted and what it cost.
struct ScalingPoint
{
    double x{0};
    uint64_t requests{0};
    double runWall{0};    //!< Simulator::Run, from summary.json's wall_s
    double processCpu{0}; //!< the whole child process: user + system
};

/// Runs `program` with `args` and --out in a temporary directory; reads its summary.json.
ScalingPoint
RunExample(const std::string& program, std::vector<std::string> args, const std::string& dir)
{
    const std::string out = dir + "/run";
    std::filesystem::remove_all(out);
    args.push_back("--out=" + out);
    std::cout.flush();
    rusage before{};
    getrusage(RUSAGE_CHILDREN, &before);
    const pid_t pid = fork();
    if (pid == 0)
    {
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(program.c_str()));
        for (std::string& a : args)
        {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        // The examples print a table; only this program's lines go to the terminal.
        if (freopen("/dev/null", "w", stdout) == nullptr)
        {
            _exit(127);
        }
        execv(program.c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    rusage after{};
    getrusage(RUSAGE_CHILDREN, &after);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    {
        std::string line = program;
        for (const std::string& a : args)
        {
            line += " " + a;
        }
        throw std::runtime_error("failed: " + line);
    }
    auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec * 1e-6; };
    ScalingPoint point;
    point.processCpu = seconds(after.ru_utime) - seconds(before.ru_utime) +
                       seconds(after.ru_stime) - seconds(before.ru_stime);
    std::ifstream in(out + "/summary.json");
    const nlohmann::json summary = nlohmann::json::parse(in);
    point.requests = summary.at("requests").get<uint64_t>();
    point.runWall = summary.at("wall_s").get<double>();
    return point;
}

/// The slope of log y against log x (least squares).
double
Exponent(const std::vector<double>& x, const std::vector<double>& y)
{
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    const double n = x.size();
    for (size_t i = 0; i < x.size(); ++i)
    {
        const double lx = std::log(x[i]);
        const double ly = std::log(y[i]);
        sx += lx;
        sy += ly;
        sxx += lx * lx;
        sxy += lx * ly;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

struct Sweep
{
    std::string name;
    std::string program;
    std::string variable; //!< "requests" or "nodes"
    std::vector<std::string> fixed;
    std::string option; //!< what is varied
    std::vector<double> values;
};

void
RunSweep(const Sweep& sweep, const std::string& dir)
{
    std::printf("\n%s: %s", sweep.name.c_str(), sweep.program.c_str());
    for (const std::string& f : sweep.fixed)
    {
        std::printf(" %s", f.c_str());
    }
    std::printf(" --%s=X\n%10s %10s %12s %14s\n",
                sweep.option.c_str(),
                "X",
                "requests",
                "run_wall_s",
                "process_cpu_s");
    std::vector<double> x;
    std::vector<double> wall;
    std::vector<double> cpu;
    for (const double v : sweep.values)
    {
        std::vector<std::string> args = sweep.fixed;
        std::ostringstream value;
        value << v;
        args.push_back("--" + sweep.option + "=" + value.str());
        ScalingPoint p = RunExample(sweep.program, args, dir);
        p.x = sweep.variable == "requests" ? static_cast<double>(p.requests) : v;
        std::printf("%10s %10llu %12.3f %14.3f\n",
                    value.str().c_str(),
                    static_cast<unsigned long long>(p.requests),
                    p.runWall,
                    p.processCpu);
        std::fflush(stdout);
        x.push_back(p.x);
        wall.push_back(p.runWall);
        cpu.push_back(p.processCpu);
    }
    // The fit over the sweep, and the slope of its last step (where growth is steepest).
    const size_t n = x.size();
    const std::vector<double> lastX(x.end() - 2, x.end());
    std::printf("exponent against %s: %.2f (run wall), %.2f (process CPU); last step %.2f, "
                "%.2f\n",
                sweep.variable.c_str(),
                Exponent(x, wall),
                Exponent(x, cpu),
                Exponent(lastX, {wall[n - 2], wall[n - 1]}),
                Exponent(lastX, {cpu[n - 2], cpu[n - 1]}));
}

int
Scaling(bool quick, const std::string& dir)
{
    // The examples sit next to this program in the build tree.
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
    const std::string examples = (self.parent_path() / "examples").string();
    const std::string star = examples + "/edge-llm-wifi-star";
    const std::string moa = examples + "/edge-llm-moa";
    for (const std::string& p : {star, moa})
    {
        if (access(p.c_str(), X_OK) != 0)
        {
            std::cerr << "error: " << p << " is not built (./edge-llm build)" << std::endl;
            return 2;
        }
    }
    // Each sweep takes about a minute on a 2-core machine (--quick: seconds).
    auto points = [quick](std::vector<double> all) {
        return quick ? std::vector<double>(all.begin(), all.begin() + 3) : all;
    };
    const std::vector<std::string> moaCost = {"--cost=constant", "--alpha=0.1"};
    auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
    };
    const std::vector<Sweep> sweeps = {
        {"Wi-Fi star, requests",
         star,
         "requests",
         {"--phones=8", "--load=0.05", "--drain=300", "--pcap=false"},
         "duration",
         points({150, 300, 600, 1200, 2400})},
        {"Wi-Fi star, nodes",
         star,
         "nodes",
         {"--load=0.01", "--duration=300", "--drain=300", "--pcap=false"},
         "phones",
         points({4, 8, 16, 32, 64, 128})},
        {"MoA ideal network, requests",
         moa,
         "requests",
         with({"--network=ideal", "--nodes=64", "--rho=0.8", "--drain=60"}, moaCost),
         "duration",
         points({100, 200, 400, 800, 1600})},
        {"MoA ideal network, nodes",
         moa,
         "nodes",
         with({"--network=ideal", "--rho=0.8", "--duration=200", "--drain=60"}, moaCost),
         "nodes",
         points({8, 16, 32, 64, 128, 256})},
        {"MoA ad hoc Wi-Fi, requests",
         moa,
         "requests",
         with({"--network=wireless", "--nodes=8", "--rho=0.5", "--drain=60"}, moaCost),
         "duration",
         points({15, 30, 60, 120})},
        {"MoA ad hoc Wi-Fi, nodes",
         moa,
         "nodes",
         with({"--network=wireless", "--rho=0.5", "--duration=30", "--drain=60"}, moaCost),
         "nodes",
         points({4, 8, 16, 32})},
    };
    std::printf("cost growth: cost = a x^b, b fitted by least squares on log-log\n");
    for (const Sweep& sweep : sweeps)
    {
        RunSweep(sweep, dir);
    }
    return 0;
}

} // namespace

int
main(int argc, char* argv[])
{
    OverheadStarConfig config;
    std::string sizesText = "4,256,1024";
    uint32_t repeats = 3;
    bool scaling = false;
    bool quick = false;
    std::string only;
    std::string schedulePath;
    std::string digestPath;
    ProgramOptions cmd("edge-llm-bench-overhead",
                       "The module's cost in Simulator::Run against a bare ns-3 program that "
                       "sends the same packets (edge-llm-wifi-star).");
    cmd.AddValue("bytes-per-token",
                 "Message sizes: bytes per token, comma-separated (each 1 to 1000000)",
                 sizesText);
    cmd.AddValue("repeats", "Timed runs of each program per size (1 to 100)", repeats);
    cmd.AddValue("phones", "Phones (1 to 64)", config.phones);
    cmd.AddValue("load", "Requests per second per phone (> 0, at most 10)", config.load);
    cmd.AddValue("duration", "Seconds users issue requests (1 to 100000)", config.duration);
    cmd.AddValue("drain", "Seconds for open requests to finish (0 to 100000)", config.drain);
    cmd.AddValue("seed", "Random seed (>= 1)", config.seed);
    cmd.AddValue("run", "Run number (>= 1)", config.run);
    cmd.AddValue("scaling", "Instead: the cost growth exponents of the examples", scaling);
    cmd.AddValue("quick", "With --scaling: three points per sweep, short runs", quick);
    cmd.AddValue("only",
                 "Instead: one run of one program in this process, for a profiler: full "
                 "(records its socket calls to --schedule) or bare (replays --schedule)",
                 only);
    cmd.AddValue("schedule",
                 "With --only: the socket schedule file (full: written, if given; bare: read)",
                 schedulePath);
    cmd.AddValue("digest",
                 "With --only: write the run's frame digest (per device: frames, hash) here",
                 digestPath);
    cmd.Range("repeats", 1, 100);
    cmd.Range("phones", 1, 64);
    cmd.Range("load", 1e-6, 10, "requests per second per phone");
    cmd.Range("duration", 1, 100000, "seconds");
    cmd.Range("drain", 0, 100000, "seconds");
    cmd.Range("seed", 1, 4294967295.0);
    cmd.Range("run", 1, 4294967295.0);
    cmd.Parse(argc, argv); // refuses bad options itself (exit 2)
    std::vector<uint32_t> sizes;
    try
    {
        sizes = ParseSizes(sizesText);
    }
    catch (const OptionError& e)
    {
        FailOnCommandLine(e.what());
    }
    if (!only.empty())
    {
        if ((only != "full" && only != "bare") || (only == "bare" && schedulePath.empty()) ||
            sizes.size() != 1)
        {
            FailOnCommandLine("--only=" + only +
                              ": accepted full (--schedule=FILE records to it) or bare "
                              "(--schedule=FILE, which it replays), with one --bytes-per-token");
        }
        config.bytesPerToken = sizes.front();
        return RunOnly(config, only, schedulePath, digestPath);
    }

    std::string pattern =
        (std::filesystem::temp_directory_path() / "edge-llm-bench-overhead-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
    {
        std::cerr << "error: cannot create a temporary directory" << std::endl;
        return 1;
    }
    const std::string dir = pattern;
    int status = 0;
    try
    {
        if (scaling)
        {
            status = Scaling(quick, dir);
        }
        else
        {
            std::printf("edge-llm-wifi-star against a bare ns-3 replay of its socket calls: %u "
                        "phones, %g requests/s each for %g s (+ drain %g s), seed %u run %u, "
                        "median of %u runs each\n",
                        config.phones,
                        config.load,
                        config.duration,
                        config.drain,
                        config.seed,
                        config.run,
                        repeats);
            std::printf("%-11s %8s %10s %5s %10s %10s %7s %13s %9s %9s %7s %7s\n",
                        "bytes/token",
                        "requests",
                        "frames",
                        "same",
                        "full_cpu_s",
                        "bare_cpu_s",
                        "ratio",
                        "pairs",
                        "full_wall",
                        "bare_wall",
                        "ratio",
                        "instr");
            std::fflush(stdout);
            for (const uint32_t size : sizes)
            {
                config.bytesPerToken = size;
                const SizeResult r = MeasureSize(config, repeats, dir);
                if (!r.mismatch.empty())
                {
                    std::printf("%-11u %8llu %10llu %5s\n",
                                size,
                                static_cast<unsigned long long>(r.requests),
                                static_cast<unsigned long long>(r.frames),
                                "NO");
                    std::fflush(stdout);
                    std::cerr << "error: " << size << " bytes/token: " << r.mismatch << std::endl;
                    status = 1;
                    continue;
                }
                char instructions[32] = "n/a";
                if (r.fullInstructions > 0 && r.bareInstructions > 0)
                {
                    std::snprintf(instructions,
                                  sizeof(instructions),
                                  "%.3f",
                                  r.fullInstructions / r.bareInstructions);
                }
                char pairs[32];
                std::snprintf(pairs, sizeof(pairs), "%.3f-%.3f", r.lowRatio, r.highRatio);
                std::printf("%-11u %8llu %10llu %5s %10.3f %10.3f %7.3f %13s %9.3f %9.3f %7.3f "
                            "%7s\n",
                            size,
                            static_cast<unsigned long long>(r.requests),
                            static_cast<unsigned long long>(r.frames),
                            "yes",
                            r.fullCpu,
                            r.bareCpu,
                            r.fullCpu / r.bareCpu,
                            pairs,
                            r.fullWall,
                            r.bareWall,
                            r.fullWall / r.bareWall,
                            instructions);
                std::fflush(stdout);
            }
        }
    }
    catch (const std::exception& e)
    {
        std::cerr << "error: " << e.what() << std::endl;
        status = 1;
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    return status;
}
