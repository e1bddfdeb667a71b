#include "node-mobility-helper.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/mobility-helper.h"
#include "ns3/pointer.h"
#include "ns3/random-variable-stream.h"
#include "ns3/random-walk-2d-mobility-model.h"
#include "ns3/string.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

void
NodeMobilityHelper::Set(const std::string& model, double speedMetresPerSecond, double pauseSeconds)
{
    std::ostringstream error;
    if (model != "static" && model != "random-walk" && model != "random-waypoint")
    {
        error << "unknown mobility model '" << model << "'; accepted: " << List();
    }
    else if (model == "static")
    {
        if (speedMetresPerSecond != 0)
        {
            error << "mobility 'static' takes speed 0 m/s, not " << speedMetresPerSecond;
        }
    }
    else if (!(speedMetresPerSecond > 0) || !std::isfinite(speedMetresPerSecond))
    {
        error << "mobility '" << model << "' needs a finite speed > 0 m/s, not "
              << speedMetresPerSecond;
    }
    if (error.str().empty())
    {
        if (model == "random-waypoint")
        {
            if (!(pauseSeconds >= 0) || !std::isfinite(pauseSeconds))
            {
                error << "mobility '" << model << "' needs a finite pause >= 0 s, not "
                      << pauseSeconds;
            }
        }
        else if (pauseSeconds != 0)
        {
            error << "mobility '" << model << "' takes no pause (only random-waypoint does), not "
                  << pauseSeconds << " s";
        }
    }
    if (!error.str().empty())
    {
        throw std::invalid_argument(error.str());
    }
    m_model = model;
    m_speed = speedMetresPerSecond;
    m_pause = pauseSeconds;
}

std::string
NodeMobilityHelper::List()
{
    return "random-walk, random-waypoint, static";
}

bool
NodeMobilityHelper::IsStatic() const
{
    return m_model == "static";
}

const std::string&
NodeMobilityHelper::GetModel() const
{
    return m_model;
}

double
NodeMobilityHelper::GetSpeed() const
{
    return m_speed;
}

double
NodeMobilityHelper::GetPause() const
{
    return m_pause;
}

int64_t
NodeMobilityHelper::Install(const NodeContainer& nodes,
                            Ptr<PositionAllocator> start,
                            const Rectangle& bounds,
                            double legMetres,
                            double height,
                            int64_t stream) const
{
    MobilityHelper mobility;
    mobility.SetPositionAllocator(start);
    std::ostringstream speed;
    speed << "ns3::ConstantRandomVariable[Constant=" << m_speed << "]";
    if (m_model == "static")
    {
        mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    }
    else if (m_model == "random-walk")
    {
        mobility.SetMobilityModel("ns3::RandomWalk2dMobilityModel",
                                  "Bounds",
                                  RectangleValue(bounds),
                                  "Mode",
                                  EnumValue(RandomWalk2dMobilityModel::MODE_DISTANCE),
                                  "Distance",
                                  DoubleValue(legMetres),
                                  "Speed",
                                  StringValue(speed.str()));
    }
    else
    {
        Ptr<RandomRectanglePositionAllocator> waypoints =
            CreateObject<RandomRectanglePositionAllocator>();
        Ptr<UniformRandomVariable> x = CreateObject<UniformRandomVariable>();
        x->SetAttribute("Min", DoubleValue(bounds.xMin));
        x->SetAttribute("Max", DoubleValue(bounds.xMax));
        Ptr<UniformRandomVariable> y = CreateObject<UniformRandomVariable>();
        y->SetAttribute("Min", DoubleValue(bounds.yMin));
        y->SetAttribute("Max", DoubleValue(bounds.yMax));
        waypoints->SetX(x);
        waypoints->SetY(y);
        waypoints->SetZ(height);
        std::ostringstream pause;
        pause << "ns3::ConstantRandomVariable[Constant=" << m_pause << "]";
        // The mobility models' AssignStreams also fixes the waypoints' streams.
        mobility.SetMobilityModel("ns3::RandomWaypointMobilityModel",
                                  "Speed",
                                  StringValue(speed.str()),
                                  "Pause",
                                  StringValue(pause.str()),
                                  "PositionAllocator",
                                  PointerValue(waypoints));
    }
    mobility.Install(nodes);
    return mobility.AssignStreams(nodes, stream);
}

} // namespace ns3
