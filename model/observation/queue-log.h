/*
 * QueueLog: every change of every engine's queue length, and its time average.
 */
#ifndef EDGE_LLM_QUEUE_LOG_H
#define EDGE_LLM_QUEUE_LOG_H

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/ptr.h"

#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

class LlmEngine;

/// (time in seconds, queue length from then on) at each change, in time order.
typedef std::vector<std::pair<double, uint32_t>> QueueSeries;

/**
 * \ingroup edge-llm
 * \brief Streams (time_s, node, queue_length) rows from each engine's QueueLength trace to
 * `<path>.partial`, renamed to `<path>` by Close() so an interrupted run leaves no file that
 * looks complete. Also integrates each queue over time.
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

    Stats GetStats(uint32_t node) const;
    /// Every (time in seconds, new length) of a node's queue since it was watched.
    const QueueSeries& GetSeries(uint32_t node) const;

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

    std::string m_path;
    std::ofstream m_out;
    std::map<uint32_t, Track> m_tracks;
};

} // namespace ns3

#endif // EDGE_LLM_QUEUE_LOG_H
