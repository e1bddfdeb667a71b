/*
 * RoutingPolicy: which expert serves a classified prompt.
 */
#ifndef EDGE_LLM_ROUTING_POLICY_H
#define EDGE_LLM_ROUTING_POLICY_H

#include "ns3/object.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/// What the gateway knows of one expert when it routes a prompt.
struct ExpertLoad
{
    uint32_t outstanding{0}; //!< requests the gateway forwarded to it that have not ended
    /// Requests the expert last reported holding (waiting plus running); the gateway's view,
    /// as old as its last report.
    uint32_t reported{0};
};

/// One routing decision's input: the class the classifier gave and the experts' loads.
struct RouteQuery
{
    uint32_t classifiedAs{0};        //!< the classifier's class
    uint32_t classExpert{0};         //!< the expert of that class (index into experts)
    std::vector<ExpertLoad> experts; //!< every expert, by index
};

/**
 * \ingroup edge-llm
 * \brief A routing policy of the expert router, chosen by name like a scheduler:
 * ns3::ByClassRoutingPolicy (the Expert Router paper's), ns3::LeastOutstandingRoutingPolicy,
 * ns3::PowerOfTwoRoutingPolicy, ns3::RoundRobinRoutingPolicy, ns3::RandomRoutingPolicy and
 * ns3::OverflowRoutingPolicy (by class, to the least-loaded expert when the class's is
 * saturated). Policies see only what a gateway knows: its own outstanding counts per expert
 * and the loads the experts reported.
 */
class RoutingPolicy : public Object
{
  public:
    static TypeId GetTypeId();

    /// The index of the expert to send the prompt to; `query.experts` is not empty.
    virtual uint32_t Choose(const RouteQuery& query) = 0;
    /// Short name, as ByName accepts it.
    virtual std::string GetName() const = 0;
    /// Assigns fixed streams to the policy's random variables; returns how many were used.
    virtual int64_t AssignStreams(int64_t stream);

    /// A policy by its command-line name: by-class, least-outstanding, power-of-two,
    /// round-robin, random, overflow; throws std::invalid_argument naming the bad name and
    /// listing them.
    static Ptr<RoutingPolicy> ByName(const std::string& name);
    static std::string NameList(); //!< "by-class, least-outstanding, ..."
};

} // namespace ns3

#endif // EDGE_LLM_ROUTING_POLICY_H
