-- Wireshark/tshark dissectors for edge-llm messages:
--   edgellm: LLM messages (ns3::LlmHeader, 32 bytes, network order, 44 for split-hidden
--     messages, followed by `payload length` zero bytes), reassembled across TCP segments;
--     TCP ports 8000, 8100 and 8200.
--   edgellm_gossip: gossip membership messages (ns3::GossipHeader, one per UDP datagram:
--     14 bytes and 12 per entry, network order); UDP port 9100.
--   edgellm_load: experts' load reports to the router (ns3::LoadReportHeader, 16 bytes, one
--     per UDP datagram); UDP port 8001.
--
--   tshark -X lua_script:tools/edge-llm.lua -r edge-llm-out/edge-llm-wifi-star/wired-9-0.pcap -Y edgellm
--   tshark -X lua_script:tools/edge-llm.lua -r capture.pcap -Y edgellm_gossip
--   wireshark -X lua_script:tools/edge-llm.lua wired-9-0.pcap
--
-- Registered on TCP ports 8000 (LlmServer's default Port), 8100 (MoaAgent's) and 8200 (SplitServer's), and UDP port 9100 (PeerSampler's
-- default Port); for other ports use "Decode As..." in Wireshark or
-- `-d tcp.port==PORT,edgellm` / `-d udp.port==PORT,edgellm_gossip` in tshark.
-- Keep in step with model/wire/llm-header.{h,cc} and model/wire/gossip-header.{h,cc}.

local edgellm = Proto("edgellm", "edge-llm message")

local TYPES = {
    [1] = "request",
    [2] = "first-chunk",
    [3] = "final-chunk",
    [4] = "error",
    [5] = "split-hidden",
}
local SPLIT_HIDDEN = 5
local SPLIT_EXTENSION_BYTES = 12
local REASONS = {
    [0] = "none",
    [1] = "queue-full",
    [2] = "context-too-long",
    [3] = "empty-job",
    [4] = "no-engine",
    [5] = "server-error",
    [6] = "kv-cache-too-small",
    [7] = "over-token-budget",
    [8] = "bad-split-step",
    [9] = "gateway-full",
    [10] = "expert-timeout",
    [11] = "expert-unreachable",
}
local MAGIC = 0xED11
local HEADER_BYTES = 32

local f = edgellm.fields
f.magic = ProtoField.uint16("edgellm.magic", "Magic", base.HEX)
f.version = ProtoField.uint8("edgellm.version", "Version")
f.type = ProtoField.uint8("edgellm.type", "Type", base.DEC, TYPES)
f.reason = ProtoField.uint8("edgellm.reason", "Reason", base.DEC, REASONS)
f.prompt_class = ProtoField.uint8("edgellm.prompt_class", "Prompt class (expert router)")
f.layer = ProtoField.uint16("edgellm.layer", "Layer")
f.request = ProtoField.uint64("edgellm.request_id", "Request id")
f.origin = ProtoField.uint32("edgellm.origin", "Origin node")
f.prompt = ProtoField.uint32("edgellm.prompt_tokens", "Prompt tokens")
f.output = ProtoField.uint32("edgellm.output_tokens", "Output tokens")
f.payload_len = ProtoField.uint32("edgellm.payload_length", "Payload length")
f.payload = ProtoField.bytes("edgellm.payload", "Payload (zero-filled)")
f.step = ProtoField.uint32("edgellm.split.step", "Step (0 prefill, k decode step k)")
f.first_unit = ProtoField.uint16("edgellm.split.first_unit", "First unit (0 embedding, L+1 head)")
f.last_unit = ProtoField.uint16("edgellm.split.last_unit", "Last unit")
f.residence = ProtoField.uint32("edgellm.split.residence_us", "Residence (us)")

-- Returns the bytes of one message at `offset`, 0 if it is not an edge-llm message, or a
-- negative count of the bytes still missing (nil when not even the header is complete).
local function dissect_one(tvb, pinfo, tree, offset)
    local available = tvb:len() - offset
    if available < HEADER_BYTES then
        return nil
    end
    if tvb(offset, 2):uint() ~= MAGIC then
        return 0
    end
    local message_type = tvb(offset + 3, 1):uint()
    local header_bytes = HEADER_BYTES
    if message_type == SPLIT_HIDDEN then
        header_bytes = HEADER_BYTES + SPLIT_EXTENSION_BYTES
    end
    local payload = tvb(offset + 28, 4):uint()
    local total = header_bytes + payload
    if available < total then
        return available - total
    end
    local id = tvb(offset + 8, 8):uint64()
    local item = tree:add(edgellm, tvb(offset, total))
    item:append_text(string.format(", %s, id %s", TYPES[message_type] or "unknown", tostring(id)))
    item:add(f.magic, tvb(offset, 2))
    item:add(f.version, tvb(offset + 2, 1))
    item:add(f.type, tvb(offset + 3, 1))
    item:add(f.reason, tvb(offset + 4, 1))
    item:add(f.prompt_class, tvb(offset + 5, 1))
    item:add(f.layer, tvb(offset + 6, 2))
    item:add(f.request, tvb(offset + 8, 8))
    item:add(f.origin, tvb(offset + 16, 4))
    item:add(f.prompt, tvb(offset + 20, 4))
    item:add(f.output, tvb(offset + 24, 4))
    item:add(f.payload_len, tvb(offset + 28, 4))
    if message_type == SPLIT_HIDDEN then
        item:add(f.step, tvb(offset + 32, 4))
        item:add(f.first_unit, tvb(offset + 36, 2))
        item:add(f.last_unit, tvb(offset + 38, 2))
        item:add(f.residence, tvb(offset + 40, 4))
        item:append_text(string.format(", step %d, units %d-%d", tvb(offset + 32, 4):uint(),
            tvb(offset + 36, 2):uint(), tvb(offset + 38, 2):uint()))
    end
    if payload > 0 then
        item:add(f.payload, tvb(offset + header_bytes, payload))
    end
    pinfo.cols.protocol = "EDGE-LLM"
    pinfo.cols.info:append(string.format(" [%s id=%s]", TYPES[message_type] or "?", tostring(id)))
    return total
end

function edgellm.dissector(tvb, pinfo, tree)
    local offset = 0
    while offset < tvb:len() do
        local used = dissect_one(tvb, pinfo, tree, offset)
        if used == nil then
            pinfo.desegment_offset = offset
            pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
            return tvb:len()
        elseif used == 0 then
            return offset -- not edge-llm bytes
        elseif used < 0 then
            pinfo.desegment_offset = offset
            pinfo.desegment_len = -used
            return tvb:len()
        end
        offset = offset + used
    end
    return offset
end

DissectorTable.get("tcp.port"):add(8000, edgellm)
DissectorTable.get("tcp.port"):add(8100, edgellm) -- MoaAgent's default Port
DissectorTable.get("tcp.port"):add(8200, edgellm) -- SplitServer's default Port

-- Gossip membership (ns3::GossipHeader) ----------------------------------------------------

local gossip = Proto("edgellm_gossip", "edge-llm gossip message")

local GOSSIP_TYPES = { [1] = "shuffle-request", [2] = "shuffle-reply" }
local GOSSIP_MAGIC = 0xED12
local GOSSIP_FIXED_BYTES = 14
local GOSSIP_ENTRY_BYTES = 12
local GOSSIP_MAX_ENTRIES = 64

local g = gossip.fields
g.magic = ProtoField.uint16("edgellm_gossip.magic", "Magic", base.HEX)
g.version = ProtoField.uint8("edgellm_gossip.version", "Version")
g.type = ProtoField.uint8("edgellm_gossip.type", "Type", base.DEC, GOSSIP_TYPES)
g.sender = ProtoField.uint32("edgellm_gossip.sender", "Sender node")
g.sequence = ProtoField.uint32("edgellm_gossip.sequence", "Shuffle sequence")
g.count = ProtoField.uint16("edgellm_gossip.count", "Entry count")
g.entry = ProtoField.none("edgellm_gossip.entry", "Entry")
g.node = ProtoField.uint32("edgellm_gossip.node", "Node")
g.address = ProtoField.ipv4("edgellm_gossip.address", "Address")
g.age = ProtoField.uint16("edgellm_gossip.age", "Age (periods)")
g.queue = ProtoField.uint16("edgellm_gossip.queue_length", "Queue length")
g.malformed = ProtoField.string("edgellm_gossip.malformed", "Malformed")

function gossip.dissector(tvb, pinfo, tree)
    local length = tvb:len()
    if length < GOSSIP_FIXED_BYTES or tvb(0, 2):uint() ~= GOSSIP_MAGIC then
        return 0 -- not a gossip message
    end
    local message_type = tvb(3, 1):uint()
    local sender = tvb(4, 4):uint()
    local count = tvb(12, 2):uint()
    local item = tree:add(gossip, tvb(0, length))
    item:append_text(string.format(", %s from node %d, %d entries",
        GOSSIP_TYPES[message_type] or "unknown", sender, count))
    item:add(g.magic, tvb(0, 2))
    item:add(g.version, tvb(2, 1))
    item:add(g.type, tvb(3, 1))
    item:add(g.sender, tvb(4, 4))
    item:add(g.sequence, tvb(8, 4))
    item:add(g.count, tvb(12, 2))
    local problem = nil
    if count > GOSSIP_MAX_ENTRIES then
        problem = string.format("entry count %d exceeds %d", count, GOSSIP_MAX_ENTRIES)
        count = 0
    end
    local present = math.floor((length - GOSSIP_FIXED_BYTES) / GOSSIP_ENTRY_BYTES)
    if present < count then
        problem = string.format("truncated: %d entries announced, %d present", count, present)
        count = present
    end
    for i = 0, count - 1 do
        local at = GOSSIP_FIXED_BYTES + i * GOSSIP_ENTRY_BYTES
        local entry = item:add(g.entry, tvb(at, GOSSIP_ENTRY_BYTES))
        entry:append_text(string.format(" %d: node %d, age %d, queue %d", i,
            tvb(at, 4):uint(), tvb(at + 8, 2):uint(), tvb(at + 10, 2):uint()))
        entry:add(g.node, tvb(at, 4))
        entry:add(g.address, tvb(at + 4, 4))
        entry:add(g.age, tvb(at + 8, 2))
        entry:add(g.queue, tvb(at + 10, 2))
    end
    local used = GOSSIP_FIXED_BYTES + count * GOSSIP_ENTRY_BYTES
    if problem == nil and used < length then
        problem = string.format("%d trailing bytes", length - used)
    end
    if problem ~= nil then
        item:add(g.malformed, problem)
    end
    pinfo.cols.protocol = "EDGE-LLM-GOSSIP"
    pinfo.cols.info:set(string.format("%s seq=%d from node %d, %d entries%s",
        GOSSIP_TYPES[message_type] or "unknown", tvb(8, 4):uint(), sender, count,
        problem and (" [malformed: " .. problem .. "]") or ""))
    return length
end

DissectorTable.get("udp.port"):add(9100, gossip)

-- Load reports (ns3::LoadReportHeader) ----------------------------------------------------

local load = Proto("edgellm_load", "edge-llm expert load report")

local LOAD_MAGIC = 0xED13
local LOAD_BYTES = 16

local l = load.fields
l.magic = ProtoField.uint16("edgellm_load.magic", "Magic", base.HEX)
l.version = ProtoField.uint8("edgellm_load.version", "Version")
l.reserved = ProtoField.uint8("edgellm_load.reserved", "Reserved")
l.node = ProtoField.uint32("edgellm_load.node", "Expert node")
l.waiting = ProtoField.uint32("edgellm_load.waiting", "Jobs waiting")
l.running = ProtoField.uint32("edgellm_load.running", "Jobs running")

function load.dissector(tvb, pinfo, tree)
    if tvb:len() < LOAD_BYTES or tvb(0, 2):uint() ~= LOAD_MAGIC then
        return 0 -- not a load report
    end
    local item = tree:add(load, tvb(0, LOAD_BYTES))
    item:add(l.magic, tvb(0, 2))
    item:add(l.version, tvb(2, 1))
    item:add(l.reserved, tvb(3, 1))
    item:add(l.node, tvb(4, 4))
    item:add(l.waiting, tvb(8, 4))
    item:add(l.running, tvb(12, 4))
    pinfo.cols.protocol = "EDGE-LLM-LOAD"
    pinfo.cols.info:set(string.format("node %d: %d waiting, %d running", tvb(4, 4):uint(),
        tvb(8, 4):uint(), tvb(12, 4):uint()))
    return LOAD_BYTES
end

DissectorTable.get("udp.port"):add(8001, load)
