/*
 * Fuzz target: CostProfile::Load reading a profile file (JSON). The input is written to a
 * memory file (memfd) that Load opens by its /proc path: the reader is fuzzed exactly as
 * programs call it, and no file is created on disk.
 * Properties: a bad file is refused with std::runtime_error naming it, never anything else; a
 * profile read has a valid model, positive host rates and costs that are numbers, never NaN.
 */

#include "fuzz-check.h"

#include "ns3/cost-profile.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

using namespace ns3;

namespace
{

/// The memory file, made once: each input rewrites it.
int
MemoryFile()
{
    static const int fd = memfd_create("edge-llm-fuzz-profile", 0);
    FuzzCheck(fd >= 0, "memfd_create failed");
    return fd;
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const int fd = MemoryFile();
    FuzzCheck(ftruncate(fd, 0) == 0 && pwrite(fd, data, size, 0) == static_cast<ssize_t>(size),
              "cannot write the memory file");
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    try
    {
        const CostProfile profile = CostProfile::Load(path);
        try
        {
            profile.model.Validate();
        }
        catch (const std::exception&)
        {
            FuzzCheck(false, "a profile read with an invalid model");
        }
        FuzzCheck(profile.hostFlops > 0 && profile.hostBandwidth > 0,
                  "a profile read without positive host rates");
        for (const double tokens : {1.0, 512.0, 4096.0})
        {
            FuzzCheck(!std::isnan(profile.LayerPrefillSeconds(tokens)) &&
                          !std::isnan(profile.HeadPrefillSeconds(tokens)),
                      "a prefill cost is NaN");
            if (profile.HasDecode())
            {
                FuzzCheck(!std::isnan(profile.LayerDecodeStepSeconds(8, 8 * tokens)) &&
                              !std::isnan(profile.HeadDecodeStepSeconds(8)),
                          "a decode cost is NaN");
            }
        }
        profile.HostDevice();
    }
    catch (const std::runtime_error& e)
    {
        FuzzCheck(std::string(e.what()).find(path) != std::string::npos,
                  "a refusal does not name the file");
    }
    return 0;
}
