/*
 * WifiPropagation: the path-loss choice every Wi-Fi topology offers.
 */
#ifndef EDGE_LLM_WIFI_PROPAGATION_H
#define EDGE_LLM_WIFI_PROPAGATION_H

#include "ns3/yans-wifi-helper.h"

#include <string>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief The path loss of a Wi-Fi channel, by name: "log-distance" (default: indoor,
 * exponent 3 from the band's 1 m Friis loss), "friis" (free space at the band's frequency)
 * or "log-distance-nakagami" (the same log-distance loss with Nakagami-m fading on top:
 * ns-3's defaults, m = 1.5 up to 80 m, 0.75 beyond, i.e. Rayleigh-like at range) or
 * "hybrid-buildings" (ns-3's HybridBuildingsPropagationLossModel at the band's frequency:
 * ITU-R P.1411 street loss outdoors, plus external wall loss and height gain for nodes in
 * buildings, ITU-R P.1238 inside one; with ns-3's log-normal shadowing per link. Every node
 * needs a MobilityBuildingInfo: BuildingLayout::Equip). Wiring only: the fading's and
 * shadowing's streams are fixed by YansWifiChannelHelper::AssignStreams.
 */
class WifiPropagation
{
  public:
    /// Throws std::invalid_argument naming the bad value and listing the accepted ones.
    static void Check(const std::string& name);
    static std::string List(); //!< "friis, hybrid-buildings, log-distance, ..."
    /// Adds the loss `name` to `channel`; `referenceLossDb` is Friis' loss at 1 m at the
    /// channel's centre frequency (the frequency Friis uses is derived from it).
    static void Add(YansWifiChannelHelper& channel,
                    const std::string& name,
                    double referenceLossDb);
};

} // namespace ns3

#endif // EDGE_LLM_WIFI_PROPAGATION_H
