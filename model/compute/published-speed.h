/*
 * PublishedSpeed: one measured LLM inference speed that someone published (a row of
 * shared/data/published-speeds.csv), for calibrating the cost models.
 */
#ifndef EDGE_LLM_PUBLISHED_SPEED_H
#define EDGE_LLM_PUBLISHED_SPEED_H

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief A published measurement: device and model as edge-llm presets name them, the
 * precision, the batch, the lengths where the source gives them, the metric and its value.
 *
 * Metrics and their units: output_rate (tokens/s), ttft (s), decode_time (s/token),
 * prefill_rate (tokens/s).
 */
struct PublishedSpeed
{
    std::string id;
    std::string device;       //!< a DeviceProfile preset
    std::string model;        //!< a ModelSpec preset at fp16 (the precision picks the variant)
    std::string precision;    //!< as published, e.g. "fp16", "int4 (AWQ W4A16)"
    std::string framework;    //!< the serving engine
    uint32_t batch{1};        //!< sequences served together (static batch); 0 when offline
    bool offline{false};      //!< all requests queued at once, served by a batching engine
    uint32_t promptTokens{0}; //!< 0: not given by the source
    uint32_t outputTokens{0}; //!< 0: not given by the source
    std::string metric;       //!< output_rate, ttft, decode_time or prefill_rate
    double value{0};          //!< in `unit`
    std::string unit;
    std::string source;

    /// The ModelSpec preset for model at this precision: the model itself for fp16/bf16,
    /// "<model>-int8" or "<model>-int4".
    std::string ModelPreset() const;

    /**
     * Reads a published-speeds CSV (header with the columns id, device, model, precision,
     * framework, batch, prompt_tokens, output_tokens, metric, value, unit, source). Throws
     * std::invalid_argument with one line "<path>:<line>: <column> '<value>' ..." naming the
     * bad field and what is accepted.
     */
    static std::vector<PublishedSpeed> Load(const std::string& path);
};

} // namespace ns3

#endif // EDGE_LLM_PUBLISHED_SPEED_H
