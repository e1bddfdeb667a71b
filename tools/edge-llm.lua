-- Wireshark/tshark dissector for edge-llm messages (ns3::LlmHeader, 32 bytes, network order,
-- followed by `payload length` zero bytes), reassembled across TCP segments.
--
--   tshark -X lua_script:tools/edge-llm.lua -r edge-llm-out/edge-llm-wifi-star/wired-9-0.pcap -Y edgellm
--   wireshark -X lua_script:tools/edge-llm.lua wired-9-0.pcap
--
-- Registered on TCP port 8000 (LlmServer's default Port); for another port use
-- "Decode As..." in Wireshark or `-d tcp.port==PORT,edgellm` in tshark.
-- Keep in step with model/wire/llm-header.{h,cc}.

local edgellm = Proto("edgellm", "edge-llm message")

local TYPES = { [1] = "request", [2] = "first-chunk", [3] = "final-chunk", [4] = "error" }
local REASONS = {
    [0] = "none",
    [1] = "queue-full",
    [2] = "context-too-long",
    [3] = "empty-job",
    [4] = "no-engine",
    [5] = "server-error",
}
local MAGIC = 0xED11
local HEADER_BYTES = 32

local f = edgellm.fields
f.magic = ProtoField.uint16("edgellm.magic", "Magic", base.HEX)
f.version = ProtoField.uint8("edgellm.version", "Version")
f.type = ProtoField.uint8("edgellm.type", "Type", base.DEC, TYPES)
f.reason = ProtoField.uint8("edgellm.reason", "Reason", base.DEC, REASONS)
f.reserved = ProtoField.uint8("edgellm.reserved", "Reserved")
f.layer = ProtoField.uint16("edgellm.layer", "Layer")
f.request = ProtoField.uint64("edgellm.request_id", "Request id")
f.origin = ProtoField.uint32("edgellm.origin", "Origin node")
f.prompt = ProtoField.uint32("edgellm.prompt_tokens", "Prompt tokens")
f.output = ProtoField.uint32("edgellm.output_tokens", "Output tokens")
f.payload_len = ProtoField.uint32("edgellm.payload_length", "Payload length")
f.payload = ProtoField.bytes("edgellm.payload", "Payload (zero-filled)")

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
    local payload = tvb(offset + 28, 4):uint()
    local total = HEADER_BYTES + payload
    if available < total then
        return available - total
    end
    local message_type = tvb(offset + 3, 1):uint()
    local id = tvb(offset + 8, 8):uint64()
    local item = tree:add(edgellm, tvb(offset, total))
    item:append_text(string.format(", %s, id %s", TYPES[message_type] or "unknown", tostring(id)))
    item:add(f.magic, tvb(offset, 2))
    item:add(f.version, tvb(offset + 2, 1))
    item:add(f.type, tvb(offset + 3, 1))
    item:add(f.reason, tvb(offset + 4, 1))
    item:add(f.reserved, tvb(offset + 5, 1))
    item:add(f.layer, tvb(offset + 6, 2))
    item:add(f.request, tvb(offset + 8, 8))
    item:add(f.origin, tvb(offset + 16, 4))
    item:add(f.prompt, tvb(offset + 20, 4))
    item:add(f.output, tvb(offset + 24, 4))
    item:add(f.payload_len, tvb(offset + 28, 4))
    if payload > 0 then
        item:add(f.payload, tvb(offset + HEADER_BYTES, payload))
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
