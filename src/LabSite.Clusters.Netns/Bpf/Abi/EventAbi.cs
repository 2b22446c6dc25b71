using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Abi;

/// <summary>Event type bytes and codes of bpf/include/labsite_abi.h (Cilium's monitor numbers).</summary>
public static class EventCodes
{
    public const byte Drop = 1;
    public const byte Trace = 4;
    public const byte PolicyVerdict = 5;
    public const byte Version = 1;

    public const byte TraceToLxc = 0;
    public const byte TraceFromLxc = 5;
    public const byte TraceToOverlay = 4;
    public const byte TraceFromOverlay = 9;
    public const byte TraceFromCrypto = 12;
    public const byte TraceToCrypto = 13;

    public const byte FlagIsReplyKnown = 0x1;
    public const byte FlagIsReply = 0x2;

    /// <summary>drop_event.direction when the drop is not a policy decision.</summary>
    public const byte NoDirection = 0xff;
}

/// <summary><c>struct event_hdr</c>: common start of every ring-buffer event.</summary>
[CStruct("event_hdr")]
[StructLayout(LayoutKind.Sequential)]
public struct EventHeaderAbi
{
    [CField("type")] public byte Type;
    [CField("subtype")] public byte Subtype;
    [CField("version")] public byte Version;
    [CField("flags")] public byte Flags;
    [CField("endpoint_id")] public ushort EndpointId;
    [CField("len")] public ushort Length;
    [CField("ifindex")] public uint IfIndex;
    [CField("pkt_len")] public uint PacketLength;
    [CField("ktime_ns")] public ulong KtimeNs;
}

/// <summary><c>struct event_pkt</c>: the packet, parsed in the kernel.</summary>
[CStruct("event_pkt")]
[StructLayout(LayoutKind.Sequential)]
public struct EventPacketAbi
{
    [CField("saddr")] public uint SaddrNetworkOrder;
    [CField("daddr")] public uint DaddrNetworkOrder;
    [CField("sport")] public ushort SportNetworkOrder;
    [CField("dport")] public ushort DportNetworkOrder;
    [CField("protocol")] public byte Protocol;
    [CField("tcp_flags")] public byte TcpFlags;
    [CField("icmp_type")] public byte IcmpType;
    [CField("icmp_code")] public byte IcmpCode;
    [CField("src_identity")] public uint SourceIdentity;
    [CField("dst_identity")] public uint DestinationIdentity;
}

[CStruct("drop_event")]
[StructLayout(LayoutKind.Sequential)]
public struct DropEventAbi
{
    [CField("hdr")] public EventHeaderAbi Header;
    [CField("pkt")] public EventPacketAbi Packet;
    [CField("direction")] public byte Direction;
    [CField("pad")] public Pad7 Pad;
}

[CStruct("trace_event")]
[StructLayout(LayoutKind.Sequential)]
public struct TraceEventAbi
{
    [CField("hdr")] public EventHeaderAbi Header;
    [CField("pkt")] public EventPacketAbi Packet;
    [CField("reason")] public byte Reason;
    [CField("pad")] public Pad7 Pad;
}

[CStruct("policy_verdict_event")]
[StructLayout(LayoutKind.Sequential)]
public struct PolicyVerdictEventAbi
{
    [CField("hdr")] public EventHeaderAbi Header;
    [CField("pkt")] public EventPacketAbi Packet;
    [CField("direction")] public byte Direction;
    [CField("match_type")] public byte MatchType;
    [CField("allowed")] public byte Allowed;
    [CField("drop_reason")] public byte DropReason;
    [CField("proxy_port")] public ushort ProxyPort;
    [CField("auth_type")] public byte AuthType;
    [CField("pad2")] public byte Pad2;
}

/// <summary>Seven padding bytes (C <c>__u8 pad[7]</c>).</summary>
[System.Runtime.CompilerServices.InlineArray(7)]
public struct Pad7
{
    private byte _element0;
}
