/*
 * RequestArrivals: the arrival process shared by every user application.
 */

#include "edge-llm-test-fixture.h"

#include "ns3/llm-workload.h"
#include "ns3/request-arrivals.h"
#include "ns3/string.h"

#include <gtest/gtest.h>
#include <vector>

using namespace ns3;

namespace
{

struct Issued
{
    uint64_t sequence;
    uint32_t prompt;
    uint32_t output;
    int user;
    Time at;
};

Ptr<LlmWorkload>
Workload(const std::string& interarrival, const std::string& think)
{
    Ptr<LlmWorkload> w = CreateObject<LlmWorkload>();
    w->SetAttribute("PromptTokens", StringValue("ns3::ConstantRandomVariable[Constant=100]"));
    w->SetAttribute("OutputTokens", StringValue("ns3::ConstantRandomVariable[Constant=20]"));
    w->SetAttribute("Interarrival", StringValue(interarrival));
    w->SetAttribute("ThinkTime", StringValue(think));
    w->AssignStreams(1);
    return w;
}

class RequestArrivalsTest : public test::SimulationTest
{
  protected:
    std::vector<Issued> m_issued;

    RequestArrivals::Issue Recorder()
    {
        return [this](uint64_t sequence, uint32_t p, uint32_t g, int user) {
            m_issued.push_back({sequence, p, g, user, Simulator::Now()});
        };
    }
};

} // namespace

TEST_F(RequestArrivalsTest, PoissonRateAndLimit)
{
    RequestArrivals arrivals;
    arrivals.StartPoisson(Workload("ns3::ExponentialRandomVariable[Mean=0.5]",
                                   "ns3::ConstantRandomVariable[Constant=0]"),
                          Seconds(10),
                          Recorder());
    Simulator::Stop(Seconds(1010));
    Simulator::Run();
    // 1000 s at 2 per second after a 10 s delay: 2000 +- 4 sigma (sqrt(2000) ~ 45).
    EXPECT_NEAR(double(m_issued.size()), 2000.0, 180.0);
    ASSERT_FALSE(m_issued.empty());
    EXPECT_GE(m_issued.front().at, Seconds(10));
    for (size_t i = 0; i < m_issued.size(); ++i)
    {
        EXPECT_EQ(m_issued[i].sequence, i);
        EXPECT_EQ(m_issued[i].user, -1);
        EXPECT_EQ(m_issued[i].prompt, 100u);
        EXPECT_EQ(m_issued[i].output, 20u);
    }
    EXPECT_EQ(arrivals.GetIssued(), m_issued.size());
}

TEST_F(RequestArrivalsTest, MaxRequestsAndStop)
{
    RequestArrivals limited;
    limited.SetMaxRequests(7);
    limited.StartPoisson(Workload("ns3::ConstantRandomVariable[Constant=1]",
                                  "ns3::ConstantRandomVariable[Constant=0]"),
                         Time(0),
                         Recorder());
    Simulator::Stop(Seconds(100));
    Simulator::Run();
    EXPECT_EQ(m_issued.size(), 7u);

    Simulator::Destroy();
    m_issued.clear();
    RequestArrivals stopped;
    stopped.StartPoisson(Workload("ns3::ConstantRandomVariable[Constant=1]",
                                  "ns3::ConstantRandomVariable[Constant=0]"),
                         Time(0),
                         Recorder());
    Simulator::Schedule(Seconds(5.5), &RequestArrivals::Stop, &stopped);
    Simulator::Stop(Seconds(100));
    Simulator::Run();
    EXPECT_EQ(m_issued.size(), 5u) << "arrivals at 1..5 s, none after Stop at 5.5 s";
    EXPECT_FALSE(stopped.IsIssuing());
}

TEST_F(RequestArrivalsTest, ClosedLoopUsersThinkThenIssueAgain)
{
    RequestArrivals arrivals;
    arrivals.StartClosedLoop(Workload("ns3::ConstantRandomVariable[Constant=1]",
                                      "ns3::ConstantRandomVariable[Constant=2]"),
                             3,
                             Seconds(10),
                             Recorder());
    // Every user issues at once.
    ASSERT_EQ(m_issued.size(), 3u);
    EXPECT_EQ(m_issued[0].user, 0);
    EXPECT_EQ(m_issued[2].user, 2);
    // User 1's request completes at 1 s: its next after the 2 s think time; user 2's fails
    // at 1 s: its next after the 10 s backoff.
    Simulator::Schedule(Seconds(1), &RequestArrivals::Ended, &arrivals, 1, true);
    Simulator::Schedule(Seconds(1), &RequestArrivals::Ended, &arrivals, 2, false);
    Simulator::Stop(Seconds(20));
    Simulator::Run();
    ASSERT_EQ(m_issued.size(), 5u);
    EXPECT_EQ(m_issued[3].user, 1);
    EXPECT_EQ(m_issued[3].at, Seconds(3));
    EXPECT_EQ(m_issued[4].user, 2);
    EXPECT_EQ(m_issued[4].at, Seconds(11));
    EXPECT_EQ(m_issued[4].sequence, 4u);
}
