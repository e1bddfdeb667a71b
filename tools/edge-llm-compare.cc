/*
 * edge-llm-compare: runs one scenario file over several values of one of its keys (a topology,
 * a distance, a load, ...) with several seeds each, in parallel processes, and compares them:
 * mean and 95 % confidence interval of latency, TTFT, throughput, failures, energy and bytes
 * per request (compare.csv and a table), a latency CDF per variant and throughput and p95
 * latency per variant (PNG, with gnuplot).
 *
 *   ./edge-llm compare scenarios/lte-cell.yaml --vary=access=wired,wifi,lte --seeds=5
 *   mpirun -np 4 build/edge-llm-compare scenarios/lte-cell.yaml --vary=... --seeds=5
 *
 * Under mpirun (or with --mpi) rank r runs the runs whose index is r modulo the ranks, sends
 * each run's summary.json and requests.csv to rank 0, and rank 0 writes and compares them:
 * the same compare.csv as one machine's.
 *
 * Outputs in --out (default edge-llm-out/compare-<scenario>): compare.csv, latency-cdf.png,
 * throughput.png, p95-latency.png, their .plt scripts, and runs/<key>=<value>/run-<r>/ with
 * each run's own outputs and run-<r>.log (its stdout and stderr). Options not listed below
 * (--duration=60, --ns3::...) go to every run.
 */

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mpi.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace ns3;

extern char** environ;

namespace
{

/// One run of the comparison: a variant (key=value, or "base") and a run number.
struct CompareRun
{
    std::string variant;
    std::vector<std::string> args; //!< the variant's option, if any
    uint32_t run{1};
    std::string outDir;
    std::string log;
};

/// The directory holding this executable (the examples are in its examples/).
std::string
OwnDirectory()
{
    char path[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (n <= 0)
    {
        return ".";
    }
    path[n] = '\0';
    return std::filesystem::path(path).parent_path().string();
}

/// Starts `argv` with stdout and stderr to `log`; returns its pid (or -1, errno set).
pid_t
Spawn(const std::vector<std::string>& argv, const std::string& log)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    std::vector<char*> cargv;
    for (const auto& a : argv)
    {
        cargv.push_back(const_cast<char*>(a.c_str()));
    }
    cargv.push_back(nullptr);
    pid_t pid = -1;
    const int error = posix_spawn(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0)
    {
        errno = error;
        return -1;
    }
    return pid;
}

/// The whole of `path` ("" if it cannot be read).
std::string
Slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// MPI: a string from `rank` to rank 0, or received there.
void
SendText(const std::string& text)
{
    const unsigned long long size = text.size();
    MPI_Send(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, 0, MPI_COMM_WORLD);
    // In pieces below INT_MAX: MPI counts are ints.
    for (unsigned long long sent = 0; sent < size;)
    {
        const int piece = static_cast<int>(std::min<unsigned long long>(size - sent, 1 << 30));
        MPI_Send(text.data() + sent, piece, MPI_CHAR, 0, 0, MPI_COMM_WORLD);
        sent += piece;
    }
}

std::string
ReceiveText(int rank)
{
    unsigned long long size = 0;
    MPI_Recv(&size, 1, MPI_UNSIGNED_LONG_LONG, rank, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    std::string text(size, '\0');
    for (unsigned long long received = 0; received < size;)
    {
        const int piece = static_cast<int>(std::min<unsigned long long>(size - received, 1 << 30));
        MPI_Recv(text.data() + received,
                 piece,
                 MPI_CHAR,
                 rank,
                 0,
                 MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        received += piece;
    }
    return text;
}

/// Ends the program on every rank: rank 0 prints the error, all exit with 2.
[[noreturn]] void
FailEverywhere(bool mpi, int rank, const std::string& message)
{
    if (mpi)
    {
        if (rank == 0)
        {
            std::cerr << "error: " << message << std::endl;
        }
        MPI_Finalize();
        std::exit(2);
    }
    FailOnCommandLine(message);
}

/// The last non-empty line of `path` (a failed run's error).
std::string
LastLine(const std::string& path)
{
    std::ifstream in(path);
    std::string line;
    std::string last;
    while (std::getline(in, line))
    {
        if (!line.empty())
        {
            last = line;
        }
    }
    return last;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::vector<std::string> args(argv + 1, argv + argc);
    // Under mpirun every rank starts here; --mpi asks for MPI without it (one rank).
    const bool mpi = std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr ||
                     std::getenv("PMI_SIZE") != nullptr ||
                     std::find(args.begin(), args.end(), "--mpi") != args.end();
    int rank = 0;
    int ranks = 1;
    if (mpi)
    {
        MPI_Init(&argc, &argv);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    }
    auto fail = [&](const std::string& message) { FailEverywhere(mpi, rank, message); };
    args.erase(std::remove(args.begin(), args.end(), "--mpi"), args.end());

    if (args.empty() || args[0].rfind("--", 0) == 0)
    {
        if (!args.empty() && (args[0] == "--help" || args[0] == "-h"))
        {
            std::cout << "Usage: edge-llm-compare SCENARIO.yaml [--vary=KEY=V1,V2,...] "
                         "[--seeds=R] [--jobs=N] [--out=DIR] [--mpi] [--KEY=VALUE for every "
                         "run ...]\n";
            if (mpi)
            {
                MPI_Finalize();
            }
            return 0;
        }
        fail("the first argument must be a scenario file (SCENARIO.yaml); "
             "usage: edge-llm-compare SCENARIO.yaml --vary=KEY=V1,V2 --seeds=R");
    }
    const std::string scenario = args[0];

    std::string vary;
    uint32_t seeds = 3;
    uint32_t jobs = std::max(1u, std::thread::hardware_concurrency());
    std::string out;
    ProgramOptions cmd("edge-llm-compare",
                       "Runs a scenario file over the values of one key, with several seeds "
                       "each, and compares them.");
    cmd.AddValue("vary", "KEY=V1,V2,...: the key and its values (none: the file as it is)", vary);
    cmd.AddValue("seeds", "Runs per variant, run numbers 1..R (1 to 1000)", seeds);
    cmd.AddValue("jobs", "Runs at once on each machine (1 to 256)", jobs);
    cmd.AddValue("out", "Output directory (default edge-llm-out/compare-<scenario>)", out);
    // Options of the comparison go to it; any other --key=value goes to every run.
    std::vector<std::string> own;
    std::vector<std::string> passOn;
    for (size_t i = 1; i < args.size(); ++i)
    {
        const std::string name = args[i].substr(0, args[i].find('='));
        const bool mine = name == "--vary" || name == "--seeds" || name == "--jobs" ||
                          name == "--out" || name == "--help" || name == "-h";
        (mine ? own : passOn).push_back(args[i]);
    }
    try
    {
        if (!cmd.ParseArguments(own))
        {
            if (rank == 0)
            {
                std::cout << cmd.Help();
            }
            if (mpi)
            {
                MPI_Finalize();
            }
            return 0;
        }
    }
    catch (const OptionError& e)
    {
        fail(e.what());
    }
    if (seeds < 1 || seeds > 1000)
    {
        fail("--seeds=" + std::to_string(seeds) + " must be 1 to 1000");
    }
    if (jobs < 1 || jobs > 256)
    {
        fail("--jobs=" + std::to_string(jobs) + " must be 1 to 256");
    }
    for (const auto& a : passOn)
    {
        if (a.rfind("--", 0) != 0 || a.find('=') == std::string::npos)
        {
            fail("unexpected argument '" + a +
                 "' (accepted: --vary, --seeds, --jobs, --out, --mpi, and --KEY=VALUE options "
                 "for every run)");
        }
        const std::string name = a.substr(2, a.find('=') - 2);
        if (name == "run" || name == "RngRun" || name == "out")
        {
            fail(a + ": the comparison sets --" + name +
                 " of each run itself (use --seeds and --out)");
        }
    }

    std::string program;
    try
    {
        program = ProgramOptions::ScenarioProgram(scenario);
    }
    catch (const OptionError& e)
    {
        fail(e.what());
    }
    const std::string binary = OwnDirectory() + "/examples/" + program;
    if (access(binary.c_str(), X_OK) != 0)
    {
        fail(scenario + ": program '" + program +
             "' is not an example here (./edge-llm list shows them)");
    }

    std::string key;
    std::vector<std::string> values;
    if (!vary.empty())
    {
        const size_t equals = vary.find('=');
        key = vary.substr(0, equals);
        values = equals == std::string::npos ? std::vector<std::string>{}
                                             : CommaList(vary.substr(equals + 1));
        if (key.empty() || values.empty() || key == "run" || key == "out" || key == "RngRun")
        {
            fail("--vary=" + vary +
                 " must be KEY=V1,V2,... with at least one value (not run or out)");
        }
    }
    if (out.empty())
    {
        out = "edge-llm-out/compare-" + std::filesystem::path(scenario).stem().string();
    }

    std::vector<CompareRun> runs;
    for (size_t v = 0; v < std::max<size_t>(1, values.size()); ++v)
    {
        CompareRun base;
        base.variant = values.empty() ? "base" : key + "=" + values[v];
        if (!values.empty())
        {
            base.args.push_back("--" + key + "=" + values[v]);
        }
        for (uint32_t r = 1; r <= seeds; ++r)
        {
            CompareRun run = base;
            run.run = r;
            std::string dir = base.variant;
            std::replace(dir.begin(), dir.end(), '/', '_');
            run.outDir = out + "/runs/" + dir + "/run-" + std::to_string(r);
            run.log = out + "/runs/" + dir + "/run-" + std::to_string(r) + ".log";
            runs.push_back(run);
        }
    }
    // This rank's share: every ranks-th run from its own index.
    std::vector<size_t> mine;
    for (size_t i = rank; i < runs.size(); i += ranks)
    {
        mine.push_back(i);
    }
    std::string failure;
    try
    {
        for (const auto& run : runs)
        {
            std::filesystem::create_directories(std::filesystem::path(run.log).parent_path());
        }
    }
    catch (const std::filesystem::filesystem_error& e)
    {
        failure = "cannot create " + out + ": " + e.code().message();
    }

    if (rank == 0)
    {
        std::cout << "edge-llm-compare: " << scenario << " (" << program << "), "
                  << std::max<size_t>(1, values.size()) << " variant(s) x " << seeds << " run(s), "
                  << jobs << " at once" << (mpi ? " on each of " : "")
                  << (mpi ? std::to_string(ranks) + " ranks" : "") << std::endl;
    }
    // Run them, `jobs` at once; the first failure stops this rank's share.
    std::map<pid_t, size_t> running;
    size_t next = 0;
    size_t done = 0;
    while (failure.empty() && done < mine.size())
    {
        while (running.size() < jobs && next < mine.size())
        {
            const CompareRun& run = runs[mine[next]];
            std::vector<std::string> command = {binary, scenario};
            command.insert(command.end(), passOn.begin(), passOn.end());
            command.insert(command.end(), run.args.begin(), run.args.end());
            command.push_back("--RngRun=" + std::to_string(run.run));
            command.push_back("--out=" + run.outDir);
            const pid_t pid = Spawn(command, run.log);
            if (pid < 0)
            {
                failure = "cannot start " + binary + ": " + std::strerror(errno);
                break;
            }
            running[pid] = mine[next++];
        }
        if (running.empty())
        {
            break;
        }
        int status = 0;
        const pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0 || !running.count(pid))
        {
            continue;
        }
        const CompareRun& run = runs[running[pid]];
        running.erase(pid);
        ++done;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        {
            failure = run.variant + " run " + std::to_string(run.run) + " failed (" +
                      (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                         : "signal " + std::to_string(WTERMSIG(status))) +
                      "): " + LastLine(run.log) + " (log: " + run.log + ")";
        }
        else if (rank == 0)
        {
            std::cerr << "\r" << done << "/" << mine.size() << " runs done"
                      << (mpi ? " on rank 0" : "") << std::flush;
        }
    }
    if (rank == 0)
    {
        std::cerr << std::endl;
    }
    for (const auto& [pid, index] : running)
    {
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
    }

    if (mpi)
    {
        // Rank 0 learns every rank's failure, then the outputs of every run it did not do.
        if (rank != 0)
        {
            SendText(failure);
            if (failure.empty())
            {
                for (size_t i : mine)
                {
                    SendText(Slurp(runs[i].outDir + "/summary.json"));
                    SendText(Slurp(runs[i].outDir + "/requests.csv"));
                }
            }
        }
        else
        {
            for (int r = 1; r < ranks; ++r)
            {
                const std::string theirs = ReceiveText(r);
                if (!theirs.empty())
                {
                    failure =
                        failure.empty() ? "rank " + std::to_string(r) + ": " + theirs : failure;
                    continue;
                }
                for (size_t i = r; i < runs.size(); i += ranks)
                {
                    std::filesystem::create_directories(runs[i].outDir);
                    for (const char* file : {"summary.json", "requests.csv"})
                    {
                        // Received whole before writing: on a shared file system the file is
                        // the one rank r read, and is left as it is.
                        const std::string text = ReceiveText(r);
                        const std::string path = runs[i].outDir + "/" + file;
                        if (Slurp(path) != text)
                        {
                            std::ofstream(path + ".partial", std::ios::binary) << text;
                            std::filesystem::rename(path + ".partial", path);
                        }
                    }
                }
            }
        }
        if (rank != 0)
        {
            MPI_Finalize();
            return failure.empty() ? 0 : 2;
        }
    }
    if (!failure.empty())
    {
        fail(failure);
    }

    RunComparison comparison;
    try
    {
        for (const auto& run : runs)
        {
            comparison.AddRun(run.variant, run.outDir);
        }
        std::cout << comparison.Table();
        const std::string title = std::filesystem::path(scenario).stem().string() +
                                  (values.empty() ? "" : " by " + key) + ", " +
                                  std::to_string(seeds) + " runs each";
        comparison.Write(out, title);
    }
    catch (const std::exception& e)
    {
        fail(e.what());
    }
    const std::string plot =
        "cd '" + out + "' && gnuplot latency-cdf.plt per-variant.plt 2>/dev/null";
    if (std::system(plot.c_str()) == 0)
    {
        std::cout << "plots: " << out << "/latency-cdf.png, throughput.png, p95-latency.png"
                  << std::endl;
    }
    else
    {
        std::cout << "plots: gnuplot not found; run 'gnuplot latency-cdf.plt per-variant.plt' in "
                  << out << std::endl;
    }
    std::cout << "outputs: " << out << std::endl;
    if (mpi)
    {
        MPI_Finalize();
    }
    return 0;
}
