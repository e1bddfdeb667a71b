/*
 * Fuzz target: the scenario loader (ProgramOptions reading a YAML scenario file), with the
 * options, ranges, aliases and fixed attributes of the shipped programs: every key of the
 * shipped scenario files is declared, so that mutated files get past their first line.
 * Properties: a bad file is refused with OptionError (one line, naming the file), never
 * anything else, and ns-3 never aborts on a value (attributes and global values included).
 */

#include "fuzz-check.h"

#include "ns3/config.h"
#include "ns3/global-value.h"
#include "ns3/program-options.h"

#include <cctype>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// The shipped programs' options (edge-llm-serving, edge-llm-moa and edge-llm-wifi-star).
struct Options
{
    uint32_t users{100};
    uint32_t nodes{6};
    uint32_t layers{2};
    uint32_t peers{2};
    uint32_t aps{4};
    uint32_t phones{8};
    uint32_t queueCapacity{0};
    uint32_t maxNumSeqs{64};
    uint64_t maxBatchedTokens{8192};
    uint32_t seed{1};
    uint32_t run{1};
    int failNode{-1};
    double lambda{0};
    double rho{0};
    double load{0.01};
    double think{5};
    double distance{10};
    double speed{1};
    double alpha{1};
    double peerTimeout{60};
    double warmup{10};
    double duration{300};
    double drain{300};
    double timeout{600};
    double memoryUtilization{0.9};
    double traceScale{1};
    bool chunkedPrefill{false};
    bool pcap{false};
    bool plots{false};
    std::string access{"wired"};
    std::string standard{"80211ax"};
    std::string mode{"closed-loop"};
    std::string model{"llama-3-8b"};
    std::string models{"llama-3-8b"};
    std::string devices{"jetson-agx-orin"};
    std::string serverDevice{"edge-server-l4"};
    std::string scheduler{"continuous"};
    std::string cost{"profiled"};
    std::string topology{"single-hop"};
    std::string mobility{"static"};
    std::string network{"wireless"};
    std::string policy{"uniform"};
    std::string trace;
    std::string out{"edge-llm-out"};
};

void
Declare(ProgramOptions& cmd, Options& o)
{
    cmd.AddValue("users", "users", o.users);
    cmd.AddValue("nodes", "devices", o.nodes);
    cmd.AddValue("layers", "proposer layers", o.layers);
    cmd.AddValue("peers", "peers per layer", o.peers);
    cmd.AddValue("aps", "access points", o.aps);
    cmd.AddValue("phones", "phones", o.phones);
    cmd.AddValue("queue-capacity", "jobs waiting", o.queueCapacity);
    cmd.AddValue("max-num-seqs", "sequences per batch", o.maxNumSeqs);
    cmd.AddValue("max-batched-tokens", "tokens per iteration", o.maxBatchedTokens);
    cmd.AddValue("seed", "seed", o.seed);
    cmd.AddValue("run", "run", o.run);
    cmd.AddValue("fail-node", "failing node", o.failNode);
    cmd.AddValue("lambda", "prompts per second", o.lambda);
    cmd.AddValue("rho", "offered load", o.rho);
    cmd.AddValue("load", "prompts per second per phone", o.load);
    cmd.AddValue("think", "think seconds", o.think);
    cmd.AddValue("distance", "metres", o.distance);
    cmd.AddValue("speed", "metres per second", o.speed);
    cmd.AddValue("alpha", "service seconds", o.alpha);
    cmd.AddValue("peer-timeout", "seconds", o.peerTimeout);
    cmd.AddValue("warmup", "seconds", o.warmup);
    cmd.AddValue("duration", "seconds", o.duration);
    cmd.AddValue("drain", "seconds", o.drain);
    cmd.AddValue("timeout", "seconds", o.timeout);
    cmd.AddValue("memory-utilization", "share of memory", o.memoryUtilization);
    cmd.AddValue("trace-scale", "arrival scale", o.traceScale);
    cmd.AddValue("chunked-prefill", "chunked prefill", o.chunkedPrefill);
    cmd.AddValue("pcap", "pcaps", o.pcap);
    cmd.AddValue("plots", "plots", o.plots);
    cmd.AddValue("access", "access network", o.access);
    cmd.AddValue("standard", "Wi-Fi standard", o.standard);
    cmd.AddValue("mode", "arrivals", o.mode);
    cmd.AddValue("model", "model", o.model);
    cmd.AddValue("models", "models", o.models);
    cmd.AddValue("devices", "devices", o.devices);
    cmd.AddValue("server-device", "server device", o.serverDevice);
    cmd.AddValue("scheduler", "scheduler", o.scheduler);
    cmd.AddValue("cost", "cost model", o.cost);
    cmd.AddValue("topology", "topology", o.topology);
    cmd.AddValue("mobility", "mobility", o.mobility);
    cmd.AddValue("network", "network", o.network);
    cmd.AddValue("policy", "peer policy", o.policy);
    cmd.AddValue("trace", "trace file", o.trace);
    cmd.AddValue("out", "output directory", o.out);
    cmd.Alias("ns3::LlmEngine::QueueCapacity", "queue-capacity");
    cmd.Alias("ns3::ContinuousBatchingScheduler::MaxNumSeqs", "max-num-seqs");
    cmd.Alias("ns3::ContinuousBatchingScheduler::MaxNumBatchedTokens", "max-batched-tokens");
    cmd.Alias("ns3::ContinuousBatchingScheduler::ChunkedPrefill", "chunked-prefill");
    cmd.Alias("ns3::ContinuousBatchingScheduler::MemoryUtilization", "memory-utilization");
    cmd.Alias("ns3::LlmClient::Timeout", "timeout");
    cmd.Alias("ns3::LlmClient::Mode", "mode");
    cmd.Alias("ns3::LlmClient::TraceFile", "trace");
    cmd.Alias("ns3::MoaAgent::Layers", "layers");
    cmd.Alias("ns3::MoaAgent::PeerPolicy", "policy");
    cmd.Alias("ns3::MoaAgent::PeerTimeout", "peer-timeout");
    cmd.Alias("ns3::MoaAgent::WarmUp", "warmup");
    cmd.Fixed("ns3::LlmClient::Users", "--users deals users to nodes");
    cmd.CommonRanges();
    cmd.Range("users", 1, 100000);
    cmd.Range("nodes", 2, 65534, "the address plan's /16");
    cmd.Range("layers", 0, 64);
    cmd.Range("queue-capacity", 0, 4294967295.0);
    cmd.Range("fail-node", -1, 65533);
    cmd.Range("memory-utilization", 1e-3, 1);
    cmd.Range("peer-timeout", 1e-3, 1e9, "seconds; 1e9 is none");
    cmd.Range("warmup", 0, 1e7, "seconds");
}

/// The program a file names, as `./edge-llm run FILE` picks it (so that its check passes).
std::string
ProgramOf(const std::string& text)
{
    const std::string key = "program:";
    size_t at = 0;
    while (at < text.size())
    {
        if (text.compare(at, key.size(), key) == 0)
        {
            size_t begin = text.find_first_not_of(" \t\"'", at + key.size());
            begin = begin == std::string::npos ? text.size() : begin;
            size_t end = begin;
            while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                                         text[end] == '-' || text[end] == '_'))
            {
                ++end;
            }
            return text.substr(begin, end - begin);
        }
        const size_t next = text.find('\n', at);
        if (next == std::string::npos)
        {
            break;
        }
        at = next + 1;
    }
    return "edge-llm-moa";
}

/// Whether `text` names an attribute or a global value (then ns-3's defaults may have changed).
bool
MaySetNs3Defaults(const std::string& text)
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n{"ns3::"};
        for (auto it = GlobalValue::Begin(); it != GlobalValue::End(); ++it)
        {
            n.push_back((*it)->GetName());
        }
        return n;
    }();
    for (const auto& name : names)
    {
        if (text.find(name) != std::string::npos)
        {
            return true;
        }
    }
    return false;
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    Options options;
    ProgramOptions cmd(ProgramOf(text), "fuzz");
    Declare(cmd, options);
    std::istringstream in(text);
    try
    {
        cmd.ReadScenario(in, "fuzz.yaml");
        cmd.Values();
    }
    catch (const OptionError& e)
    {
        const std::string message = e.what();
        FuzzCheck(message.find("fuzz.yaml") != std::string::npos,
                  "a refusal does not name the file",
                  message);
        FuzzCheck(message.find('\n') == std::string::npos,
                  "a refusal of more than one line",
                  message);
    }
    // Attributes and global values given are process-wide: each input starts from ns-3's own.
    // (Resetting costs more than the rest of a run: only when the input may have set one.)
    if (MaySetNs3Defaults(text))
    {
        Config::Reset();
    }
    return 0;
}
