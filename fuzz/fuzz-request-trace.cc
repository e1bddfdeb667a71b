/*
 * Fuzz target: RequestTrace reading a CSV trace (the Azure LLM inference trace format).
 * Properties: a bad file is refused with std::runtime_error naming it, never anything else; a
 * trace read has requests with token counts in 1..10^7 and finite arrivals from 0, sorted.
 */

#include "fuzz-check.h"

#include "ns3/request-trace.h"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

using namespace ns3;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    try
    {
        const RequestTrace trace = RequestTrace::Parse(in, "fuzz.csv");
        const auto& requests = trace.GetRequests();
        FuzzCheck(!requests.empty(), "a trace read without requests");
        double previous = 0;
        for (const TracedRequest& r : requests)
        {
            FuzzCheck(std::isfinite(r.arrivalSeconds) && r.arrivalSeconds >= previous,
                      "arrivals are not finite, from 0 and sorted");
            FuzzCheck(r.promptTokens >= 1 && r.promptTokens <= 10000000 && r.outputTokens >= 1 &&
                          r.outputTokens <= 10000000,
                      "a token count outside 1..10^7");
            previous = r.arrivalSeconds;
        }
        FuzzCheck(requests.front().arrivalSeconds == 0, "the first arrival is not at 0");
        FuzzCheck(trace.GetDurationSeconds() == requests.back().arrivalSeconds,
                  "the duration is not the last arrival");
    }
    catch (const std::runtime_error& e)
    {
        FuzzCheck(std::string(e.what()).rfind("fuzz.csv:", 0) == 0,
                  "a refusal does not start with the file's name and line");
    }
    return 0;
}
