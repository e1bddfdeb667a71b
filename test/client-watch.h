/*
 * ClientWatch: one user application followed through its trace sources, for tests that check
 * every request ends exactly once.
 */
#ifndef EDGE_LLM_CLIENT_WATCH_H
#define EDGE_LLM_CLIENT_WATCH_H

#include "ns3/application.h"
#include "ns3/callback.h"
#include "ns3/request-record.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ns3
{
namespace test
{

/// Follows one client through its trace sources.
struct ClientWatch
{
    std::vector<RequestRecord> issued;
    std::vector<RequestRecord> firstTokens;
    std::vector<RequestRecord> completed;
    std::vector<RequestRecord> failed;
    std::map<uint64_t, int> ends; //!< per request id
    int open{0};
    int maxOpen{0};

    explicit ClientWatch(Ptr<Application> app)
    {
        app->TraceConnectWithoutContext("RequestIssued",
                                        MakeCallback(&ClientWatch::OnIssued, this));
        app->TraceConnectWithoutContext("FirstToken", MakeCallback(&ClientWatch::OnFirst, this));
        app->TraceConnectWithoutContext("RequestCompleted",
                                        MakeCallback(&ClientWatch::OnCompleted, this));
        app->TraceConnectWithoutContext("RequestFailed",
                                        MakeCallback(&ClientWatch::OnFailed, this));
    }

    void OnIssued(const RequestRecord& r)
    {
        EXPECT_EQ(r.status, "pending");
        EXPECT_EQ(r.arrival, Simulator::Now());
        issued.push_back(r);
        maxOpen = std::max(maxOpen, ++open);
    }

    void OnFirst(const RequestRecord& r)
    {
        firstTokens.push_back(r);
    }

    void OnCompleted(const RequestRecord& r)
    {
        EXPECT_EQ(r.status, "completed");
        EXPECT_EQ(r.reason, "");
        completed.push_back(r);
        ++ends[r.requestId];
        --open;
    }

    void OnFailed(const RequestRecord& r)
    {
        EXPECT_EQ(r.status, "failed");
        EXPECT_FALSE(r.reason.empty());
        failed.push_back(r);
        ++ends[r.requestId];
        --open;
    }

    /// Every issued request ended exactly once, and nothing ended that was not issued.
    void ExpectAllEndedOnce() const
    {
        EXPECT_EQ(completed.size() + failed.size(), issued.size());
        std::set<uint64_t> ids;
        for (const auto& r : issued)
        {
            EXPECT_TRUE(ids.insert(r.requestId).second) << "duplicate id " << r.requestId;
            auto it = ends.find(r.requestId);
            EXPECT_TRUE(it != ends.end() && it->second == 1) << "request " << r.requestId;
        }
        EXPECT_EQ(ends.size(), ids.size());
        EXPECT_EQ(open, 0);
    }

    std::map<std::string, int> FailureReasons() const
    {
        std::map<std::string, int> reasons;
        for (const auto& r : failed)
        {
            ++reasons[r.reason];
        }
        return reasons;
    }
};

} // namespace test
} // namespace ns3

#endif // EDGE_LLM_CLIENT_WATCH_H
