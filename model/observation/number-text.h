/*
 * NumberText: a number as a user would write it, for error messages and scenario keys.
 */
#ifndef EDGE_LLM_NUMBER_TEXT_H
#define EDGE_LLM_NUMBER_TEXT_H

#include <sstream>
#include <string>

namespace ns3
{

/// `value` as the shortest text a user would type ("0.7", "1e-05"); std::to_string would
/// print six decimals ("0.700000").
inline std::string
NumberText(double value)
{
    std::ostringstream os;
    os << value;
    return os.str();
}

} // namespace ns3

#endif // EDGE_LLM_NUMBER_TEXT_H
