namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Hubble's <c>DropReason</c> names (flow.proto) that a flow check may name in <c>dropReason</c>, as
/// <c>hubble observe --drop-reason-desc</c> takes them. Labs mostly need POLICY_DENIED (133, no allow rule)
/// and POLICY_DENY (181, an explicit deny rule).
/// </summary>
public static class DropReasonNames
{
    public static readonly IReadOnlyList<string> All =
    [
        "POLICY_DENIED",
        "POLICY_DENY",
        "INVALID_SOURCE_IP",
        "INVALID_PACKET_DROPPED",
        "CT_TRUNCATED_OR_INVALID_HEADER",
        "CT_MISSING_TCP_ACK_FLAG",
        "CT_UNKNOWN_L4_PROTOCOL",
        "UNSUPPORTED_L3_PROTOCOL",
        "MISSED_TAIL_CALL",
        "ERROR_WRITING_TO_PACKET",
        "UNKNOWN_L4_PROTOCOL",
        "UNKNOWN_L3_TARGET_ADDRESS",
        "STALE_OR_UNROUTABLE_IP",
        "CT_MAP_INSERTION_FAILED",
        "IP_FRAGMENTATION_NOT_SUPPORTED",
        "SERVICE_BACKEND_NOT_FOUND",
        "UNKNOWN_CONNECTION_TRACKING_STATE",
        "INVALID_IDENTITY",
        "UNKNOWN_SENDER",
        "AUTH_REQUIRED",
        "TTL_EXCEEDED",
        "DROP_RATE_LIMITED",
        "DROP_HOST_NOT_READY",
        "DROP_EP_NOT_READY",
    ];
}
