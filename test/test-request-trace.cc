/*
 * RequestTrace: Azure-format workload traces, the real one and small good and bad files.
 */

#include "edge-llm-test-fixture.h"

#include "ns3/request-trace.h"

#include <gtest/gtest.h>
#include <regex>
#include <stdexcept>

using namespace ns3;
using ns3::test::WriteFile;

namespace
{

const std::string g_azure =
    std::string(EDGE_LLM_SHARED_DATA_DIR) + "/azure-llm-inference-conv-2023.csv";
const std::string g_data = EDGE_LLM_TEST_DATA_DIR;

class RequestTraceTest : public ns3::test::SimulationTest
{
  protected:
    /// Load(path) must throw std::runtime_error "<path>:<line>: ..." naming `line` and `detail`.
    void ExpectBadFile(const std::string& path, int line, const std::string& detail)
    {
        try
        {
            RequestTrace::Load(path);
            ADD_FAILURE() << path << " loaded without error";
        }
        catch (const std::runtime_error& e)
        {
            const std::string what = e.what();
            const std::string where = path + ":" + std::to_string(line) + ":";
            EXPECT_EQ(what.rfind(where, 0), 0u) << "'" << what << "' does not start with " << where;
            EXPECT_NE(what.find(detail), std::string::npos) << what << " lacks " << detail;
            EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
        }
        catch (const std::exception& e)
        {
            ADD_FAILURE() << "not a std::runtime_error: " << e.what();
        }
    }
};

} // namespace

TEST_F(RequestTraceTest, AzureConversationTrace)
{
    const RequestTrace trace = RequestTrace::Load(g_azure);
    const auto& rows = trace.GetRequests();
    ASSERT_EQ(rows.size(), 19366u);
    EXPECT_EQ(rows.front().arrivalSeconds, 0.0);
    uint64_t prompt = 0;
    uint64_t output = 0;
    for (size_t i = 0; i < rows.size(); ++i)
    {
        if (i > 0)
        {
            ASSERT_GE(rows[i].arrivalSeconds, rows[i - 1].arrivalSeconds) << "row " << i;
        }
        ASSERT_GE(rows[i].promptTokens, 1u);
        ASSERT_GE(rows[i].outputTokens, 1u);
        prompt += rows[i].promptTokens;
        output += rows[i].outputTokens;
    }
    // The published file: one hour (18:15:46.68 to 19:14:08.40) and these token totals.
    EXPECT_NEAR(trace.GetDurationSeconds(), 3501.7219, 1e-3);
    EXPECT_EQ(trace.GetDurationSeconds(), rows.back().arrivalSeconds);
    EXPECT_EQ(prompt, 22361870u);
    EXPECT_EQ(output, 4088665u);
    // First rows, as in the file.
    EXPECT_EQ(rows[0].promptTokens, 374u);
    EXPECT_EQ(rows[0].outputTokens, 44u);
    EXPECT_NEAR(rows[1].arrivalSeconds, 50.9951690 - 46.6805900, 1e-6);
    EXPECT_EQ(rows[2].promptTokens, 879u);
}

TEST_F(RequestTraceTest, ColumnsInAnyOrderAndRowsSorted)
{
    // GeneratedTokens,extra,ContextTokens,TIMESTAMP; rows out of time order; a blank line.
    const RequestTrace trace = RequestTrace::Load(g_data + "/trace-reordered.csv");
    const auto& rows = trace.GetRequests();
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].arrivalSeconds, 0.0);
    EXPECT_EQ(rows[0].promptTokens, 200u);
    EXPECT_EQ(rows[0].outputTokens, 30u);
    // Equal times keep file order.
    EXPECT_DOUBLE_EQ(rows[1].arrivalSeconds, 5.5);
    EXPECT_EQ(rows[1].promptTokens, 100u);
    EXPECT_DOUBLE_EQ(rows[2].arrivalSeconds, 5.5);
    EXPECT_EQ(rows[2].promptTokens, 50u);
    EXPECT_DOUBLE_EQ(rows[3].arrivalSeconds, 60.25);
    EXPECT_EQ(rows[3].promptTokens, 300u);
    EXPECT_EQ(rows[3].outputTokens, 40u);
    EXPECT_DOUBLE_EQ(trace.GetDurationSeconds(), 60.25);
}

TEST_F(RequestTraceTest, CrlfLineEndingsAndSpaces)
{
    // Written here, not kept in test/data, so no checkout can normalise the line endings.
    const std::string path = TempDir() + "/crlf.csv";
    WriteFile(path,
              "TIMESTAMP, ContextTokens ,GeneratedTokens\r\n"
              "2023-11-16 23:59:59.75, 12 ,3\r\n"
              "2023-11-17 00:00:01.25,7, 9 \r\n"
              "\r\n");
    const RequestTrace trace = RequestTrace::Load(path);
    const auto& rows = trace.GetRequests();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].promptTokens, 12u);
    EXPECT_EQ(rows[0].outputTokens, 3u);
    EXPECT_EQ(rows[1].promptTokens, 7u);
    EXPECT_EQ(rows[1].outputTokens, 9u);
    // Across midnight.
    EXPECT_NEAR(rows[1].arrivalSeconds, 1.5, 1e-9);
}

TEST_F(RequestTraceTest, MissingFile)
{
    const std::string path = "/nonexistent/edge-llm/trace.csv";
    try
    {
        RequestTrace::Load(path);
        FAIL() << "no exception";
    }
    catch (const std::runtime_error& e)
    {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
}

TEST_F(RequestTraceTest, MissingColumn)
{
    ExpectBadFile(g_data + "/trace-bad-missing-column.csv", 1, "GeneratedTokens");
}

TEST_F(RequestTraceTest, NonNumericTokens)
{
    ExpectBadFile(g_data + "/trace-bad-non-numeric.csv", 3, "ContextTokens");
    const std::string dir = TempDir();
    for (const std::string& bad : {"abc", "12x", "1.5", "-4", "", " "})
    {
        const std::string path = dir + "/bad.csv";
        WriteFile(path,
                  "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                  "2023-11-16 10:00:00,5," +
                      bad + "\n");
        ExpectBadFile(path, 2, "GeneratedTokens");
    }
}

TEST_F(RequestTraceTest, ZeroTokens)
{
    ExpectBadFile(g_data + "/trace-bad-zero-tokens.csv", 4, "GeneratedTokens");
}

TEST_F(RequestTraceTest, BadTimestamp)
{
    ExpectBadFile(g_data + "/trace-bad-timestamp.csv", 3, "TIMESTAMP");
}

TEST_F(RequestTraceTest, TooFewFields)
{
    const std::string path = TempDir() + "/short.csv";
    WriteFile(path,
              "TIMESTAMP,ContextTokens,GeneratedTokens\n"
              "2023-11-16 10:00:00,5,6\n"
              "2023-11-16 10:00:01,5\n");
    ExpectBadFile(path, 3, "fields");
}

TEST_F(RequestTraceTest, EmptyFile)
{
    ExpectBadFile(g_data + "/trace-bad-empty.csv", 1, "empty");
}

TEST_F(RequestTraceTest, HeaderOnly)
{
    // Documented format "<path>:<line>: <what>", like every other bad file.
    ExpectBadFile(g_data + "/trace-bad-header-only.csv", 1, "no requests");
}

TEST(ParseTraceTimestamp, KnownValues)
{
    EXPECT_EQ(ParseTraceTimestamp("1970-01-01 00:00:00"), 0.0);
    EXPECT_EQ(ParseTraceTimestamp("2000-01-01 00:00:00"), 946684800.0);
    EXPECT_EQ(ParseTraceTimestamp("2024-02-29 12:00:00"), 1709208000.0); // leap day
    EXPECT_EQ(ParseTraceTimestamp("1999-12-31 23:59:59.5"), 946684799.5);
    EXPECT_NEAR(ParseTraceTimestamp("2023-11-16 18:15:46.6805900"), 1700158546.68059, 1e-6);
    EXPECT_EQ(ParseTraceTimestamp("  2000-01-01 00:00:00\t"), 946684800.0); // trimmed
    EXPECT_EQ(ParseTraceTimestamp("2000-03-01 00:00:00") -
                  ParseTraceTimestamp("2000-02-28 00:00:00"),
              2 * 86400.0); // 2000 is a leap year
    EXPECT_EQ(ParseTraceTimestamp("1900-03-01 00:00:00") -
                  ParseTraceTimestamp("1900-02-28 00:00:00"),
              86400.0); // 1900 is not
}

TEST(ParseTraceTimestamp, RejectsMalformed)
{
    for (const std::string& bad : {"",
                                   "2023-11-16",
                                   "2023-11-16T18:15:46",
                                   "2023/11/16 18:15:46",
                                   "2023-13-01 00:00:00",
                                   "2023-11-00 00:00:00",
                                   "2023-11-16 24:00:00",
                                   "2023-11-16 18:60:00",
                                   "2023-11-16 18:15:61",
                                   "2023-11-16 18:15:46 UTC",
                                   "16/11/2023 18:15:46",
                                   "yesterday",
                                   // found by fuzzing: %lf took these as seconds (NaN arrivals)
                                   "2023-11-16 18:15:nan",
                                   "2023-11-16 18:15:inf",
                                   "2023-11-16 18:15:1e1",
                                   "2023-11-16 18:15:0x1p4"})
    {
        EXPECT_THROW(ParseTraceTimestamp(bad), std::invalid_argument) << "'" << bad << "'";
    }
}
