/*
 * Queue stability: the offered load a cost model predicts, and the trend a measured queue
 * shows.
 */
#ifndef EDGE_LLM_QUEUE_STABILITY_H
#define EDGE_LLM_QUEUE_STABILITY_H

#include "inference-cost-model.h"

#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"

#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/// (time in seconds, queue length from then on) at each change, in time order.
typedef std::vector<std::pair<double, uint32_t>> QueueSeries;

/**
 * Mean seconds one job costs on `model` (Prefill(P) + Decode(G-1, P)) over `samples` draws of
 * prompt and output lengths (rounded, at least 1). Draws longer than the model's context are
 * skipped: the engine refuses them at no cost. Returns NaN if every draw was skipped.
 */
double MeanServiceSeconds(const InferenceCostModel& model,
                          Ptr<RandomVariableStream> promptTokens,
                          Ptr<RandomVariableStream> outputTokens,
                          uint32_t samples);

/// Inferences one user prompt causes in distributed MoA with M layers and k peers:
/// (k+1)M + 1 (M = 0: one, plain local inference).
uint32_t MoaInferencesPerPrompt(uint32_t layers, uint32_t peers);

/// Mean seconds per job of a distributed-MoA workload on one device.
struct MoaServiceEstimate
{
    double base{0};       //!< every job as long as a user prompt: the theorem's alpha
    double withGrowth{0}; //!< the job mix with grown prompts of later layers and aggregation
};

/**
 * Mean service seconds of a distributed-MoA job on `model` over `samples` user prompts. A
 * prompt P and k+1 outputs G per layer are drawn; layer 1 infers P, later layers and the final
 * aggregation infer P + aggregatorTokens + the k+1 previous outputs. `base` averages the
 * layer-1 jobs only (the theorem ignores growth); `withGrowth` weights the jobs as a device
 * receives them. Jobs beyond the model's context are skipped. NaN fields if nothing counted.
 */
MoaServiceEstimate MoaMeanServiceSeconds(const InferenceCostModel& model,
                                         Ptr<RandomVariableStream> promptTokens,
                                         Ptr<RandomVariableStream> outputTokens,
                                         uint32_t layers,
                                         uint32_t peers,
                                         uint32_t aggregatorTokens,
                                         uint32_t samples);

/// The total of several queue-length step functions (jobs waiting on all of them) over time.
QueueSeries SumQueueSeries(const std::vector<QueueSeries>& series);

/// What a queue did over a run.
struct QueueTrend
{
    /// "stable" (not growing, under one job waiting on average), "backlogged" (not growing,
    /// at least one job waiting on average) or "overloaded" (growing).
    std::string verdict;
    std::vector<double> windowMeans; //!< time-averaged length in equal windows of the run
    double slopePerSecond{0};        //!< least-squares slope of the window means
    double growth{0};                //!< slope x span: jobs gained over the run by the trend
    double mean{0};                  //!< time-averaged length over the run
    double confidence{0}; //!< one-sided confidence that the queue grows (see TrendConfidence)
};

/// Confidence at which a growing queue is called "overloaded" (else "undecided").
constexpr double TREND_CONFIDENCE = 0.99;

/**
 * The one-sided confidence that a queue with these window means grows: Student's t of the
 * mean change between consecutive windows (an overloaded queue is a random walk with drift,
 * whose changes are about independent). 0 for fewer than 4 windows.
 */
double TrendConfidence(const std::vector<double>& means);

/**
 * \ingroup edge-llm
 * \brief Classifies a queue by its growth over [start, end], not by a snapshot: the run is
 * cut into `windows` equal windows, the time-averaged length of each is fitted with a line,
 * and the queue is "overloaded" when that line gains at least 2 jobs and at least half the
 * run's mean over the run and the last window is the longest so far; otherwise "backlogged" if
 * the mean is at least one job, else "stable". The thresholds are a convention (see
 * doc/edge-llm.rst): a stable M/G/1 queue fluctuates, an unstable one grows without bound, and
 * longer runs separate the two better.
 */
QueueTrend ClassifyQueueTrend(const QueueSeries& series,
                              double start,
                              double end,
                              uint32_t windows = 16);

/**
 * \ingroup edge-llm
 * \brief ClassifyQueueTrend one point at a time: Add() the points of a queue-length series in
 * time order (nothing else is kept), then Classify(). Gives the same trend, bit for bit, as
 * ClassifyQueueTrend on the whole series.
 */
class QueueTrendWindows
{
  public:
    QueueTrendWindows(double start, double end, uint32_t windows = 16);
    /// The queue's length from `time` on.
    void Add(double time, uint32_t length);
    QueueTrend Classify() const;

  private:
    /// Adds the segment [from, to) of length `length` to every window it overlaps; `last`: the
    /// series' last segment, which runs to each window's end.
    void AddSegment(double from,
                    double to,
                    uint32_t length,
                    bool last,
                    std::vector<double>& areas) const;

    double m_start;
    double m_end;
    uint32_t m_windows;
    double m_width;
    bool m_any{false};
    double m_time{0};     //!< the last point's time
    uint32_t m_length{0}; //!< the last point's length
    std::vector<double> m_areas;
};

/**
 * \ingroup edge-llm
 * \brief SumQueueSeries one change at a time: Add() every queue's changes in time order; the
 * total's points go to `sink` (a time's point once all of that time's changes are in; Finish()
 * hands out the last).
 */
class QueueSumStream
{
  public:
    explicit QueueSumStream(QueueTrendWindows& sink);
    void Add(double time, size_t queue, uint32_t length);
    void Finish();

  private:
    QueueTrendWindows& m_sink;
    std::vector<uint32_t> m_current;
    uint64_t m_total{0};
    bool m_pending{false};
    double m_time{0};
};

} // namespace ns3

#endif // EDGE_LLM_QUEUE_STABILITY_H
