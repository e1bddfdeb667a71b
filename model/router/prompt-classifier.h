/*
 * PromptClassifier: the gateway's encoder that gives each prompt a class.
 */
#ifndef EDGE_LLM_PROMPT_CLASSIFIER_H
#define EDGE_LLM_PROMPT_CLASSIFIER_H

#include "inference-cost-model.h"

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief A BERT-class encoder classifying prompts on the gateway's device. Its time per prompt
 * is the CostModel's prefill of the prompt's tokens, truncated at the encoder's context (512
 * tokens for bert-base-110m, as BERT classifiers truncate). The default CostModel is
 * bert-base-110m's libtorch profile (profiles/bert-base-110m.json: the encoder's forward pass
 * timed on a real host) scaled to edge-server-l4; ns3::RooflineCostModel stays selectable. Its
 * accuracy is ConfusionMatrix: row t gives the probabilities that a prompt of class t is classified
 * as each class (empty: perfect), realised with a seeded random stream.
 */
class PromptClassifier : public Object
{
  public:
    static TypeId GetTypeId();
    PromptClassifier();
    ~PromptClassifier() override;

    /// Seconds to classify a prompt of `promptTokens` tokens (the encoder's prefill).
    Time Cost(uint32_t promptTokens) const;
    /// Tokens the encoder reads of a prompt of `promptTokens`: at most its context.
    uint32_t TokensRead(uint32_t promptTokens) const;
    /// The class given to a prompt of class `trueClass`: drawn from the matrix's row, or
    /// `trueClass` itself when the matrix is empty or has no such row.
    uint32_t Classify(uint32_t trueClass);
    /// Throws std::invalid_argument (one line) unless the matrix is empty or `classes` square.
    void CheckClasses(uint32_t classes) const;
    const std::vector<std::vector<double>>& GetConfusionMatrix() const;
    Ptr<InferenceCostModel> GetCostModel() const;

    /**
     * Parses a confusion matrix: rows separated by ';', probabilities by spaces or ',', each
     * row summing to 1 (within 1e-6), as many rows as columns ("0.9 0.1;0.2 0.8"); "" is
     * perfect. Throws std::invalid_argument naming the bad row or value.
     */
    static std::vector<std::vector<double>> ParseConfusionMatrix(const std::string& text);

    /// Assigns a fixed stream to the misclassification draw; returns 1.
    int64_t AssignStreams(int64_t stream);

  protected:
    void DoDispose() override;

  private:
    void SetConfusionMatrix(const std::string& text);
    std::string GetConfusionMatrixText() const;

    Ptr<InferenceCostModel> m_costModel;
    std::string m_matrixText;
    std::vector<std::vector<double>> m_matrix;
    Ptr<UniformRandomVariable> m_draw;
};

} // namespace ns3

#endif // EDGE_LLM_PROMPT_CLASSIFIER_H
