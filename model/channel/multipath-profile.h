/*
 * MultipathProfile: the tapped-delay-line channels of 3GPP TS 36.104 Annex B.2 (EPA, EVA, ETU).
 */
#ifndef EDGE_LLM_MULTIPATH_PROFILE_H
#define EDGE_LLM_MULTIPATH_PROFILE_H

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief A multipath channel as a tapped delay line: each tap's excess delay and average power
 * relative to the strongest. The three E-UTRA test channels of 3GPP TS 36.104 Annex B.2
 * (Table B.2-1 to B.2-4): Extended Pedestrian A (7 taps, 410 ns), Extended Vehicular A (9
 * taps, 2.51 us) and Extended Typical Urban (9 taps, 5 us).
 */
struct MultipathProfile
{
    std::string name;             //!< "epa", "eva" or "etu"
    std::vector<double> delaysNs; //!< excess tap delays, nanoseconds
    std::vector<double> powersDb; //!< relative tap powers, dB
    /// The profile by name; throws std::invalid_argument naming it and listing List().
    static MultipathProfile Get(const std::string& name);
    static std::string List(); //!< "epa, eva, etu"
    /// The tap powers as linear fractions summing to 1 (the channel's mean gain is 0 dB).
    std::vector<double> NormalisedPowers() const;
};

} // namespace ns3

#endif // EDGE_LLM_MULTIPATH_PROFILE_H
