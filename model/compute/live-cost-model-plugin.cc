#include "live-cost-model-plugin.h"

#include "ns3/type-id.h"

#include <dlfcn.h>
#include <filesystem>

namespace ns3
{

namespace
{
const char* const PLUGIN = "libns3-edge-llm-torch.so";
const char* const TYPE = "ns3::LiveCostModel";

bool
TypeRegistered()
{
    TypeId tid;
    return TypeId::LookupByNameFailSafe(TYPE, &tid);
}
} // namespace

std::string
LoadLiveCostModelPlugin()
{
    if (TypeRegistered())
    {
        return ""; // linked in, or loaded before
    }
    // The plugin is installed (and built) next to this library.
    Dl_info self;
    std::string error;
    if (dladdr(reinterpret_cast<void*>(&LoadLiveCostModelPlugin), &self) != 0 && self.dli_fname)
    {
        const auto path = std::filesystem::path(self.dli_fname).parent_path() / PLUGIN;
        if (std::filesystem::exists(path) && dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL))
        {
            return TypeRegistered() ? "" : path.string() + " does not register " + TYPE;
        }
        if (std::filesystem::exists(path))
        {
            error = dlerror();
        }
    }
    if (error.empty() && dlopen(PLUGIN, RTLD_NOW | RTLD_GLOBAL))
    {
        return TypeRegistered() ? "" : std::string(PLUGIN) + " does not register " + TYPE;
    }
    if (error.empty())
    {
        const char* why = dlerror();
        error = why ? why : "not found";
    }
    return std::string("the live cost model needs ") + PLUGIN +
           " (edge-llm built with EDGE_LLM_WITH_TORCH=ON): " + error;
}

} // namespace ns3
