/*
 * FailOnCommandLine: how every edge-llm program refuses bad input.
 */
#ifndef EDGE_LLM_COMMAND_LINE_ERROR_H
#define EDGE_LLM_COMMAND_LINE_ERROR_H

#include <cstdlib>
#include <iostream>
#include <string>

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

} // namespace ns3

#endif // EDGE_LLM_COMMAND_LINE_ERROR_H
