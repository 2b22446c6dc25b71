namespace LabSite.Sandbox.Netns.Bpf.Abi;

using System.Runtime.InteropServices;

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
