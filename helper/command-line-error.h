/*
 * FailOnCommandLine: how every edge-llm program refuses bad input; CommaList: how they read
 * list options.
 */
#ifndef EDGE_LLM_COMMAND_LINE_ERROR_H
#define EDGE_LLM_COMMAND_LINE_ERROR_H

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace ns3
{

/// One bad input: "error: <message>" as one line on stderr, exit code 2, before anything is
/// written. Every example and tool refuses bad options this way.
[[noreturn]] inline void
FailOnCommandLine(const std::string& message)
{
    std::cerr << "error: " << message << std::endl;
    std::exit(2);
}

/// The non-empty items of a comma-separated option ("a,b,,c" -> a, b, c).
inline std::vector<std::string>
CommaList(const std::string& text)
{
    std::vector<std::string> items;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
    {
        if (!item.empty())
        {
            items.push_back(item);
        }
    }
    return items;
}

} // namespace ns3

#endif // EDGE_LLM_COMMAND_LINE_ERROR_H
