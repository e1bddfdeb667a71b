/*
 * AppendCsvNumber: a number as the CSV outputs write it.
 */
#ifndef EDGE_LLM_CSV_NUMBER_H
#define EDGE_LLM_CSV_NUMBER_H

#include <charconv>
#include <string>

namespace ns3
{

/// Appends `value` as printf's "%.9g" writes it: std::to_chars with a precision is specified
/// to give printf's text, and is several times faster than snprintf.
inline void
AppendCsvNumber(std::string& text, double value)
{
    char digits[32];
    const auto written =
        std::to_chars(digits, digits + sizeof(digits), value, std::chars_format::general, 9);
    text.append(digits, written.ptr);
}

} // namespace ns3

#endif // EDGE_LLM_CSV_NUMBER_H
