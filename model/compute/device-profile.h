/*
 * DeviceProfile: what a piece of hardware can do for LLM inference.
 */
#ifndef EDGE_LLM_DEVICE_PROFILE_H
#define EDGE_LLM_DEVICE_PROFILE_H

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Peak compute, memory bandwidth, memory capacity and power of a device.
 *
 * peakFlops is the dense rate at the precision the device would serve an LLM in: the FP16
 * tensor rate where the vendor publishes one, otherwise the FP32 rate (CPUs, phone and laptop
 * GPUs); each preset's source says which. Roofline scaling uses the ratios of these numbers.
 *
 * Real kernels reach only part of the peaks: computeFraction and bandwidthFraction are the
 * fractions that measured kernels sustain, and iterationOverhead the fixed seconds an engine
 * spends per iteration outside them (kernel launches, scheduling, sampling). The cost models
 * divide by peak x fraction and charge the overhead once per iteration of the whole model.
 *
 * Presets named "<gpu>-xN" are N GPUs serving one model with tensor parallelism
 * (tensorParallel = N): N times the peaks, memory and power, and two ring all-reduces of the
 * activations per block over the interconnect (see AllReduceSeconds).
 */
struct DeviceProfile
{
    std::string name;
    double peakFlops{0};       //!< FLOP/s
    double memoryBandwidth{0}; //!< bytes/s
    double memoryBytes{0};     //!< bytes usable for weights + KV cache
    double idlePowerW{0};      //!< W when the engine has no job
    double activePowerW{0};    //!< W while a job runs
    std::string source;        //!< datasheet or derivation, and where the fractions come from

    double computeFraction{1};       //!< of peakFlops that real kernels sustain, (0, 1]
    double bandwidthFraction{1};     //!< of memoryBandwidth that real kernels sustain, (0, 1]
    double iterationOverhead{0};     //!< s per engine iteration outside the kernels, >= 0
    uint32_t tensorParallel{1};      //!< devices sharing each layer (1: a single device)
    double interconnectBandwidth{0}; //!< bytes/s each device sends (and receives) in a ring
    double interconnectLatency{0};   //!< s of fixed cost per all-reduce

    /// Seconds of one ring all-reduce of `bytes` over the tensorParallel devices:
    /// 2 (N-1)/N x bytes / interconnectBandwidth + interconnectLatency; 0 when N is 1.
    double AllReduceSeconds(double bytes) const;
    /// The same ring all-reduce over another link (bytes/s each way, seconds per call).
    double AllReduceSeconds(double bytes, double bandwidth, double latency) const;

    /// Throws std::invalid_argument naming the bad field.
    void Validate() const;

    /// A preset by name; throws std::invalid_argument listing the accepted names.
    static DeviceProfile Preset(const std::string& name);
    static std::vector<std::string> PresetNames();
    static std::string PresetList();
};

} // namespace ns3

#endif // EDGE_LLM_DEVICE_PROFILE_H
