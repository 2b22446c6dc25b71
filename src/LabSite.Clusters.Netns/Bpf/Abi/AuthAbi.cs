using System.Net;
using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Abi;

// Mirrors of the mutual-authentication structs in bpf/include/labsite_abi.h (Cilium's bpf/lib/auth.h).

/// <summary><c>struct auth_key</c>: one authenticated pair in ls_auth (Cilium's cilium_auth_map key).</summary>
[CStruct("auth_key")]
[StructLayout(LayoutKind.Sequential)]
public struct AuthKeyAbi
{
    [CField("local_sec_label")] public uint LocalIdentity;
    [CField("remote_sec_label")] public uint RemoteIdentity;
    [CField("remote_node_id")] public ushort RemoteNodeId;
    [CField("auth_type")] public byte AuthType;
    [CField("pad")] public byte Pad;

    public AuthKeyAbi(uint local, uint remote, ushort remoteNodeId, byte authType)
    {
        LocalIdentity = local;
        RemoteIdentity = remote;
        RemoteNodeId = remoteNodeId;
        AuthType = authType;
    }

    public override readonly string ToString() => $"{{local {LocalIdentity}, remote {RemoteIdentity}, node {RemoteNodeId}, type {AuthType}}}";
}

/// <summary><c>struct auth_info</c>: when the pair's authentication expires, in seconds of CLOCK_MONOTONIC.</summary>
[CStruct("auth_info")]
[StructLayout(LayoutKind.Sequential)]
public struct AuthInfoAbi
{
    [CField("expiration")] public ulong Expiration;
}

/// <summary><c>struct node_id_key</c>: a node's underlay address (ls_node).</summary>
[CStruct("node_id_key")]
[StructLayout(LayoutKind.Sequential)]
public struct NodeIdKeyAbi
{
    [CField("ip4")] public uint Ip4NetworkOrder;

    public NodeIdKeyAbi(IPAddress ip) => Ip4NetworkOrder = NetworkOrder.FromAddress(ip);
}

/// <summary><c>struct node_id_value</c>: the node's id, the remote_node_id of auth entries for peers there.</summary>
[CStruct("node_id_value")]
[StructLayout(LayoutKind.Sequential)]
public struct NodeIdValueAbi
{
    [CField("id")] public ushort Id;
    [CField("pad")] public ushort Pad;
}

/// <summary><c>struct auth_signal</c>: a record of ls_signals, the datapath asking the agent to authenticate a pair.</summary>
[CStruct("auth_signal")]
[StructLayout(LayoutKind.Sequential)]
public struct AuthSignalAbi
{
    /// <summary>SIGNAL_AUTH_REQUIRED, Cilium's number.</summary>
    public const uint AuthRequired = 2;

    [CField("signal_nr")] public uint SignalNumber;
    [CField("key")] public AuthKeyAbi Key;
    [CField("local_node")] public uint LocalNodeNetworkOrder;
}
