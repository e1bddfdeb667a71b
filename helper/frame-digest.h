/*
 * FrameDigest: a fingerprint of every frame every device sent and received, by time and length.
 */
#ifndef EDGE_LLM_FRAME_DIGEST_H
#define EDGE_LLM_FRAME_DIGEST_H

#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/simple-ref-count.h"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief Hashes, per device, the time (ns) and length of each frame it sends and receives,
 * where ns-3's pcap writers see them: a Wi-Fi PHY's monitor sniffers (every MPDU sent, and
 * every one received, also those for other stations), a point-to-point or CSMA device's
 * promiscuous sniffer. Two runs with equal digests wrote pcaps whose frames match in time
 * and length, device by device. Other devices (loopback) are not watched.
 */
class FrameDigest : public SimpleRefCount<FrameDigest>
{
  public:
    /// Watches every device of `nodes`, numbered in node and device order.
    void Attach(const NodeContainer& nodes);
    /// Also keeps every frame (device, direction, time, length) for Describe's first difference.
    void SetKeepFrames(bool keep);

    uint64_t GetFrames() const; //!< frames seen over all devices
    uint64_t GetHash() const;   //!< over all devices' hashes

    /// Per device: frames and hash, one line each (what Read reads back).
    void Write(std::ostream& out) const;
    static FrameDigest Read(std::istream& in);

    /// Empty if equal; otherwise the first device that differs (and, if both kept their
    /// frames, the first frame that differs).
    std::string Compare(const FrameDigest& other) const;

  private:
    struct Device
    {
        std::string name; //!< node/device and kind
        uint64_t frames{0};
        uint64_t hash{14695981039346656037ULL}; //!< FNV-1a offset basis
    };

    struct Frame
    {
        uint32_t device;
        bool sent;
        int64_t at;
        uint32_t length;
    };

    void Add(uint32_t device, bool sent, uint32_t length);

    std::vector<Device> m_devices;
    bool m_keep{false};
    std::vector<Frame> m_frames;
};

} // namespace ns3

#endif // EDGE_LLM_FRAME_DIGEST_H
