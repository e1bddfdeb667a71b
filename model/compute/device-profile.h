/*
 * DeviceProfile: what a piece of hardware can do for LLM inference.
 */
#ifndef EDGE_LLM_DEVICE_PROFILE_H
#define EDGE_LLM_DEVICE_PROFILE_H

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
 * Presets named "<gpu>-xN" are N GPUs with ideal tensor parallelism.
 */
struct DeviceProfile
{
    std::string name;
    double peakFlops{0};       //!< FLOP/s
    double memoryBandwidth{0}; //!< bytes/s
    double memoryBytes{0};     //!< bytes usable for weights + KV cache
    double idlePowerW{0};      //!< W when the engine has no job
    double activePowerW{0};    //!< W while a job runs
    std::string source;        //!< datasheet or derivation

    /// Throws std::invalid_argument naming the bad field.
    void Validate() const;

    /// A preset by name; throws std::invalid_argument listing the accepted names.
    static DeviceProfile Preset(const std::string& name);
    static std::vector<std::string> PresetNames();
    static std::string PresetList();
};

} // namespace ns3

#endif // EDGE_LLM_DEVICE_PROFILE_H
