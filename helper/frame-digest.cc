#include "frame-digest.h"

#include "ns3/csma-net-device.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/simulator.h"
#include "ns3/wifi-net-device.h"
#include "ns3/wifi-phy.h"

#include <istream>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace ns3
{

namespace
{

uint64_t
Mix(uint64_t hash, uint64_t value)
{
    // FNV-1a over the value's 8 bytes.
    for (int i = 0; i < 8; ++i)
    {
        hash ^= (value >> (8 * i)) & 0xff;
        hash *= 1099511628211ULL;
    }
    return hash;
}

} // namespace

void
FrameDigest::Attach(const NodeContainer& nodes)
{
    for (auto n = nodes.Begin(); n != nodes.End(); ++n)
    {
        for (uint32_t d = 0; d < (*n)->GetNDevices(); ++d)
        {
            Ptr<NetDevice> device = (*n)->GetDevice(d);
            const uint32_t index = m_devices.size();
            const std::string name = std::to_string((*n)->GetId()) + "/" + std::to_string(d) + " ";
            if (Ptr<WifiNetDevice> wifi = DynamicCast<WifiNetDevice>(device))
            {
                m_devices.push_back({name + "wifi"});
                wifi->GetPhy()->TraceConnectWithoutContext(
                    "MonitorSnifferTx",
                    Callback<void, Ptr<const Packet>, uint16_t, WifiTxVector, MpduInfo, uint16_t>(
                        [this,
                         index](Ptr<const Packet> p, uint16_t, WifiTxVector, MpduInfo, uint16_t) {
                            Add(index, true, p->GetSize());
                        }));
                wifi->GetPhy()->TraceConnectWithoutContext(
                    "MonitorSnifferRx",
                    Callback<void,
                             Ptr<const Packet>,
                             uint16_t,
                             WifiTxVector,
                             MpduInfo,
                             SignalNoiseDbm,
                             uint16_t>(
                        [this, index](Ptr<const Packet> p,
                                      uint16_t,
                                      WifiTxVector,
                                      MpduInfo,
                                      SignalNoiseDbm,
                                      uint16_t) { Add(index, false, p->GetSize()); }));
            }
            else if (DynamicCast<PointToPointNetDevice>(device) ||
                     DynamicCast<CsmaNetDevice>(device))
            {
                m_devices.push_back({name + "wired"});
                // The promiscuous sniffer sees frames both ways, as the pcap writer does.
                device->TraceConnectWithoutContext(
                    "PromiscSniffer",
                    Callback<void, Ptr<const Packet>>(
                        [this, index](Ptr<const Packet> p) { Add(index, true, p->GetSize()); }));
            }
        }
    }
}

void
FrameDigest::SetKeepFrames(bool keep)
{
    m_keep = keep;
}

void
FrameDigest::Add(uint32_t device, bool sent, uint32_t length)
{
    const int64_t at = Simulator::Now().GetTimeStep();
    Device& d = m_devices[device];
    ++d.frames;
    d.hash = Mix(Mix(Mix(d.hash, static_cast<uint64_t>(at)), length), sent ? 1 : 0);
    if (m_keep)
    {
        m_frames.push_back({device, sent, at, length});
    }
}

uint64_t
FrameDigest::GetFrames() const
{
    uint64_t frames = 0;
    for (const Device& d : m_devices)
    {
        frames += d.frames;
    }
    return frames;
}

uint64_t
FrameDigest::GetHash() const
{
    uint64_t hash = 14695981039346656037ULL;
    for (const Device& d : m_devices)
    {
        hash = Mix(Mix(hash, d.frames), d.hash);
    }
    return hash;
}

void
FrameDigest::Write(std::ostream& out) const
{
    for (const Device& d : m_devices)
    {
        out << d.name << ' ' << d.frames << ' ' << d.hash << '\n';
    }
}

FrameDigest
FrameDigest::Read(std::istream& in)
{
    FrameDigest digest;
    std::string line;
    while (std::getline(in, line))
    {
        std::istringstream fields(line);
        Device d;
        std::string where;
        std::string kind;
        if (!(fields >> where >> kind >> d.frames >> d.hash))
        {
            throw std::runtime_error("frame digest: cannot read '" + line + "'");
        }
        d.name = where + " " + kind;
        digest.m_devices.push_back(d);
    }
    return digest;
}

std::string
FrameDigest::Compare(const FrameDigest& other) const
{
    if (m_devices.size() != other.m_devices.size())
    {
        return std::to_string(m_devices.size()) + " devices against " +
               std::to_string(other.m_devices.size());
    }
    for (size_t i = 0; i < m_devices.size(); ++i)
    {
        const Device& a = m_devices[i];
        const Device& b = other.m_devices[i];
        if (a.name == b.name && a.frames == b.frames && a.hash == b.hash)
        {
            continue;
        }
        std::ostringstream os;
        os << "device " << a.name << ": " << a.frames << " frames against " << b.frames << " ("
           << b.name << ")";
        if (m_keep && other.m_keep)
        {
            // The first frame of this device that differs.
            std::vector<Frame> mine;
            std::vector<Frame> theirs;
            for (const Frame& f : m_frames)
            {
                if (f.device == i)
                {
                    mine.push_back(f);
                }
            }
            for (const Frame& f : other.m_frames)
            {
                if (f.device == i)
                {
                    theirs.push_back(f);
                }
            }
            for (size_t k = 0; k < std::max(mine.size(), theirs.size()); ++k)
            {
                auto show = [](const std::vector<Frame>& v, size_t k) {
                    if (k >= v.size())
                    {
                        return std::string("none");
                    }
                    return std::string(v[k].sent ? "sent " : "received ") +
                           std::to_string(v[k].length) + " B at " + std::to_string(v[k].at) + " ns";
                };
                if (k >= mine.size() || k >= theirs.size() || mine[k].at != theirs[k].at ||
                    mine[k].length != theirs[k].length || mine[k].sent != theirs[k].sent)
                {
                    os << "; frame " << k << ": " << show(mine, k) << " against "
                       << show(theirs, k);
                    break;
                }
            }
        }
        return os.str();
    }
    return "";
}

} // namespace ns3
