#include "wifi-propagation.h"

#include "ns3/double.h"

#include <cmath>
#include <stdexcept>

namespace ns3
{

void
WifiPropagation::Check(const std::string& name)
{
    if (name != "log-distance" && name != "friis" && name != "log-distance-nakagami" &&
        name != "hybrid-buildings")
    {
        throw std::invalid_argument("unknown Wi-Fi propagation '" + name +
                                    "'; accepted: " + List());
    }
}

std::string
WifiPropagation::List()
{
    return "friis, hybrid-buildings, log-distance, log-distance-nakagami";
}

void
WifiPropagation::Add(YansWifiChannelHelper& channel,
                     const std::string& name,
                     double referenceLossDb)
{
    Check(name);
    // Friis at 1 m is 20 log10(4 pi f / c): the frequency back from the reference loss.
    const double hz = 299792458.0 / (4 * M_PI) * std::pow(10.0, referenceLossDb / 20);
    if (name == "friis")
    {
        channel.AddPropagationLoss("ns3::FriisPropagationLossModel", "Frequency", DoubleValue(hz));
        return;
    }
    if (name == "hybrid-buildings")
    {
        // Its default frequency is 2.16 GHz; its ITU-R models need the band's.
        channel.AddPropagationLoss("ns3::HybridBuildingsPropagationLossModel",
                                   "Frequency",
                                   DoubleValue(hz));
        return;
    }
    // Indoor log-distance loss (exponent 3, e.g. an office).
    channel.AddPropagationLoss("ns3::LogDistancePropagationLossModel",
                               "Exponent",
                               DoubleValue(3.0),
                               "ReferenceLoss",
                               DoubleValue(referenceLossDb));
    if (name == "log-distance-nakagami")
    {
        channel.AddPropagationLoss("ns3::NakagamiPropagationLossModel");
    }
}

} // namespace ns3
