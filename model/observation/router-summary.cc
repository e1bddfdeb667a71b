#include "run-summary.h"

namespace ns3
{

RouterSummary
RouterSummary::Of(const RequestLog& requests)
{
    RouterSummary s;
    std::vector<double> classifier;
    std::vector<double> gateway;
    for (const auto& [id, row] : requests.GetRows())
    {
        if (row.record.status == "failed" && row.record.reason == "gateway-full")
        {
            ++s.refused;
        }
        if (!row.routed)
        {
            continue;
        }
        ++s.routed;
        s.misrouted += row.routing.misrouted ? 1 : 0;
        ++s.perExpert[row.routing.expert];
        classifier.push_back(row.routing.classifierSeconds);
        gateway.push_back(row.routing.GatewaySeconds());
    }
    s.classifierSeconds = Distribution::Of(classifier);
    s.gatewaySeconds = Distribution::Of(gateway);
    return s;
}

} // namespace ns3
