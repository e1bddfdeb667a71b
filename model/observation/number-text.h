/*
 * NumberText: a number as a user would write it, for error messages and scenario keys.
 */
#ifndef EDGE_LLM_NUMBER_TEXT_H
#define EDGE_LLM_NUMBER_TEXT_H

#include <cstdint>
#include <sstream>
#include <stdexcept>
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

/// `text` as a token count: the whole text a whole number from 1 to 10,000,000, or
/// std::invalid_argument "<what> '<text>' is not a whole number between 1 and 10000000".
inline uint32_t
ParseTokenCount(const std::string& text, const std::string& what)
{
    size_t used = 0;
    long value = -1;
    try
    {
        value = std::stol(text, &used);
    }
    catch (const std::exception&)
    {
        used = 0;
    }
    if (used != text.size() || text.empty() || value < 1 || value > 10000000)
    {
        throw std::invalid_argument(what + " '" + text +
                                    "' is not a whole number between 1 and 10000000");
    }
    return static_cast<uint32_t>(value);
}

} // namespace ns3

#endif // EDGE_LLM_NUMBER_TEXT_H
