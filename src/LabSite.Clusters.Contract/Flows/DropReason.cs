namespace LabSite.Clusters.Contract.Flows;

/// <summary>
/// Drop reasons with Cilium's numbers (bpf/lib/drop_reasons.h, pkg/monitor/api/drop.go; the datapath returns them
/// negated). Append-only: a retired value keeps its number. bpf/include/labsite_abi.h carries the same numbers
/// (checked by DropReasonAbiTests). Names are the flow.proto <c>DropReason</c> names.
/// </summary>
public enum DropReason
{
    DROP_REASON_UNKNOWN = 0,
    INVALID_SOURCE_MAC = 130,
    INVALID_DESTINATION_MAC = 131,
    INVALID_SOURCE_IP = 132,
    POLICY_DENIED = 133,
    INVALID_PACKET_DROPPED = 134,
    CT_TRUNCATED_OR_INVALID_HEADER = 135,
    CT_MISSING_TCP_ACK_FLAG = 136,
    CT_UNKNOWN_L4_PROTOCOL = 137,
    CT_CANNOT_CREATE_ENTRY_FROM_PACKET = 138,
    UNSUPPORTED_L3_PROTOCOL = 139,
    MISSED_TAIL_CALL = 140,
    ERROR_WRITING_TO_PACKET = 141,
    UNKNOWN_L4_PROTOCOL = 142,
    UNKNOWN_ICMPV4_CODE = 143,
    UNKNOWN_ICMPV4_TYPE = 144,
    UNKNOWN_ICMPV6_CODE = 145,
    UNKNOWN_ICMPV6_TYPE = 146,
    UNKNOWN_L3_TARGET_ADDRESS = 150,
    STALE_OR_UNROUTABLE_IP = 151,
    CT_MAP_INSERTION_FAILED = 155,
    IP_FRAGMENTATION_NOT_SUPPORTED = 157,
    SERVICE_BACKEND_NOT_FOUND = 158,
    NO_TUNNEL_OR_ENCAPSULATION_ENDPOINT = 160,
    UNKNOWN_CONNECTION_TRACKING_STATE = 163,
    PROXY_LOOKUP_FAILED = 165,
    INVALID_IDENTITY = 171,
    UNKNOWN_SENDER = 172,
    POLICY_DENY = 181,
    AUTH_REQUIRED = 189,
    TTL_EXCEEDED = 196,
    DROP_RATE_LIMITED = 198,
    DROP_HOST_NOT_READY = 202,
    DROP_EP_NOT_READY = 203,
}

/// <summary>The texts Hubble and <c>cilium-dbg monitor</c> print for drop reasons (the compact printer's TYPE column).</summary>
public static class DropReasonText
{
    private static readonly Dictionary<int, string> s_texts = new()
    {
        [130] = "Invalid source mac",
        [131] = "Invalid destination mac",
        [132] = "Invalid source ip",
        [133] = "Policy denied",
        [134] = "Invalid packet",
        [135] = "CT: Truncated or invalid header",
        [136] = "Fragmentation needed",
        [137] = "CT: Unknown L4 protocol",
        [138] = "CT: Can't create entry from packet",
        [139] = "Unsupported L3 protocol",
        [140] = "Missed tail call",
        [141] = "Error writing to packet",
        [142] = "Unknown L4 protocol",
        [143] = "Unknown ICMPv4 code",
        [144] = "Unknown ICMPv4 type",
        [145] = "Unknown ICMPv6 code",
        [146] = "Unknown ICMPv6 type",
        [150] = "Unknown L3 target address",
        [151] = "Stale or unroutable IP",
        [155] = "CT: Map insertion failed",
        [157] = "IP fragmentation not supported",
        [158] = "Service backend not found",
        [160] = "No tunnel/encapsulation endpoint (datapath BUG!)",
        [163] = "Unknown connection tracking state",
        [165] = "Proxy lookup failed",
        [171] = "Invalid identity",
        [172] = "Unknown sender",
        [181] = "Policy denied by denylist",
        [189] = "Authentication required",
        [196] = "TTL exceeded",
        [198] = "Rate limited",
        [202] = "Host datapath not ready",
        [203] = "Endpoint policy program not available",
    };

    public static string For(int code) => s_texts.TryGetValue(code, out var t) ? t : $"Unknown drop reason {code}";
}
