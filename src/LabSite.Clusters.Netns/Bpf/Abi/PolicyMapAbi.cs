using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Abi;

// Mirrors of the policy map structs in bpf/include/labsite_abi.h (Cilium's policy_key / policy_entry).

/// <summary><c>struct policy_key</c>: LPM key of an endpoint's policy map (ls_pol_NNNNN).</summary>
[CStruct("policy_key")]
[StructLayout(LayoutKind.Sequential)]
public struct PolicyKeyAbi
{
    /// <summary>Bits of identity + direction that are always matched before protocol and port.</summary>
    public const uint StaticPrefix = 40;

    [CField("prefixlen")] public uint PrefixLength;
    [CField("sec_label")] public uint SecLabel;
    [CField("egress")] public byte Egress;
    [CField("protocol")] public byte Protocol;
    [CField("dport")] public ushort DportNetworkOrder;

    /// <summary>A key matching identity, direction and the first <paramref name="portPrefixLength"/> bits of protocol+port.</summary>
    public PolicyKeyAbi(uint identity, bool egress, byte protocol, ushort port, byte portPrefixLength)
    {
        PrefixLength = StaticPrefix + portPrefixLength;
        SecLabel = identity;
        Egress = egress ? (byte)1 : (byte)0;
        Protocol = protocol;
        DportNetworkOrder = NetworkOrder.FromPort(port);
    }

    public readonly int Port => NetworkOrder.ToPort(DportNetworkOrder);

    public readonly byte PortPrefixLength => (byte)(PrefixLength - StaticPrefix);

    public override readonly string ToString() =>
        $"{{id {SecLabel}, {(Egress == 1 ? "egress" : "ingress")}, proto {Protocol}, port {Port}/{PortPrefixLength}}}";
}

/// <summary><c>struct policy_entry</c>: flags = deny (bit 0) | proto/port prefix length &lt;&lt; 3.</summary>
[CStruct("policy_entry")]
[StructLayout(LayoutKind.Sequential)]
public struct PolicyEntryAbi
{
    public const byte DenyFlag = 0x1;
    public const int PrefixShift = 3;

    [CField("proxy_port")] public ushort ProxyPortNetworkOrder;
    [CField("flags")] public byte Flags;
    [CField("auth_type")] public byte AuthType;
    [CField("proxy_port_priority")] public byte ProxyPortPriority;
    [CField("pad1")] public byte Pad1;
    [CField("pad2")] public ushort Pad2;

    public PolicyEntryAbi(bool deny, byte portPrefixLength, ushort proxyPort = 0, byte proxyPortPriority = 0)
    {
        Flags = (byte)((deny ? DenyFlag : 0) | (portPrefixLength << PrefixShift));
        ProxyPortNetworkOrder = NetworkOrder.FromPort(proxyPort);
        ProxyPortPriority = proxyPortPriority;
    }

    public readonly bool Deny => (Flags & DenyFlag) != 0;

    public readonly byte PortPrefixLength => (byte)(Flags >> PrefixShift);

    public readonly int ProxyPort => NetworkOrder.ToPort(ProxyPortNetworkOrder);
}

/// <summary>
/// <c>struct policy_stats_key</c>: names the policy entry a packet was counted against in ls_polstats (Cilium's
/// policy_stats_key): endpoint, the entry's protocol/port prefix, identity, direction, protocol and port masked to it.
/// </summary>
[CStruct("policy_stats_key")]
[StructLayout(LayoutKind.Sequential)]
public struct PolicyStatsKeyAbi
{
    [CField("endpoint_id")] public ushort EndpointId;
    [CField("pad1")] public byte Pad1;
    [CField("prefix_len")] public byte PrefixLength;
    [CField("sec_label")] public uint SecLabel;
    [CField("egress")] public byte Egress;
    [CField("protocol")] public byte Protocol;
    [CField("dport")] public ushort DportNetworkOrder;

    /// <summary>The stats key of a policy map entry, masked as the datapath masks it (see policy_account in policy.h).</summary>
    public PolicyStatsKeyAbi(ushort endpointId, in PolicyKeyAbi entry)
    {
        EndpointId = endpointId;
        PrefixLength = entry.PortPrefixLength;
        SecLabel = entry.SecLabel;
        Egress = entry.Egress;
        Protocol = PrefixLength < 8 ? (byte)0 : entry.Protocol;
        var port = PrefixLength <= 8 ? 0 : PrefixLength >= 24 ? entry.Port : entry.Port & (0xffff << (24 - PrefixLength)) & 0xffff;
        DportNetworkOrder = NetworkOrder.FromPort((ushort)port);
    }

    public override readonly string ToString() =>
        $"{{ep {EndpointId}, id {SecLabel}, {(Egress == 1 ? "egress" : "ingress")}, proto {Protocol}, port {NetworkOrder.ToPort(DportNetworkOrder)}/{PrefixLength}}}";
}

/// <summary><c>struct policy_stats_value</c>: one CPU's packet and byte counts for an entry.</summary>
[CStruct("policy_stats_value")]
[StructLayout(LayoutKind.Sequential)]
public struct PolicyStatsValueAbi
{
    [CField("packets")] public ulong Packets;
    [CField("bytes")] public ulong Bytes;
}
