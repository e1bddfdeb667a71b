/*
 * ExpertChannel: the gateway's one persistent TCP connection to one expert, carrying many
 * requests at once.
 */
#ifndef EDGE_LLM_EXPERT_CHANNEL_H
#define EDGE_LLM_EXPERT_CHANNEL_H

#include "llm-connection.h"
#include "llm-header.h"

#include "ns3/address.h"
#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/simple-ref-count.h"

#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup edge-llm
 * \brief A gateway keeps one TCP connection open to each expert, as a reverse proxy keeps an
 * upstream pool, and sends every request it forwards there over it; answers are matched to
 * requests by request id (LlmRequestServer answers each request on the connection it came
 * on). The connection is opened by the first request and again after it ends.
 *
 * Each request ends once, through the end callback, with an empty reason and the expert's
 * FINAL_CHUNK, or a reason: the expert's (queue-full, ... from its ERROR), timeout (no
 * FINAL_CHUNK within the timeout of Send), unreachable (the connection could not be opened),
 * connection-closed or connection-error (it broke: every request on it ends), or
 * malformed-response. A FIRST_CHUNK fires the first-token callback. After Cancel() nothing
 * fires for that request; the expert still computes it (as it does when a user hangs up), and
 * its answers are dropped.
 *
 * While connected, the socket's callbacks hold this object; Close() and Abandon() release them.
 */
class ExpertChannel : public SimpleRefCount<ExpertChannel>
{
  public:
    typedef Callback<void, uint64_t, const LlmHeader&> FirstTokenCallback;
    /// key, reason (empty: completed), the last answer (type REQUEST if none)
    typedef Callback<void, uint64_t, const std::string&, const LlmHeader&> EndCallback;

    /// `peer` is the expert's InetSocketAddress.
    ExpertChannel(Ptr<Node> node, const Address& peer, Time timeout);
    ~ExpertChannel();

    void SetCallbacks(FirstTokenCallback onFirstToken, EndCallback onEnd);
    /// Sends `request` (a REQUEST) for the caller's `key`; connects first when needed.
    void Send(uint64_t key, const LlmHeader& request);
    /// Forgets the request of `key`: no callback fires for it afterwards.
    void Cancel(uint64_t key);
    /// Ends every open request silently and closes the connection.
    void Close();
    /// The run ends (the owner is being disposed): ends every open request silently and lets
    /// go of the socket and the connection without closing them (see LlmConnection::Abandon).
    void Abandon();

    uint64_t GetOpen() const;        //!< requests sent and not ended
    uint64_t GetConnections() const; //!< TCP connections opened so far

  private:
    struct Open
    {
        uint64_t key;
        LlmHeader request;
        EventId timeout;
        bool sent{false}; //!< handed to the connection (false while connecting)
    };

    void Connect();
    void HandleConnected();
    void HandleMessage(const LlmHeader& answer);
    /// The connection ended or never opened: every open request ends with `reason`.
    void HandleConnectionEnd(const std::string& reason);
    void End(uint64_t requestId, const std::string& reason, const LlmHeader& answer);
    void DropSocket();

    Ptr<Node> m_node;
    Address m_peer;
    Time m_timeout;
    FirstTokenCallback m_onFirstToken;
    EndCallback m_onEnd;
    Ptr<Socket> m_socket;               //!< connecting or connected; null when neither
    Ptr<LlmConnection> m_connection;    //!< once connected
    std::map<uint64_t, Open> m_open;    //!< by request id
    std::map<uint64_t, uint64_t> m_ids; //!< request id by key
    uint64_t m_connections{0};
};

} // namespace ns3

#endif // EDGE_LLM_EXPERT_CHANNEL_H
