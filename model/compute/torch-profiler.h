/*
 * The libtorch profiler: times a model's blocks and head on this host and fits a CostProfile.
 * This header does not include torch.
 */
#ifndef EDGE_LLM_TORCH_PROFILER_H
#define EDGE_LLM_TORCH_PROFILER_H

#include "cost-profile.h"
#include "model-spec.h"

#include <cstdint>
#include <functional>
#include <string>

namespace ns3
{

/// What RunProfiler measures and how.
struct ProfilerOptions
{
    ModelSpec model;
    uint32_t threads{2};            //!< threads (TorchTransformer::SetThreads)
    uint32_t repeats{5};            //!< timed rounds (a sample is the median over them)
    uint32_t warmup{2};             //!< untimed calls per probe before the rounds
    uint32_t blocks{0};             //!< 0: all blocks if their fp32 weights <= 2 GiB, else 2
    uint32_t maxPromptTokens{1024}; //!< largest prompt on the prefill grid
    uint64_t seed{1};               //!< weights and inputs
    /// Times a round is measured again when other processes used over 15 % of the CPUs
    /// during it (rounds under 0.1 s are not checked); 0 never measures again.
    uint32_t retriesWhenBusy{3};
    /// Called with each line of progress (host, rounds, samples); may be empty.
    std::function<void(const std::string&)> progress;
};

/// This host as the profiler sees it.
struct HostMeasurement
{
    double gemmFlops{0};     //!< FLOP/s of a square fp32 GEMM (median)
    double copyBandwidth{0}; //!< bytes read + written per second copying a large fp32 tensor
    double memoryBytes{0};   //!< MemTotal of /proc/meminfo
    std::string cpuModel;    //!< "model name" of /proc/cpuinfo
    std::string hostName;
};

/**
 * Times a 1024 x 1024 fp32 GEMM and a copy of a 256 MiB fp32 tensor (median of `repeats`
 * after `warmup`) with TorchTransformer::GetThreads() threads, and reads the CPU model, host
 * name and memory size.
 */
HostMeasurement MeasureHost(uint32_t repeats, uint32_t warmup);

/// Blocks RunProfiler builds for `options` (resolves blocks == 0).
uint32_t ProfiledBlocks(const ProfilerOptions& options);

/**
 * \ingroup edge-llm
 * \brief Profiles `options.model` on this host and returns the fitted CostProfile.
 *
 * Probes (per-block seconds for the layer phases):
 *  - layer-prefill at P in {8, 16, ..., 1024} (capped by maxPromptTokens and the context);
 *  - layer-decode, one step of B in {1, 4} sequences with context C in {16, 64, 256, 1024}
 *    (capped at the context - 1) each;
 *  - head-prefill at the same P; head-decode at B in {1, 2, 4, 8}.
 * An encoder (bert) is profiled on its forward pass only: layer-prefill and head-prefill
 * (embeddings, pooler, classifier) at P up to its context (512 for bert-base-110m), no decode
 * probes; its profile has no decode fit (CostProfile::HasDecode).
 * Every probe is warmed up (`warmup` calls, at least one), then timed in `repeats` rounds
 * over all probes; a round times each probe as the mean of enough back-to-back calls to last
 * 20 ms (one call for all but the smallest models). A sample is the median over the rounds,
 * its spread (p75 - p25) / median. Interleaving spreads the machine's slow drifts over all
 * samples; rounds during which other processes held the CPUs are measured again (see
 * ProfilerOptions::retriesWhenBusy).
 *
 * Throws std::invalid_argument on bad options and std::runtime_error when the weights do not
 * fit in memory or the fit fails.
 */
CostProfile RunProfiler(const ProfilerOptions& options);

} // namespace ns3

#endif // EDGE_LLM_TORCH_PROFILER_H
