#include "lte-cell-helper.h"

#include "lte-fading-trace.h"
#include "number-text.h"
#include "program-options.h"

#include "ns3/config.h"
#include "ns3/constant-position-mobility-model.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/lte-enb-net-device.h"
#include "ns3/lte-enb-phy.h"
#include "ns3/lte-enb-rrc.h"
#include "ns3/lte-ue-net-device.h"
#include "ns3/lte-ue-phy.h"
#include "ns3/mobility-helper.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/propagation-loss-model.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

namespace ns3
{

namespace
{
/// Band 3 (1.8 GHz FDD): downlink EARFCN 1575 (1842.5 MHz), uplink 19575 (1747.5 MHz).
constexpr uint32_t DL_EARFCN = 1575;
constexpr uint32_t UL_EARFCN = 19575;
constexpr uint32_t RESOURCE_BLOCKS = 100;  // 20 MHz
constexpr double UL_CARRIER_HZ = 1747.5e6; // UL_EARFCN's (band 3)
constexpr double ENB_HEIGHT_M = 30;
constexpr double UE_HEIGHT_M = 1.5;
constexpr uint32_t RLC_BUFFER_BYTES = 4 * 1024 * 1024;
/// ns-3's A3RsrpHandoverAlgorithm defaults, set here so that a changed default shows.
constexpr double HYSTERESIS_DB = 3;
constexpr int64_t TIME_TO_TRIGGER_MS = 256;

/// A path-loss model by name: its ns-3 type and the attributes this cell sets on it.
struct PathlossChoice
{
    std::string type;
    std::vector<std::pair<std::string, double>> attributes;
};

PathlossChoice
PathlossOf(const std::string& name)
{
    if (name == "cost231")
    {
        return {"ns3::Cost231PropagationLossModel",
                {{"BSAntennaHeight", ENB_HEIGHT_M}, {"SSAntennaHeight", UE_HEIGHT_M}}};
    }
    if (name == "hybrid-buildings")
    {
        return {"ns3::HybridBuildingsPropagationLossModel", {}};
    }
    if (name == "friis")
    {
        return {"ns3::FriisPropagationLossModel", {}};
    }
    // Exponent 3 from Friis' 37.5 dB at 1 m at 1.8 GHz.
    return {"ns3::LogDistancePropagationLossModel", {{"Exponent", 3}, {"ReferenceLoss", 37.5}}};
}

/// The uplink path loss in dB of a UE `metres` from its eNB (on the ground) under `pathloss`.
double
UplinkLossDb(const PathlossChoice& pathloss, double metres)
{
    ObjectFactory factory(pathloss.type);
    for (const auto& [name, value] : pathloss.attributes)
    {
        factory.Set(name, DoubleValue(value));
    }
    Ptr<PropagationLossModel> model = factory.Create<PropagationLossModel>();
    model->SetAttributeFailSafe("Frequency", DoubleValue(UL_CARRIER_HZ));
    Ptr<MobilityModel> enb = CreateObject<ConstantPositionMobilityModel>();
    enb->SetPosition(Vector(0, 0, ENB_HEIGHT_M));
    Ptr<MobilityModel> ue = CreateObject<ConstantPositionMobilityModel>();
    ue->SetPosition(Vector(metres, 0, UE_HEIGHT_M));
    return -model->CalcRxPower(0, ue, enb);
}

/// The smallest SRS periodicity the eNB accepts that gives every UE a slot.
uint32_t
SrsPeriodicityFor(uint32_t ues)
{
    for (uint32_t p : {2u, 5u, 10u, 20u, 40u, 80u, 160u, 320u})
    {
        if (p >= ues + 1) // the eNB keeps one slot aside
        {
            return p;
        }
    }
    return 320;
}
} // namespace

LteCellHelper::LteCellHelper()
{
    m_sgi.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
    m_sgi.SetDeviceAttribute("Mtu", UintegerValue(1500));
    m_sgi.SetChannelAttribute("Delay", StringValue("1ms"));
}

void
LteCellHelper::SetDistance(double metres)
{
    if (!(metres > 0 && metres <= 100000))
    {
        throw std::invalid_argument("LTE distance " + NumberText(metres) +
                                    " m: accepted (0, 100000] metres");
    }
    m_distance = metres;
}

void
LteCellHelper::SetCells(uint32_t cells, double spacing)
{
    if (cells < 1 || cells > MAX_CELLS)
    {
        throw std::invalid_argument("LTE cells " + std::to_string(cells) + ": accepted 1 to " +
                                    std::to_string(MAX_CELLS));
    }
    if (!(spacing > 0 && spacing <= 100000))
    {
        throw std::invalid_argument("LTE cell spacing " + NumberText(spacing) +
                                    " m: accepted (0, 100000] metres");
    }
    m_cells = cells;
    m_spacing = spacing;
}

uint32_t
LteCellHelper::MaxUes(uint32_t cells)
{
    return cells * (MAX_UES - 1);
}

void
LteCellHelper::SetPropagation(const std::string& name)
{
    if (name != "cost231" && name != "friis" && name != "log-distance" &&
        name != "hybrid-buildings")
    {
        throw std::invalid_argument("unknown LTE propagation '" + name +
                                    "'; accepted: " + PropagationList());
    }
    m_propagation = name;
}

std::string
LteCellHelper::PropagationList()
{
    return "cost231, friis, hybrid-buildings, log-distance";
}

void
LteCellHelper::SetFading(const std::string& name)
{
    if (name != "none")
    {
        try
        {
            LteFadingTrace::Parse(name);
        }
        catch (const std::invalid_argument&)
        {
            throw std::invalid_argument("unknown LTE fading '" + name +
                                        "'; accepted: " + LteFadingTrace::List());
        }
    }
    m_fading = name;
}

void
LteCellHelper::SetMobility(const NodeMobilityHelper& mobility)
{
    m_mobility = mobility;
}

LteCell
LteCellHelper::Install(uint32_t ues, int64_t stream)
{
    if (ues < 1 || ues > MaxUes(m_cells))
    {
        throw std::invalid_argument(
            std::string(m_cells == 1 ? "an LTE cell holds" : "these LTE cells hold") + " 1 to " +
            std::to_string(MaxUes(m_cells)) +
            " UEs (one sounding-reference-signal slot each, 320 per cell, one kept by the "
            "eNB); asked " +
            std::to_string(ues));
    }
    // ns-3.37's LTE does not connect a UE whose link loses more than this (measured), and its
    // proportional-fair scheduler aborts on some far beyond ("No info find in HARQ buffer"):
    // refused here, in one line. (Not checked with hybrid-buildings: its loss needs the
    // buildings.)
    if (m_propagation != "hybrid-buildings")
    {
        const double loss = UplinkLossDb(PathlossOf(m_propagation), m_distance);
        if (loss > MAX_COUPLING_LOSS_DB)
        {
            // The farthest distance within the limit (the loss grows with the distance).
            double near = 1;
            double far = m_distance;
            for (int step = 0; step < 40; ++step)
            {
                const double mid = (near + far) / 2;
                (UplinkLossDb(PathlossOf(m_propagation), mid) > MAX_COUPLING_LOSS_DB ? far : near) =
                    mid;
            }
            const double reach = near;
            throw std::invalid_argument(
                "--distance=" + NumberText(m_distance) + ": a UE there loses " +
                NumberText(std::round(loss * 10) / 10) + " dB to its eNB (path loss " +
                m_propagation + "), more than the " + NumberText(MAX_COUPLING_LOSS_DB) +
                " dB over which an ns-3 LTE cell still connects it; accepted: up to about " +
                NumberText(std::floor(reach)) + " m with this path loss");
        }
    }
    ProgramOptions::SetDefaultUnlessGiven("ns3::LteRlcAm::MaxTxBufferSize",
                                          UintegerValue(RLC_BUFFER_BYTES));
    ProgramOptions::SetDefaultUnlessGiven("ns3::LteRlcUm::MaxTxBufferSize",
                                          UintegerValue(RLC_BUFFER_BYTES));

    const std::string fadingFile = m_fading == "none" ? "" : LteFadingTrace::Find(m_fading);

    LteCell cell;
    cell.lte = CreateObject<LteHelper>();
    cell.epc = CreateObject<PointToPointEpcHelper>();
    cell.lte->SetEpcHelper(cell.epc);
    cell.lte->SetSchedulerType("ns3::PfFfMacScheduler");
    const PathlossChoice pathloss = PathlossOf(m_propagation);
    // LteHelper sets the model's Frequency to each link's carrier; with hybrid-buildings every
    // node needs a MobilityBuildingInfo (BuildingLayout::Equip).
    cell.lte->SetPathlossModelType(TypeId::LookupByName(pathloss.type));
    for (const auto& [name, value] : pathloss.attributes)
    {
        cell.lte->SetPathlossModelAttribute(name, DoubleValue(value));
    }
    if (!fadingFile.empty())
    {
        // One realisation per eNB-UE pair and direction: a random window of the trace,
        // moved every WindowSize.
        cell.lte->SetFadingModel("ns3::TraceFadingLossModel");
        cell.lte->SetFadingModelAttribute("TraceFilename", StringValue(fadingFile));
        cell.lte->SetFadingModelAttribute(
            "TraceLength",
            TimeValue(Seconds(LteFadingTrace::SAMPLES * LteFadingTrace::SAMPLE_SECONDS)));
        cell.lte->SetFadingModelAttribute("SamplesNum", UintegerValue(LteFadingTrace::SAMPLES));
        cell.lte->SetFadingModelAttribute("WindowSize", TimeValue(Seconds(0.5)));
        cell.lte->SetFadingModelAttribute("RbNum", UintegerValue(RESOURCE_BLOCKS));
        // The streams its start offsets may take (ns-3 reserves 200,000 by default).
        cell.lte->SetFadingModelAttribute("RngStreamSetSize", UintegerValue(2 * ues * m_cells));
    }
    if (m_cells > 1)
    {
        // Event A3 (a neighbour's RSRP Hysteresis better than the serving cell's for
        // TimeToTrigger): on one carrier with path loss alone, RSRP ranks cells by distance,
        // independent of load (RSRQ, A2-A4's measure, falls as neighbours get busy).
        cell.lte->SetHandoverAlgorithmType("ns3::A3RsrpHandoverAlgorithm");
        cell.lte->SetHandoverAlgorithmAttribute("Hysteresis", DoubleValue(HYSTERESIS_DB));
        cell.lte->SetHandoverAlgorithmAttribute("TimeToTrigger",
                                                TimeValue(MilliSeconds(TIME_TO_TRIGGER_MS)));
    }
    // A macro sector antenna's gain (15 dBi), pointed everywhere: ns-3's default isotropic
    // 0 dBi antenna leaves UEs 200 m away a couple of megabits per second uplink.
    cell.lte->SetEnbAntennaModelType("ns3::IsotropicAntennaModel");
    cell.lte->SetEnbAntennaModelAttribute("Gain", DoubleValue(15));
    cell.lte->SetEnbDeviceAttribute("DlEarfcn", UintegerValue(DL_EARFCN));
    cell.lte->SetEnbDeviceAttribute("UlEarfcn", UintegerValue(UL_EARFCN));
    cell.lte->SetEnbDeviceAttribute("DlBandwidth", UintegerValue(RESOURCE_BLOCKS));
    cell.lte->SetEnbDeviceAttribute("UlBandwidth", UintegerValue(RESOURCE_BLOCKS));
    cell.lte->SetUeDeviceAttribute("DlEarfcn", UintegerValue(DL_EARFCN));

    cell.pgw = cell.epc->GetPgwNode();

    // The edge server behind the PGW (SGi).
    cell.server.Create(1);
    InternetStackHelper internet;
    internet.Install(cell.server);
    cell.sgiDevices = m_sgi.Install(cell.pgw, cell.server.Get(0));
    Ipv4AddressHelper sgiAddresses;
    sgiAddresses.SetBase("1.0.0.0", "255.0.0.0");
    const Ipv4InterfaceContainer sgi = sgiAddresses.Assign(cell.sgiDevices);
    cell.serverAddress = sgi.GetAddress(1);
    Ipv4StaticRoutingHelper routing;
    routing.GetStaticRouting(cell.server.Get(0)->GetObject<Ipv4>())
        ->AddNetworkRouteTo(Ipv4Address("7.0.0.0"), Ipv4Mask("255.0.0.0"), 1);

    // The eNBs on a line, each cell's UEs on a circle around its eNB: UE i in cell i mod K.
    cell.enb.Create(m_cells);
    cell.ues.Create(ues);
    const uint32_t perCell = (ues + m_cells - 1) / m_cells;
    Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
    for (uint32_t c = 0; c < m_cells; ++c)
    {
        positions->Add(Vector(c * m_spacing, 0, ENB_HEIGHT_M));
    }
    MobilityHelper mobility;
    mobility.SetPositionAllocator(positions);
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(cell.enb);
    Ptr<ListPositionAllocator> circle = CreateObject<ListPositionAllocator>();
    for (uint32_t i = 0; i < ues; ++i)
    {
        const double angle = 2 * M_PI * (i / m_cells) / perCell;
        circle->Add(Vector((i % m_cells) * m_spacing + m_distance * std::cos(angle),
                           m_distance * std::sin(angle),
                           UE_HEIGHT_M));
    }
    const double edge = 1.5 * m_distance; // no UE starts on a corner of the bounds
    stream += m_mobility.Install(cell.ues,
                                 circle,
                                 Rectangle(-edge, (m_cells - 1) * m_spacing + edge, -edge, edge),
                                 m_distance,
                                 UE_HEIGHT_M,
                                 stream);

    cell.enbDevice = cell.lte->InstallEnbDevice(cell.enb);
    // Moving UEs may gather in one cell: each eNB keeps a sounding slot for every UE (up to
    // its 319); a target eNB without one refuses the handover, and the UE stays.
    const bool roaming = m_cells > 1 && !m_mobility.IsStatic();
    for (uint32_t c = 0; c < m_cells; ++c)
    {
        // A macro eNB (43 dBm; ns-3's default is 30) and 3GPP power class 3 UEs (23 dBm at
        // most; uplink power control lowers it near the eNB).
        Ptr<LteEnbNetDevice> enb = DynamicCast<LteEnbNetDevice>(cell.enbDevice.Get(c));
        enb->GetPhy()->SetTxPower(43);
        Ptr<LteEnbRrc> rrc = enb->GetRrc();
        const uint32_t inCell = ues / m_cells + (c < ues % m_cells ? 1 : 0);
        rrc->SetAttribute("SrsPeriodicity",
                          UintegerValue(SrsPeriodicityFor(roaming ? ues : inCell)));
        // TCP runs over every bearer: acknowledged mode, as operators configure data bearers.
        rrc->SetAttribute("EpsBearerToRlcMapping", EnumValue(LteEnbRrc::RLC_AM_ALWAYS));
    }
    cell.ueDevices = cell.lte->InstallUeDevice(cell.ues);
    for (uint32_t i = 0; i < ues; ++i)
    {
        DynamicCast<LteUeNetDevice>(cell.ueDevices.Get(i))->GetPhy()->SetTxPower(23);
    }
    internet.Install(cell.ues);
    cell.epc->AssignUeIpv4Address(cell.ueDevices);
    for (uint32_t i = 0; i < ues; ++i)
    {
        routing.GetStaticRouting(cell.ues.Get(i)->GetObject<Ipv4>())
            ->SetDefaultRoute(cell.epc->GetUeDefaultGatewayAddress(), 1);
    }
    // UE i attaches to the eNB of its cell (deterministic, the same as without handover);
    // one that starts nearer another eNB (distance > spacing / 2) is handed over to it.
    for (uint32_t i = 0; i < ues; ++i)
    {
        cell.lte->Attach(cell.ueDevices.Get(i), cell.enbDevice.Get(i % m_cells));
    }
    if (m_cells > 1)
    {
        cell.lte->AddX2Interface(cell.enb);
    }
    cell.handovers = Create<LteHandoverCounter>();
    cell.handovers->Watch(cell.enbDevice);
    NetDeviceContainer all(cell.enbDevice, cell.ueDevices);
    stream += cell.lte->AssignStreams(all, stream);
    return cell;
}

void
LteCellHelper::EnablePcap(const std::string& prefix, const LteCell& cell)
{
    m_sgi.EnablePcap(prefix, cell.sgiDevices);
}

} // namespace ns3
