using System.Net;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>
/// The mutual-authentication maps of bpf/lib/auth.h: ls_auth (authenticated identity pairs with their expiration),
/// ls_node (node ids by underlay address) and the ls_signals ring the datapath asks for authentication on.
/// </summary>
public sealed partial class PolicyDatapath
{
    private readonly BpfMap<AuthKeyAbi, AuthInfoAbi> _auth;
    private readonly BpfMap<NodeIdKeyAbi, NodeIdValueAbi> _nodeIds;

    /// <summary>The pinned signals ring, for a <see cref="BpfRingBuffer"/> reader.</summary>
    public string SignalsPinPath => Path.Combine(PinDirectory, "ls_signals");

    /// <summary>Names a node for auth keys: its underlay address (the ipcache's tunnel endpoint) has id <paramref name="id"/>.</summary>
    public void SetNodeId(IPAddress underlay, ushort id) => _nodeIds.Update(new NodeIdKeyAbi(underlay), new NodeIdValueAbi { Id = id });

    /// <summary>Records an authenticated pair until <paramref name="expirationSeconds"/> (seconds of CLOCK_MONOTONIC).</summary>
    public void UpsertAuth(AuthKeyAbi key, ulong expirationSeconds) => _auth.Update(key, new AuthInfoAbi { Expiration = expirationSeconds });

    public bool DeleteAuth(AuthKeyAbi key) => _auth.Delete(key);

    /// <summary>Every entry of ls_auth, as the kernel holds it.</summary>
    public List<KeyValuePair<AuthKeyAbi, AuthInfoAbi>> AuthEntries() => _auth.Entries();
}
