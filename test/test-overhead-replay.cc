/*
 * OverheadReplay: the overhead benchmark's correctness. The socket calls recorded from a
 * small edge-llm Wi-Fi star, replayed on plain TCP sockets by a bare ns-3 program on the
 * same network, give the same frames (time and length) on every device; recording changes
 * none; a schedule with one write changed gives other frames, and the replay says where.
 */

#include "edge-llm-test-fixture.h"

#include "ns3/frame-digest.h"
#include "ns3/overhead-star.h"
#include "ns3/socket-recorder.h"
#include "ns3/socket-schedule.h"

#include <gtest/gtest.h>
#include <sstream>

using namespace ns3;

namespace
{

class OverheadReplay : public test::SimulationTest
{
  protected:
    /// Two phones, a few requests of 256 bytes per token (messages of many segments).
    static OverheadStarConfig Tiny()
    {
        OverheadStarConfig config;
        config.phones = 2;
        config.load = 0.1;
        config.duration = 30;
        config.drain = 120;
        config.bytesPerToken = 256;
        return config;
    }
};

TEST_F(OverheadReplay, BareReplayGivesTheSameFrames)
{
    Ptr<SocketRecorder> recorder = Create<SocketRecorder>();
    Ptr<FrameDigest> full = Create<FrameDigest>();
    full->SetKeepFrames(true);
    const OverheadRunResult run = OverheadStar::RunFull(Tiny(), recorder, full);
    ASSERT_GE(run.completed, 3u) << "too few requests to compare";
    const SocketSchedule& recorded = recorder->GetSchedule();
    EXPECT_EQ(recorded.CountOps(SocketOp::CONNECT), run.requests);
    EXPECT_EQ(recorded.CountOps(SocketOp::ACCEPT), run.requests);
    EXPECT_GT(recorded.BytesSent(), run.completed * 256u);

    // Through the text form, as the benchmark hands it from process to process.
    std::stringstream text;
    recorded.Write(text);
    const SocketSchedule schedule = SocketSchedule::Read(text);
    ASSERT_EQ(schedule.GetOps().size(), recorded.GetOps().size());
    EXPECT_EQ(schedule.GetEnd(), recorded.GetEnd());

    Ptr<FrameDigest> bare = Create<FrameDigest>();
    bare->SetKeepFrames(true);
    const OverheadRunResult replayed = OverheadStar::RunBare(Tiny(), schedule, bare);
    EXPECT_EQ(replayed.error, "");
    EXPECT_EQ(replayed.end, run.end);
    EXPECT_GT(full->GetFrames(), 1000u);
    EXPECT_EQ(full->Compare(*bare), "");
    EXPECT_EQ(full->GetHash(), bare->GetHash());
}

TEST_F(OverheadReplay, RecordingChangesNoFrame)
{
    Ptr<FrameDigest> recorded = Create<FrameDigest>();
    OverheadStar::RunFull(Tiny(), Create<SocketRecorder>(), recorded);
    Ptr<FrameDigest> plain = Create<FrameDigest>();
    OverheadStar::RunFull(Tiny(), nullptr, plain);
    EXPECT_GT(plain->GetFrames(), 1000u);
    EXPECT_EQ(recorded->Compare(*plain), "");
}

TEST_F(OverheadReplay, ADifferentWriteGivesOtherFramesAndAnError)
{
    Ptr<SocketRecorder> recorder = Create<SocketRecorder>();
    Ptr<FrameDigest> full = Create<FrameDigest>();
    OverheadStar::RunFull(Tiny(), recorder, full);
    // One byte more in the first request's first write.
    SocketSchedule changed;
    changed.SetEnd(recorder->GetSchedule().GetEnd());
    bool done = false;
    for (SocketOp op : recorder->GetSchedule().GetOps())
    {
        if (!done && op.kind == SocketOp::SEND && op.result > 0)
        {
            op.size += 1;
            done = true;
        }
        changed.Add(op);
    }
    ASSERT_TRUE(done);
    Ptr<FrameDigest> bare = Create<FrameDigest>();
    const OverheadRunResult replayed = OverheadStar::RunBare(Tiny(), changed, bare);
    EXPECT_NE(replayed.error.find("send"), std::string::npos) << replayed.error;
    EXPECT_NE(full->Compare(*bare), "");
}

TEST(SocketSchedule, RefusesAMalformedLine)
{
    std::istringstream text("end_ns 5\n1 2 0 send 0 0.0.0.0:0 10\n");
    EXPECT_THROW(SocketSchedule::Read(text), std::runtime_error);
    std::istringstream unknown("end_ns 5\n1 2 0 write 0 0.0.0.0:0 10 10 event 0 0\n");
    EXPECT_THROW(SocketSchedule::Read(unknown), std::runtime_error);
    std::istringstream port("end_ns 5\n1 2 0 send 0 0.0.0.0:70000 10 10 event 0 0\n");
    EXPECT_THROW(SocketSchedule::Read(port), std::runtime_error);
    std::istringstream good("end_ns 5\n1 2 0 connect 0 10.2.0.2:8000 0 0 event 0 0\n");
    const SocketSchedule read = SocketSchedule::Read(good);
    ASSERT_EQ(read.GetOps().size(), 1u);
    EXPECT_EQ(read.GetOps()[0].address.GetPort(), 8000);
    EXPECT_EQ(read.GetOps()[0].address.GetIpv4(), Ipv4Address("10.2.0.2"));
}

} // namespace
