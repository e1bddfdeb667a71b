/*
 * PromptClassMix: the classes of prompts users send, how often, and how long each is.
 */
#ifndef EDGE_LLM_PROMPT_CLASS_MIX_H
#define EDGE_LLM_PROMPT_CLASS_MIX_H

#include "llm-workload.h"

#include "ns3/object.h"
#include "ns3/random-variable-stream.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Prompt classes (domains: chat, code, math, ...), each with a weight in the mix and
 * its own prompt and output length distributions (an LlmWorkload). A user draws a class per
 * request, then the request's lengths from that class's workload; the class travels in the
 * request's header for the gateway's classifier to read (the simulation's stand-in for the
 * prompt's text).
 */
class PromptClassMix : public Object
{
  public:
    static constexpr uint32_t MAX_CLASSES = 255; //!< the header carries the class in one byte

    static TypeId GetTypeId();
    PromptClassMix();
    ~PromptClassMix() override;

    /// Adds a class; `weight` > 0 (relative to the others'). Returns its index.
    uint32_t AddClass(const std::string& name, double weight, Ptr<LlmWorkload> workload);
    uint32_t GetN() const;
    const std::string& GetName(uint32_t index) const;
    double GetShare(uint32_t index) const; //!< weight / the sum of weights
    Ptr<LlmWorkload> GetWorkload(uint32_t index) const;
    /// A class drawn by weight.
    uint32_t Draw();

    /**
     * Classes from a command-line list "name[:weight[:trace.csv]],..." (weight 1 when left
     * out). A class with a trace draws its prompt and output lengths from the trace's
     * ContextTokens and GeneratedTokens (empirical distributions); one without, from
     * LlmWorkload's defaults (fitted to the Azure conversation trace). Throws
     * std::invalid_argument naming the bad item and what is accepted.
     */
    static Ptr<PromptClassMix> Parse(const std::string& text);
    /// A workload whose lengths are the empirical distributions of the trace at `path`.
    static Ptr<LlmWorkload> WorkloadFromTrace(const std::string& path);

    /// Assigns fixed streams to the class draw and every class's workload; returns how many.
    int64_t AssignStreams(int64_t stream);

  protected:
    void DoDispose() override;

  private:
    struct Class
    {
        std::string name;
        double weight;
        Ptr<LlmWorkload> workload;
    };

    std::vector<Class> m_classes;
    double m_totalWeight{0};
    Ptr<UniformRandomVariable> m_draw;
};

} // namespace ns3

#endif // EDGE_LLM_PROMPT_CLASS_MIX_H
