namespace LabSite.Clusters.Contract.Flows;

// Enums of Hubble's flow.proto with their proto numbers; names print exactly as protojson spells them.

public enum Verdict
{
    VERDICT_UNKNOWN = 0, FORWARDED = 1, DROPPED = 2, ERROR = 3, AUDIT = 4, REDIRECTED = 5, TRACED = 6, TRANSLATED = 7,
}

public enum FlowType { UNKNOWN_TYPE = 0, L3_L4 = 1, L7 = 2, SOCK = 3 }

public enum TrafficDirection { TRAFFIC_DIRECTION_UNKNOWN = 0, INGRESS = 1, EGRESS = 2 }

public enum IPVersion { IP_NOT_USED = 0, IPv4 = 1, IPv6 = 2 }

public enum AuthType { DISABLED = 0, SPIRE = 1, TEST_ALWAYS_FAIL = 2 }

public enum L7FlowType { UNKNOWN_L7_TYPE = 0, REQUEST = 1, RESPONSE = 2, SAMPLE = 3 }

/// <summary>Proto enum; note TO_ENDPOINT is 101 here while the datapath's trace sub_type uses 0.</summary>
public enum TraceObservationPoint
{
    UNKNOWN_POINT = 0, TO_PROXY = 1, TO_HOST = 2, TO_STACK = 3, TO_OVERLAY = 4, TO_ENDPOINT = 101, FROM_ENDPOINT = 5,
    FROM_PROXY = 6, FROM_HOST = 7, FROM_STACK = 8, FROM_OVERLAY = 9, FROM_NETWORK = 10, TO_NETWORK = 11,
    FROM_CRYPTO = 12, TO_CRYPTO = 13,
}

public enum TraceReason
{
    TRACE_REASON_UNKNOWN = 0, NEW = 1, ESTABLISHED = 2, REPLY = 3, RELATED = 4, REOPENED = 5, SRV6_ENCAP = 6, SRV6_DECAP = 7,
}

/// <summary>Monitor event types (<c>event_type.type</c>), pkg/monitor/api/types.go.</summary>
public static class MonitorEventType
{
    public const int Drop = 1;
    public const int Debug = 2;
    public const int Capture = 3;
    public const int Trace = 4;
    public const int PolicyVerdict = 5;
    public const int TraceSock = 7;
    public const int AccessLog = 129;
    public const int Agent = 130;
}

/// <summary>Policy match types (<c>policy_match_type</c>) with the names the compact printer shows.</summary>
public static class PolicyMatchType
{
    public const uint None = 0;
    public const uint L3Only = 1;
    public const uint L3L4 = 2;
    public const uint L4Only = 3;
    public const uint All = 4;
    public const uint L3Proto = 5;
    public const uint ProtoOnly = 6;

    public static string Name(uint value) => value switch
    {
        L3Only => "L3-Only",
        L3L4 => "L3-L4",
        L4Only => "L4-Only",
        All => "all",
        L3Proto => "L3-Proto",
        ProtoOnly => "Proto-Only",
        _ => "none",
    };
}
