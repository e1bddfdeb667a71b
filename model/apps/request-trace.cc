#include "request-trace.h"

#include "number-text.h"

#include <algorithm>
#include <boost/algorithm/string.hpp>
#include <fstream>
#include <stdexcept>

namespace ns3
{

namespace
{

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
long
DaysFromCivil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long>(doe) - 719468;
}

unsigned
DaysInMonth(int year, unsigned month)
{
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[(month - 1) % 12];
}

} // namespace

double
ParseTraceTimestamp(const std::string& raw)
{
    const std::string text = boost::algorithm::trim_copy(raw);
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
    unsigned hour = 0;
    unsigned minute = 0;
    double second = 0;
    char dash1 = 0;
    char dash2 = 0;
    char colon1 = 0;
    char colon2 = 0;
    int consumed = 0;
    const int fields = std::sscanf(text.c_str(),
                                   "%4d%c%2u%c%2u %2u%c%2u%c%lf%n",
                                   &year,
                                   &dash1,
                                   &month,
                                   &dash2,
                                   &day,
                                   &hour,
                                   &colon1,
                                   &minute,
                                   &colon2,
                                   &second,
                                   &consumed);
    // Digits and separators only: %lf alone would take "nan", "inf", "1e1" and "0x1p4" seconds.
    const bool plain = text.find_first_not_of("0123456789-: .") == std::string::npos;
    if (!plain || fields != 10 || consumed != static_cast<int>(text.size()) || dash1 != '-' ||
        dash2 != '-' || colon1 != ':' || colon2 != ':' || month < 1 || month > 12 || day < 1 ||
        day > DaysInMonth(year, month) || hour > 23 || minute > 59 || second < 0 || second >= 61)
    {
        throw std::invalid_argument("TIMESTAMP '" + text +
                                    "' is not 'YYYY-MM-DD HH:MM:SS[.fraction]'");
    }
    return DaysFromCivil(year, month, day) * 86400.0 + hour * 3600.0 + minute * 60.0 + second;
}

RequestTrace
RequestTrace::Load(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
    {
        throw std::runtime_error("cannot open trace file '" + path + "'");
    }
    return Parse(in, path);
}

RequestTrace
RequestTrace::Parse(std::istream& in, const std::string& path)
{
    std::string line;
    if (!std::getline(in, line))
    {
        throw std::runtime_error(path + ":1: empty file; expected a header with TIMESTAMP, "
                                        "ContextTokens, GeneratedTokens");
    }
    boost::algorithm::trim_right_if(line, boost::is_any_of("\r"));
    std::vector<std::string> header;
    boost::algorithm::split(header, line, boost::is_any_of(","));
    auto column = [&](const std::string& name) {
        for (size_t i = 0; i < header.size(); ++i)
        {
            if (boost::algorithm::trim_copy(header[i]) == name)
            {
                return static_cast<long>(i);
            }
        }
        throw std::runtime_error(path + ":1: no column '" + name +
                                 "'; expected TIMESTAMP, ContextTokens, GeneratedTokens");
    };
    const long timeColumn = column("TIMESTAMP");
    const long promptColumn = column("ContextTokens");
    const long outputColumn = column("GeneratedTokens");
    const size_t needed = std::max({timeColumn, promptColumn, outputColumn}) + 1;

    std::vector<double> stamps;
    RequestTrace trace;
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
        try
        {
            if (fields.size() < needed)
            {
                throw std::invalid_argument("has " + std::to_string(fields.size()) +
                                            " fields, needs " + std::to_string(needed));
            }
            TracedRequest request;
            stamps.push_back(ParseTraceTimestamp(fields[timeColumn]));
            request.promptTokens =
                ParseTokenCount(boost::algorithm::trim_copy(fields[promptColumn]), "ContextTokens");
            request.outputTokens =
                ParseTokenCount(boost::algorithm::trim_copy(fields[outputColumn]),
                                "GeneratedTokens");
            trace.m_requests.push_back(request);
        }
        catch (const std::invalid_argument& e)
        {
            throw std::runtime_error(path + ":" + std::to_string(lineNumber) + ": " + e.what());
        }
    }
    if (trace.m_requests.empty())
    {
        throw std::runtime_error(path + ":" + std::to_string(lineNumber) +
                                 ": no requests after the header");
    }
    const double first = *std::min_element(stamps.begin(), stamps.end());
    for (size_t i = 0; i < stamps.size(); ++i)
    {
        trace.m_requests[i].arrivalSeconds = stamps[i] - first;
    }
    std::stable_sort(trace.m_requests.begin(),
                     trace.m_requests.end(),
                     [](const TracedRequest& a, const TracedRequest& b) {
                         return a.arrivalSeconds < b.arrivalSeconds;
                     });
    return trace;
}

const std::vector<TracedRequest>&
RequestTrace::GetRequests() const
{
    return m_requests;
}

double
RequestTrace::GetDurationSeconds() const
{
    return m_requests.empty() ? 0.0 : m_requests.back().arrivalSeconds;
}

} // namespace ns3
