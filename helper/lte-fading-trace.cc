#include "lte-fading-trace.h"

#include <cmath>
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace ns3
{

LteFadingTrace
LteFadingTrace::Parse(const std::string& name)
{
    std::string built;
    for (const auto& b : Built())
    {
        built += (built.empty() ? "" : ", ") + b;
    }
    const std::string form = "accepted <epa|eva|etu>-<km/h>kmh (built: " + built + ")";
    const size_t dash = name.find('-');
    const std::string suffix = "kmh";
    if (dash == std::string::npos || name.size() <= dash + 1 + suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    {
        throw std::invalid_argument("fading '" + name + "': " + form);
    }
    LteFadingTrace trace;
    trace.name = name;
    try
    {
        trace.profile = MultipathProfile::Get(name.substr(0, dash));
    }
    catch (const std::invalid_argument&)
    {
        throw std::invalid_argument("fading '" + name + "': " + form);
    }
    const std::string speed = name.substr(dash + 1, name.size() - dash - 1 - suffix.size());
    char* end = nullptr;
    trace.speedKmh = std::strtod(speed.c_str(), &end);
    if (speed.empty() || end != speed.c_str() + speed.size() || !(trace.speedKmh >= 0) ||
        trace.speedKmh > 500 || speed.find_first_not_of("0123456789.") != std::string::npos)
    {
        throw std::invalid_argument("fading '" + name + "': speed '" + speed +
                                    "' km/h is not a number from 0 to 500; " + form);
    }
    return trace;
}

std::vector<std::string>
LteFadingTrace::Built()
{
    return {"epa-3kmh", "eva-60kmh", "etu-3kmh"};
}

std::string
LteFadingTrace::List()
{
    std::string list = "none";
    for (const auto& name : Built())
    {
        list += ", " + name;
    }
    return list + " (or <epa|eva|etu>-<km/h>kmh)";
}

std::vector<std::string>
LteFadingTrace::SearchPath()
{
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("EDGE_LLM_FADING_PATH"))
    {
        std::stringstream ss(env);
        std::string dir;
        while (std::getline(ss, dir, ':'))
        {
            if (!dir.empty())
            {
                dirs.push_back(dir);
            }
        }
    }
#ifdef EDGE_LLM_BUILD_FADING_DIR
    dirs.emplace_back(EDGE_LLM_BUILD_FADING_DIR);
#endif
#ifdef EDGE_LLM_LIB_TO_FADING_DIR
    // Relative to this library's own file, for trees installed under another prefix.
    Dl_info info;
    if (dladdr(reinterpret_cast<void*>(&LteFadingTrace::Find), &info) != 0 && info.dli_fname)
    {
        const auto libDir = std::filesystem::path(info.dli_fname).parent_path();
        dirs.push_back((libDir / EDGE_LLM_LIB_TO_FADING_DIR).lexically_normal().string());
    }
#endif
#ifdef EDGE_LLM_INSTALL_FADING_DIR
    dirs.emplace_back(EDGE_LLM_INSTALL_FADING_DIR);
#endif
    return dirs;
}

std::string
LteFadingTrace::Find(const std::string& name)
{
    Parse(name); // throws for a malformed name
    std::string searched;
    for (const auto& dir : SearchPath())
    {
        const std::string candidate = dir + "/" + name + ".fad";
        struct stat st;
        if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        {
            return candidate;
        }
        searched += (searched.empty() ? "" : ":") + dir;
    }
    throw std::invalid_argument("no fading trace " + name + ".fad in " + searched +
                                "; make it with: edge-llm-fading-trace --name=" + name +
                                " --out=DIR/" + name + ".fad, then EDGE_LLM_FADING_PATH=DIR");
}

} // namespace ns3
