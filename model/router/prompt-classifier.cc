#include "prompt-classifier.h"

#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/string.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("PromptClassifier");
NS_OBJECT_ENSURE_REGISTERED(PromptClassifier);

TypeId
PromptClassifier::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::PromptClassifier")
            .SetParent<Object>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<PromptClassifier>()
            .AddAttribute("CostModel",
                          "The encoder on the gateway's device; a prompt costs its prefill "
                          "(default: bert-base-110m's libtorch profile scaled to the device)",
                          StringValue("ns3::ProfiledCostModel[Model=bert-base-110m|"
                                      "Device=edge-server-l4]"),
                          MakePointerAccessor(&PromptClassifier::m_costModel),
                          MakePointerChecker<InferenceCostModel>())
            .AddAttribute("ConfusionMatrix",
                          "Row t: probabilities that a prompt of class t is classified as each "
                          "class; rows separated by ';', values by spaces (empty: perfect)",
                          StringValue(""),
                          MakeStringAccessor(&PromptClassifier::SetConfusionMatrix,
                                             &PromptClassifier::GetConfusionMatrixText),
                          MakeStringChecker());
    return tid;
}

PromptClassifier::PromptClassifier()
    : m_draw(CreateObject<UniformRandomVariable>())
{
}

PromptClassifier::~PromptClassifier() = default;

void
PromptClassifier::DoDispose()
{
    m_costModel = nullptr;
    m_draw = nullptr;
    Object::DoDispose();
}

std::vector<std::vector<double>>
PromptClassifier::ParseConfusionMatrix(const std::string& text)
{
    std::vector<std::vector<double>> matrix;
    if (text.find_first_not_of(" \t") == std::string::npos)
    {
        return matrix;
    }
    std::stringstream rows(text);
    std::string row;
    while (std::getline(rows, row, ';'))
    {
        std::replace(row.begin(), row.end(), ',', ' ');
        std::stringstream cells(row);
        std::string cell;
        std::vector<double> values;
        double sum = 0;
        while (cells >> cell)
        {
            size_t used = 0;
            double p = NAN;
            try
            {
                p = std::stod(cell, &used);
            }
            catch (const std::exception&)
            {
                used = 0;
            }
            if (used != cell.size() || !(p >= 0 && p <= 1))
            {
                throw std::invalid_argument("confusion matrix value '" + cell + "' in row " +
                                            std::to_string(matrix.size() + 1) +
                                            " is not a probability (accepted: 0 to 1)");
            }
            values.push_back(p);
            sum += p;
        }
        if (values.empty() || std::abs(sum - 1) > 1e-6)
        {
            throw std::invalid_argument("confusion matrix row " +
                                        std::to_string(matrix.size() + 1) + " '" + row +
                                        "' does not sum to 1");
        }
        matrix.push_back(values);
    }
    for (size_t t = 0; t < matrix.size(); ++t)
    {
        if (matrix[t].size() != matrix.size())
        {
            throw std::invalid_argument("confusion matrix row " + std::to_string(t + 1) + " has " +
                                        std::to_string(matrix[t].size()) +
                                        " values; accepted: one per class (" +
                                        std::to_string(matrix.size()) + ", as many as rows)");
        }
    }
    return matrix;
}

void
PromptClassifier::SetConfusionMatrix(const std::string& text)
{
    m_matrix = ParseConfusionMatrix(text);
    m_matrixText = text;
}

std::string
PromptClassifier::GetConfusionMatrixText() const
{
    return m_matrixText;
}

const std::vector<std::vector<double>>&
PromptClassifier::GetConfusionMatrix() const
{
    return m_matrix;
}

Ptr<InferenceCostModel>
PromptClassifier::GetCostModel() const
{
    return m_costModel;
}

void
PromptClassifier::CheckClasses(uint32_t classes) const
{
    if (!m_matrix.empty() && m_matrix.size() != classes)
    {
        throw std::invalid_argument("confusion matrix is " + std::to_string(m_matrix.size()) + "x" +
                                    std::to_string(m_matrix.size()) + " for " +
                                    std::to_string(classes) +
                                    " classes; accepted: one row and column per class");
    }
}

uint32_t
PromptClassifier::TokensRead(uint32_t promptTokens) const
{
    return std::max<uint32_t>(1, std::min(promptTokens, m_costModel->GetModel().maxContext));
}

Time
PromptClassifier::Cost(uint32_t promptTokens) const
{
    return Seconds(m_costModel->PrefillSeconds(TokensRead(promptTokens), m_costModel->AllLayers()));
}

uint32_t
PromptClassifier::Classify(uint32_t trueClass)
{
    if (m_matrix.empty() || trueClass >= m_matrix.size())
    {
        // The class comes off the network: one the matrix does not know is taken as it is.
        return trueClass;
    }
    const std::vector<double>& row = m_matrix[trueClass];
    const double u = m_draw->GetValue();
    double cumulative = 0;
    for (uint32_t c = 0; c < row.size(); ++c)
    {
        cumulative += row[c];
        if (u < cumulative)
        {
            return c;
        }
    }
    // Rounding left u above the last sum: the last class with any probability.
    for (uint32_t c = row.size(); c-- > 0;)
    {
        if (row[c] > 0)
        {
            return c;
        }
    }
    return trueClass;
}

int64_t
PromptClassifier::AssignStreams(int64_t stream)
{
    m_draw->SetStream(stream);
    return 1;
}

} // namespace ns3
