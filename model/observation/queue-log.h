/*
 * QueueLog: every change of every engine's queue length, and its time average.
 */
#ifndef EDGE_LLM_QUEUE_LOG_H
#define EDGE_LLM_QUEUE_LOG_H

#include "queue-stability.h"

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/ptr.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

class LlmEngine;

/// The queue trends of a run: each engine's and their total's.
struct QueueTrends
{
    std::vector<QueueTrend> perNode; //!< in the order of the nodes asked for
    QueueTrend total;                //!< of the sum of those queues
};

/**
 * \ingroup edge-llm
 * \brief Streams (time_s, node, queue_length) rows from each engine's QueueLength trace to
 * `<path>.partial`, renamed to `<path>` by Close() so an interrupted run leaves no file that
 * looks complete. Also integrates each queue over time.
 *
 * By default every change is also kept in memory (GetSeries). With SetKeepSeries(false) the
 * changes go instead to an anonymous temporary file of 16 bytes each, read once by
 * GetTrends(): memory stays flat however long the run.
 */
class QueueLog : public Object
{
  public:
    /// Per-node occupancy statistics.
    struct Stats
    {
        double timeAverage{0}; //!< mean jobs waiting over [first watch, now]
        uint32_t maximum{0};
    };

    static TypeId GetTypeId();

    /// Starts the file (header row); throws std::runtime_error if it cannot be created.
    void Open(const std::string& path);
    void Watch(Ptr<LlmEngine> engine, uint32_t node);
    /// Flushes and renames the file into place.
    void Close();

    /// Keep each queue's changes in memory (default) or only on disk; call before Watch().
    void SetKeepSeries(bool keep);

    Stats GetStats(uint32_t node) const;
    /// Every (time in seconds, new length) of a node's queue since it was watched; empty when
    /// the series are not kept.
    const QueueSeries& GetSeries(uint32_t node) const;
    /// ClassifyQueueTrend over [start, end] of each of `nodes` and of their total, from the
    /// kept series or from the temporary file. Throws std::runtime_error on I/O errors.
    QueueTrends GetTrends(const std::vector<uint32_t>& nodes, double start, double end) const;
    ~QueueLog() override;

  private:
    struct Track
    {
        uint32_t current{0};
        uint32_t maximum{0};
        Time since;     //!< when `current` began
        Time watched;   //!< when watching began
        double area{0}; //!< integral of queue length dt, up to `since`
        QueueSeries series;
    };

    void OnChange(uint32_t node, uint32_t oldValue, uint32_t newValue);
    void WriteRow(uint32_t node, uint32_t length);

    /// One change as written to the temporary file.
    struct Change
    {
        double time;
        uint32_t node;
        uint32_t length;
    };

    void Record(uint32_t node, uint32_t length);

    std::string m_path;
    std::ofstream m_out;
    bool m_keepSeries{true};
    std::FILE* m_changes{nullptr}; //!< every change, when the series are not kept
    std::vector<Change> m_buffer;  //!< changes not yet written to m_changes
    std::map<uint32_t, Track> m_tracks;
};

} // namespace ns3

#endif // EDGE_LLM_QUEUE_LOG_H
