using System.Net;
using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Abi;

/// <summary><c>struct ipcache_key</c>: LPM key; the prefix counts 32 static bits (cluster, family) + the IP prefix.</summary>
[CStruct("ipcache_key")]
[StructLayout(LayoutKind.Sequential)]
public struct IpcacheKeyAbi
{
    public const uint StaticPrefix = 32;
    public const byte AfInet = 2;

    [CField("prefixlen")] public uint PrefixLength;
    [CField("cluster_id")] public ushort ClusterId;
    [CField("pad1")] public byte Pad1;
    [CField("family")] public byte Family;
    [CField("ip4")] public uint Ip4NetworkOrder;

    public IpcacheKeyAbi(IPNetwork prefix)
    {
        PrefixLength = StaticPrefix + (uint)prefix.PrefixLength;
        Family = AfInet;
        Ip4NetworkOrder = NetworkOrder.FromAddress(prefix.BaseAddress);
    }

    public readonly IPNetwork Prefix => new(NetworkOrder.ToAddress(Ip4NetworkOrder), (int)(PrefixLength - StaticPrefix));

    public override readonly string ToString() => Prefix.ToString();
}

/// <summary><c>struct remote_endpoint_info</c>: the identity of an ipcache prefix, the node (tunnel endpoint) behind it, flags.</summary>
[CStruct("remote_endpoint_info")]
[StructLayout(LayoutKind.Sequential)]
public struct RemoteEndpointInfoAbi
{
    [CField("sec_identity")] public uint SecIdentity;
    [CField("tunnel_endpoint")] public uint TunnelEndpointNetworkOrder;
    [CField("pad")] public ushort Pad;
    [CField("key")] public byte Key;
    [CField("flags")] public byte Flags;

    /// <summary>IPCACHE_F_UNDERLAY: the nodes' underlay, where pods may not send.</summary>
    public const byte UnderlayFlag = 0x1;

    public RemoteEndpointInfoAbi(uint identity, IPAddress? tunnelEndpoint = null, byte flags = 0)
    {
        SecIdentity = identity;
        TunnelEndpointNetworkOrder = tunnelEndpoint is null ? 0 : NetworkOrder.FromAddress(tunnelEndpoint);
        Flags = flags;
    }
}

/// <summary><c>struct endpoint_key</c>: a local pod's IPv4 address (ls_lxc).</summary>
[CStruct("endpoint_key")]
[StructLayout(LayoutKind.Sequential)]
public struct EndpointKeyAbi
{
    [CField("ip4")] public uint Ip4NetworkOrder;
    [CField("family")] public byte Family;
    [CField("key")] public byte Key;
    [CField("cluster_id")] public ushort ClusterId;

    public EndpointKeyAbi(IPAddress ip)
    {
        Ip4NetworkOrder = NetworkOrder.FromAddress(ip);
        Family = IpcacheKeyAbi.AfInet;
    }

    public readonly IPAddress Address => NetworkOrder.ToAddress(Ip4NetworkOrder);

    public override readonly string ToString() => Address.ToString();
}

/// <summary><c>struct endpoint_info</c>: a local pod's veth, endpoint id, identity and enforcement flags.</summary>
[CStruct("endpoint_info")]
[StructLayout(LayoutKind.Sequential)]
public struct EndpointInfoAbi
{
    /// <summary>Send policy-verdict events for ingress / egress (set when that direction is enforced).</summary>
    public const uint IngressEnforced = 0x1;
    public const uint EgressEnforced = 0x2;

    [CField("ifindex")] public uint IfIndex;
    [CField("unused")] public ushort Unused;
    [CField("lxc_id")] public ushort LxcId;
    [CField("flags")] public uint Flags;
    [CField("pad")] public uint Pad;
    [CField("mac")] public ulong Mac;
    [CField("node_mac")] public ulong NodeMac;
    [CField("sec_id")] public uint SecId;
    [CField("parent_ifindex")] public uint ParentIfIndex;
}
