#include "split-server.h"

#include "llm-engine.h"
#include "split-costs.h"

#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SplitServer");
NS_OBJECT_ENSURE_REGISTERED(SplitServer);

TypeId
SplitServer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SplitServer")
            .SetParent<Application>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<SplitServer>()
            .AddAttribute("Port",
                          "TCP port to listen on",
                          UintegerValue(8200),
                          MakeUintegerAccessor(&SplitServer::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddTraceSource("Step",
                            "A well-formed SPLIT_HIDDEN message arrived",
                            MakeTraceSourceAccessor(&SplitServer::m_stepTrace),
                            "ns3::SplitServer::HeaderTracedCallback")
            .AddTraceSource("Answer",
                            "An answer (SPLIT_HIDDEN or ERROR) was queued for sending",
                            MakeTraceSourceAccessor(&SplitServer::m_answerTrace),
                            "ns3::SplitServer::HeaderTracedCallback");
    return tid;
}

SplitServer::SplitServer() = default;

SplitServer::~SplitServer() = default;

uint64_t
SplitServer::GetStepsReceived() const
{
    return m_received;
}

uint64_t
SplitServer::GetStepsServed() const
{
    return m_served;
}

void
SplitServer::DoDispose()
{
    // A run may end before the stop time: let go of the sockets rather than close them.
    if (m_listener)
    {
        m_listener->Abandon();
        m_listener = nullptr;
    }
    Application::DoDispose();
}

void
SplitServer::StartApplication()
{
    m_listener = Create<LlmListener>(
        GetNode(),
        LlmConnection::MessageCallback([this](Ptr<LlmConnection> connection,
                                              const LlmHeader& header,
                                              Ptr<Packet>) { HandleMessage(connection, header); }),
        LlmConnection::EndCallback());
    NS_ABORT_MSG_IF(!m_listener->Listen(m_port), "SplitServer: cannot bind TCP port " << m_port);
}

void
SplitServer::StopApplication()
{
    if (m_listener)
    {
        m_listener->Stop();
        m_listener = nullptr;
    }
}

std::string
SplitServer::CheckStep(const LlmHeader& step) const
{
    Ptr<LlmEngine> engine = GetNode()->GetObject<LlmEngine>();
    const ModelSpec& model = engine->GetCostModel()->GetModel();
    const uint32_t units = model.layers + 2;
    if (step.m_lastUnit >= units)
    {
        return "units " + std::to_string(step.m_firstUnit) + "-" + std::to_string(step.m_lastUnit) +
               " beyond the model's " + std::to_string(units);
    }
    if (step.m_promptTokens == 0 || step.m_outputTokens == 0 || step.m_step >= step.m_outputTokens)
    {
        return "step " + std::to_string(step.m_step) + " of a request of " +
               std::to_string(step.m_promptTokens) + " + " + std::to_string(step.m_outputTokens) +
               " tokens";
    }
    const LayerRange held = engine->GetHeldLayers();
    const LayerRange asked = SplitCosts::UnitLayers(model, step.m_firstUnit, step.m_lastUnit);
    if (asked.Blocks() > 0 && (asked.first < held.first || asked.last > held.last))
    {
        return "blocks " + std::to_string(asked.first) + "-" + std::to_string(asked.last) +
               " not held by the engine";
    }
    return "";
}

void
SplitServer::HandleMessage(Ptr<LlmConnection> connection, const LlmHeader& header)
{
    if (header.m_type != LlmHeader::SPLIT_HIDDEN)
    {
        NS_LOG_WARN("split server ignores a " << LlmHeader::TypeName(header.m_type) << " message");
        return;
    }
    ++m_received;
    m_stepTrace(header);
    Ptr<LlmEngine> engine = GetNode()->GetObject<LlmEngine>();
    if (!engine)
    {
        Refuse(connection, header, LlmHeader::NO_ENGINE);
        return;
    }
    const std::string problem = CheckStep(header);
    if (!problem.empty())
    {
        NS_LOG_WARN("request " << header.m_requestId << ": " << problem);
        Refuse(connection, header, LlmHeader::BAD_SPLIT_STEP);
        return;
    }
    const ModelSpec& model = engine->GetCostModel()->GetModel();
    const Time arrived = Simulator::Now();
    LlmHeader answer = header;
    answer.m_payloadBytes =
        SplitCosts::BoundaryBytes(model,
                                  header.m_lastUnit + 1,
                                  header.m_step == 0 ? header.m_promptTokens : 1);
    const LayerRange layers = SplitCosts::UnitLayers(model, header.m_firstUnit, header.m_lastUnit);
    if (layers.Blocks() == 0 && !layers.head)
    {
        Finish(connection, answer, arrived); // the embedding alone: a lookup, no compute
        return;
    }
    InferenceJob job;
    job.requestId = header.m_requestId;
    job.origin = header.m_origin;
    job.kind = "split-server";
    job.layers = layers;
    if (header.m_step == 0)
    {
        job.promptTokens = header.m_promptTokens;
    }
    else
    {
        job.contextTokens = header.m_promptTokens + header.m_step - 1;
        job.outputTokens = 1;
    }
    // The engine calls back later: hold the application until then.
    Ptr<SplitServer> self(this);
    job.onCompleted = Callback<void, const InferenceJob&>(
        [self, connection, answer, arrived](const InferenceJob&) {
            self->Finish(connection, answer, arrived);
        });
    job.onDropped = Callback<void, const InferenceJob&, const std::string&>(
        [self, connection, header](const InferenceJob&, const std::string& reason) {
            self->Refuse(connection, header, LlmHeader::ReasonFromName(reason));
        });
    engine->Submit(job);
}

void
SplitServer::Finish(Ptr<LlmConnection> connection, LlmHeader answer, Time arrived)
{
    const double micros = (Simulator::Now() - arrived).GetMicroSeconds();
    answer.m_residenceMicros = static_cast<uint32_t>(std::min(micros, 4294967295.0));
    ++m_served;
    Answer(connection, answer);
}

void
SplitServer::Refuse(Ptr<LlmConnection> connection, const LlmHeader& step, uint8_t reason)
{
    LlmHeader error = step;
    error.m_type = LlmHeader::ERROR;
    error.m_reason = reason;
    error.m_payloadBytes = 0;
    Answer(connection, error);
}

void
SplitServer::Answer(Ptr<LlmConnection> connection, const LlmHeader& answer)
{
    if (!connection->IsOpen())
    {
        return; // the client gave up or the connection broke
    }
    m_answerTrace(answer);
    connection->Send(answer);
}

} // namespace ns3
