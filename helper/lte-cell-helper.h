/*
 * LteCellHelper: user equipments in one LTE cell, and a server behind the cell's core network.
 */
#ifndef EDGE_LLM_LTE_CELL_HELPER_H
#define EDGE_LLM_LTE_CELL_HELPER_H

#include "lte-handover-counter.h"
#include "node-mobility-helper.h"

#include "ns3/ipv4-address.h"
#include "ns3/lte-helper.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/point-to-point-epc-helper.h"
#include "ns3/point-to-point-helper.h"

#include <string>

namespace ns3
{

/// The nodes, devices and server address of a built LTE cell.
struct LteCell
{
    NodeContainer ues;             //!< user equipments (the clients)
    NodeContainer enb;             //!< the base stations, one per cell
    NodeContainer server;          //!< the edge server behind the PGW
    Ptr<Node> pgw;                 //!< the core network's gateway
    NetDeviceContainer ueDevices;  //!< LTE devices of the UEs
    NetDeviceContainer enbDevice;  //!< LTE devices of the eNBs, in cell order
    NetDeviceContainer sgiDevices; //!< the PGW-server link: PGW side, then server side
    Ipv4Address serverAddress;
    Ptr<LteHelper> lte; //!< kept for its traces (EnableTraces)
    Ptr<PointToPointEpcHelper> epc;
    Ptr<LteHandoverCounter> handovers; //!< the eNBs' handovers (none with one cell)
};

/**
 * \ingroup edge-llm
 * \brief Builds an LTE cell with ns-3's lte module (LENA) and its EPC: one eNB 30 m high,
 * N UEs 1.5 m high evenly on a circle of radius Distance around it, 20 MHz (100 resource
 * blocks) in band 3 (1.8 GHz, FDD), eNB 43 dBm, UEs 23 dBm (3GPP power class 3), COST-231
 * Hata urban path loss, proportional-fair
 * scheduling, RLC acknowledged mode for every bearer (TCP runs over it), ideal RRC; the edge
 * server behind the PGW on a 10 Gb/s, 1 ms point-to-point link (the SGi interface). UEs get
 * 7.0.0.0/8 addresses from the EPC and route through it; the server routes 7.0.0.0/8 to the
 * PGW. Wiring only: every LTE random stream is fixed from the given one.
 *
 * Sets two global defaults when it installs, because RLC entities are made per bearer at
 * attach time: ns3::LteRlcAm::MaxTxBufferSize and ns3::LteRlcUm::MaxTxBufferSize to 4 MiB
 * (ns-3's 10 KiB default drops most of a TCP window at the eNB; real eNBs buffer megabytes).
 */
class LteCellHelper
{
  public:
    LteCellHelper();

    /// UE-to-eNB distance in metres (default 100); throws std::invalid_argument if <= 0.
    void SetDistance(double metres);
    /**
     * Cells (default 1, at most MAX_CELLS): eNBs on a line `spacing` apart on one carrier
     * (reuse 1: neighbours interfere), all on the same EPC. UE i starts in cell i mod K, on a
     * circle of radius distance around its eNB, attached to it. With several cells the eNBs
     * are joined by X2 (every pair) and hand UEs over with ns-3's A3RsrpHandoverAlgorithm
     * (Hysteresis 3 dB, TimeToTrigger 256 ms): a UE that moves into a neighbour's cell
     * follows it. Throws std::invalid_argument out of range.
     */
    void SetCells(uint32_t cells, double spacing = 500);
    static constexpr uint32_t MAX_CELLS = 16;
    /// The most UEs `cells` cells hold (MAX_UES - 1 each).
    static uint32_t MaxUes(uint32_t cells);
    /**
     * Path loss (LteHelper's PathlossModel): "cost231" (default: COST-231 Hata, urban, eNB
     * 30 m and UEs 1.5 m high), "friis" (free space at the carrier), "log-distance"
     * (exponent 3 from Friis' 37.5 dB at 1 m at 1.8 GHz) or "hybrid-buildings" (ns-3's
     * HybridBuildingsPropagationLossModel: see WifiPropagation; every node needs a
     * MobilityBuildingInfo, BuildingLayout::Equip). Throws for another name.
     */
    void SetPropagation(const std::string& name);
    static std::string PropagationList(); //!< "cost231, friis, hybrid-buildings, ..."
    /**
     * Fast fading (LteHelper's FadingModel): "none" (default) or an LteFadingTrace name,
     * "epa-3kmh", "eva-60kmh", "etu-3kmh" (3GPP TS 36.104 channels at a UE speed), played by
     * ns3::TraceFadingLossModel on every eNB-UE link, both ways. Throws
     * std::invalid_argument for a malformed name; Install throws it too if the
     * trace file is not found (LteFadingTrace::Find).
     */
    void SetFading(const std::string& name);
    /// How the UEs move (default static): inside the square of side 3 x Distance around the
    /// eNB, random-walk legs of Distance metres.
    void SetMobility(const NodeMobilityHelper& mobility);

    /**
     * The most UEs one cell holds here: the eNB gives each UE a sounding-reference-signal
     * slot, at most 320 (LteEnbRrc::SrsPeriodicity); ns-3 aborts when they run out.
     */
    static constexpr uint32_t MAX_UES = 320;
    /**
     * The most path loss (dB, uplink, antenna gains apart) over which a UE of this cell
     * connects: measured with cost231 (ns-3's model at the uplink carrier), two UEs connected
     * and were served at 540 m (136.3 dB) and never connected at 570 m (137.1 dB). Install
     * refuses a --distance beyond it, before building anything: ns-3.37 aborts on some such
     * UEs. Moving UEs may still walk out of coverage (their requests then end unfinished).
     */
    static constexpr double MAX_COUPLING_LOSS_DB = 136.7;

    /// Throws std::invalid_argument, before building anything, for 0 or more than MaxUes.
    LteCell Install(uint32_t ues, int64_t stream);
    /// Pcaps of the SGi link (PGW and server sides), named prefix-<node>-<device>.pcap: the
    /// radio's own layers have no pcap in ns-3 (LteHelper::EnableTraces writes their stats).
    void EnablePcap(const std::string& prefix, const LteCell& cell);

  private:
    double m_distance{100};
    uint32_t m_cells{1};
    double m_spacing{500};
    std::string m_propagation{"cost231"};
    std::string m_fading{"none"};
    NodeMobilityHelper m_mobility;
    PointToPointHelper m_sgi;
};

} // namespace ns3

#endif // EDGE_LLM_LTE_CELL_HELPER_H
