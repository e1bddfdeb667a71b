/*
 * Lookup and listing shared by the preset tables (models, devices).
 */
#ifndef EDGE_LLM_PRESET_TABLE_H
#define EDGE_LLM_PRESET_TABLE_H

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ns3
{

/// The names of a preset table, sorted.
template <typename T>
std::vector<std::string>
PresetTableNames(const std::map<std::string, T>& table)
{
    std::vector<std::string> names;
    for (const auto& entry : table)
    {
        names.push_back(entry.first);
    }
    return names;
}

/// "a, b, c": the names of a preset table for error messages and --help.
template <typename T>
std::string
PresetTableList(const std::map<std::string, T>& table)
{
    std::string list;
    for (const auto& entry : table)
    {
        list += (list.empty() ? "" : ", ") + entry.first;
    }
    return list;
}

/// The entry `name`; throws std::invalid_argument "unknown <what> '<name>'; accepted: ...".
template <typename T>
const T&
PresetTableLookup(const std::map<std::string, T>& table,
                  const std::string& what,
                  const std::string& name)
{
    auto it = table.find(name);
    if (it == table.end())
    {
        throw std::invalid_argument("unknown " + what + " '" + name +
                                    "'; accepted: " + PresetTableList(table));
    }
    return it->second;
}

} // namespace ns3

#endif // EDGE_LLM_PRESET_TABLE_H
