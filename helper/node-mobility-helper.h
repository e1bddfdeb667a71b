/*
 * NodeMobilityHelper: the mobility choice every wireless topology offers its devices.
 */
#ifndef EDGE_LLM_NODE_MOBILITY_HELPER_H
#define EDGE_LLM_NODE_MOBILITY_HELPER_H

#include "ns3/node-container.h"
#include "ns3/position-allocator.h"
#include "ns3/rectangle.h"

#include <string>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Installs one of three mobility models on devices: "static" (default, speed and
 * pause 0), "random-walk" (straight legs of a given length at a constant speed, pause 0,
 * rebounding off the bounds) or "random-waypoint" (to uniform random points of the bounds at
 * a constant speed, pausing at each). Devices start at the positions of the allocator given
 * to Install and keep their height. Wiring only: Install fixes every stream it uses.
 */
class NodeMobilityHelper
{
  public:
    /**
     * Throws std::invalid_argument for another model, a speed that is not > 0 for a moving
     * model (or not 0 for "static"), or a negative or non-finite pause (or one that is not 0
     * for the other models).
     */
    void Set(const std::string& model, double speedMetresPerSecond, double pauseSeconds = 0);
    static std::string List(); //!< "random-walk, random-waypoint, static"
    bool IsStatic() const;
    const std::string& GetModel() const;
    double GetSpeed() const; //!< metres per second
    double GetPause() const; //!< seconds

    /**
     * Installs the model on `nodes`, starting at `start`'s positions, moving inside `bounds`
     * (legs of `legMetres` for random-walk) at height `height`; returns the streams used
     * from `stream`. No start position may be a corner of `bounds`: there ns-3.37's
     * RandomWalk2dMobilityModel rebounds between the two sides forever.
     */
    int64_t Install(const NodeContainer& nodes,
                    Ptr<PositionAllocator> start,
                    const Rectangle& bounds,
                    double legMetres,
                    double height,
                    int64_t stream) const;

  private:
    std::string m_model{"static"};
    double m_speed{0};
    double m_pause{0};
};

} // namespace ns3

#endif // EDGE_LLM_NODE_MOBILITY_HELPER_H
