#include "published-speed.h"

#include "device-profile.h"
#include "model-spec.h"
#include "number-text.h"

#include <boost/algorithm/string.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

namespace ns3
{

namespace
{

const std::vector<std::string> COLUMNS = {"id",
                                          "device",
                                          "model",
                                          "precision",
                                          "framework",
                                          "batch",
                                          "prompt_tokens",
                                          "output_tokens",
                                          "metric",
                                          "value",
                                          "unit",
                                          "source"};

/// Metric -> the unit it is published in.
const std::map<std::string, std::string>&
MetricUnits()
{
    static const std::map<std::string, std::string> units = {{"output_rate", "tokens/s"},
                                                             {"ttft", "s"},
                                                             {"decode_time", "s/token"},
                                                             {"prefill_rate", "tokens/s"}};
    return units;
}

/// The precision's leading word ("int4 (Q4_0)" -> "int4").
std::string
PrecisionWord(const std::string& precision)
{
    const auto end = precision.find_first_of(" (");
    return boost::algorithm::to_lower_copy(precision.substr(0, end));
}

/// The ModelSpec suffix of a precision word, or throws naming the accepted words.
std::string
PrecisionSuffix(const std::string& precision)
{
    const std::string word = PrecisionWord(precision);
    if (word == "fp16" || word == "bf16")
    {
        return "";
    }
    if (word == "int8" || word == "int4")
    {
        return "-" + word;
    }
    throw std::invalid_argument("precision '" + precision +
                                "' is not one of: fp16, bf16, int8, int4 (optionally followed "
                                "by a note, e.g. 'int4 (Q4_0)')");
}

/// A whole number >= 1, or 0 for an empty optional field.
uint32_t
ParseCount(const std::string& text, const std::string& column, bool optional)
{
    if (text.empty() && optional)
    {
        return 0;
    }
    try
    {
        return ParseTokenCount(text, column);
    }
    catch (const std::invalid_argument& e)
    {
        throw std::invalid_argument(std::string(e.what()) + (optional ? " (or empty)" : ""));
    }
}

double
ParsePositive(const std::string& text, const std::string& column)
{
    size_t used = 0;
    double value = NAN;
    try
    {
        value = std::stod(text, &used);
    }
    catch (const std::exception&)
    {
        used = 0;
    }
    if (used != text.size() || text.empty() || !std::isfinite(value) || !(value > 0))
    {
        throw std::invalid_argument(column + " '" + text + "' is not a positive number");
    }
    return value;
}

PublishedSpeed
ParseRow(const std::vector<std::string>& cells)
{
    PublishedSpeed row;
    row.id = cells[0];
    if (row.id.empty())
    {
        throw std::invalid_argument("id '' is empty; every row needs an id");
    }
    row.device = cells[1];
    row.model = cells[2];
    row.precision = cells[3];
    row.framework = cells[4];
    // Unknown names throw "unknown device 'x'; accepted: ..." (or model, or precision).
    DeviceProfile::Preset(row.device);
    ModelSpec::Preset(row.ModelPreset());
    if (cells[5] == "offline")
    {
        row.offline = true;
        row.batch = 0;
    }
    else
    {
        try
        {
            row.batch = ParseCount(cells[5], "batch", false);
        }
        catch (const std::invalid_argument& e)
        {
            throw std::invalid_argument(std::string(e.what()) + " or 'offline'");
        }
    }
    row.promptTokens = ParseCount(cells[6], "prompt_tokens", true);
    row.outputTokens = ParseCount(cells[7], "output_tokens", true);
    row.metric = cells[8];
    const auto unit = MetricUnits().find(row.metric);
    if (unit == MetricUnits().end())
    {
        throw std::invalid_argument("metric '" + row.metric +
                                    "' is not one of: decode_time, output_rate, prefill_rate, "
                                    "ttft");
    }
    row.value = ParsePositive(cells[9], "value");
    row.unit = cells[10];
    if (row.unit != unit->second)
    {
        throw std::invalid_argument("unit '" + row.unit + "' does not fit metric " + row.metric +
                                    "; accepted: " + unit->second);
    }
    row.source = cells[11];
    return row;
}

} // namespace

std::string
PublishedSpeed::ModelPreset() const
{
    return model + PrecisionSuffix(precision);
}

std::vector<PublishedSpeed>
PublishedSpeed::Load(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
    {
        throw std::invalid_argument("file '" + path + "' cannot be opened");
    }
    std::string line;
    if (!std::getline(in, line))
    {
        throw std::invalid_argument(path + ":1: empty file; expected a header with the columns " +
                                    boost::algorithm::join(COLUMNS, ", "));
    }
    boost::algorithm::trim_right_if(line, boost::is_any_of("\r"));
    std::vector<std::string> header;
    boost::algorithm::split(header, line, boost::is_any_of(","));
    std::vector<size_t> index;
    for (const std::string& name : COLUMNS)
    {
        size_t i = 0;
        while (i < header.size() && boost::algorithm::trim_copy(header[i]) != name)
        {
            ++i;
        }
        if (i == header.size())
        {
            throw std::invalid_argument(path + ":1: column '" + name +
                                        "' is missing; expected the columns " +
                                        boost::algorithm::join(COLUMNS, ", "));
        }
        index.push_back(i);
    }

    std::vector<PublishedSpeed> rows;
    size_t lineNumber = 1;
    while (std::getline(in, line))
    {
        ++lineNumber;
        boost::algorithm::trim_right_if(line, boost::is_any_of("\r"));
        if (boost::algorithm::trim_copy(line).empty())
        {
            continue;
        }
        std::vector<std::string> fields;
        boost::algorithm::split(fields, line, boost::is_any_of(","));
        if (fields.size() < header.size())
        {
            throw std::invalid_argument(path + ":" + std::to_string(lineNumber) + ": row has " +
                                        std::to_string(fields.size()) + " fields; the header has " +
                                        std::to_string(header.size()));
        }
        if (fields.size() > header.size())
        {
            // Free text in the last column may hold commas.
            std::vector<std::string> tail(fields.begin() + header.size() - 1, fields.end());
            fields.resize(header.size() - 1);
            fields.push_back(boost::algorithm::join(tail, ","));
        }
        std::vector<std::string> cells;
        for (size_t i : index)
        {
            cells.push_back(boost::algorithm::trim_copy(fields[i]));
        }
        try
        {
            rows.push_back(ParseRow(cells));
        }
        catch (const std::invalid_argument& e)
        {
            throw std::invalid_argument(path + ":" + std::to_string(lineNumber) + ": " + e.what());
        }
    }
    if (rows.empty())
    {
        throw std::invalid_argument(path + ": no rows after the header");
    }
    return rows;
}

} // namespace ns3
