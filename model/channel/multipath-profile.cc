#include "multipath-profile.h"

#include <cmath>
#include <stdexcept>

namespace ns3
{

MultipathProfile
MultipathProfile::Get(const std::string& name)
{
    // 3GPP TS 36.104 V8.x Annex B.2, Tables B.2-2 (EPA), B.2-3 (EVA) and B.2-4 (ETU).
    if (name == "epa")
    {
        return {name, {0, 30, 70, 90, 110, 190, 410}, {0.0, -1.0, -2.0, -3.0, -8.0, -17.2, -20.8}};
    }
    if (name == "eva")
    {
        return {name,
                {0, 30, 150, 310, 370, 710, 1090, 1730, 2510},
                {0.0, -1.5, -1.4, -3.6, -0.6, -9.1, -7.0, -12.0, -16.9}};
    }
    if (name == "etu")
    {
        return {name,
                {0, 50, 120, 200, 230, 500, 1600, 2300, 5000},
                {-1.0, -1.0, -1.0, 0.0, 0.0, 0.0, -3.0, -5.0, -7.0}};
    }
    throw std::invalid_argument("unknown multipath profile '" + name + "'; accepted: " + List());
}

std::string
MultipathProfile::List()
{
    return "epa, eva, etu";
}

std::vector<double>
MultipathProfile::NormalisedPowers() const
{
    std::vector<double> linear;
    double total = 0;
    for (double db : powersDb)
    {
        linear.push_back(std::pow(10.0, db / 10));
        total += linear.back();
    }
    for (double& p : linear)
    {
        p /= total;
    }
    return linear;
}

} // namespace ns3
