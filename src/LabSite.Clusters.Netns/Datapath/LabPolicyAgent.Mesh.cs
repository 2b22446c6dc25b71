using System.Collections.Frozen;
using System.Net;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Flows;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>A pod of one cluster of a mesh as the other clusters learn it: its identity, labels and tunnel endpoint.</summary>
public sealed record MeshEndpoint(string Cluster, string Namespace, string Pod, IPAddress Ip, NumericIdentity Identity, LabelSet Labels, IPAddress TunnelEndpoint);

/// <summary>Another mesh cluster's node as this cluster's tunnel reaches it.</summary>
public sealed record MeshPeerNode(IPAddress NodeIp, IPAddress Underlay, IPNetwork PodCidr, IPAddress KubernetesApi);

/// <summary>
/// This agent in a Cluster Mesh, as Cilium's agent is with its remote clusters' kvstores: the other clusters' pods
/// enter this cluster's ipcache (/32 with their identity and their node's tunnel endpoint), their identities enter
/// the selector cache (so <c>io.cilium.k8s.policy.cluster</c> selects them) and their names the flows; the mesh's
/// tunnel gets the overlay trace programs and its underlay the flag that keeps pods off it.
/// </summary>
public sealed partial class LabPolicyAgent
{
    private volatile FrozenDictionary<IPAddress, MeshEndpoint> _remoteEndpoints = FrozenDictionary<IPAddress, MeshEndpoint>.Empty;

    /// <summary>Cilium's <c>cluster.name</c> (<c>default</c> outside a mesh).</summary>
    public string ClusterName { get; }

    /// <summary>Cilium's <c>cluster.id</c> (0 outside a mesh).</summary>
    public int ClusterId { get; }

    /// <summary>The cluster name flows carry: only in a mesh, where telling clusters apart matters.</summary>
    private string? MeshClusterName => ClusterId == 0 ? null : ClusterName;

    /// <summary>
    /// Raised after this cluster's endpoints or policies were programmed, under the agent's lock: a handler must
    /// only take note (the mesh signals its sync loop), never call back into the agent.
    /// </summary>
    public event Action? EndpointsChanged;

    /// <summary>The identities this cluster allocates (<c>cilium-dbg status</c>'s Global Identity Range).</summary>
    public (uint Min, uint Max) IdentityRange => (_identities.MinIdentity, _identities.MaxIdentity);

    /// <summary>This cluster's pods with an identity, as the mesh exports them to the other clusters.</summary>
    public IReadOnlyList<MeshEndpoint> LocalEndpoints(IPAddress tunnelEndpoint)
    {
        lock (_lock)
        {
            return _pods.Values
                .Select(ep => (ep, Id: _engine.IdentityOf(ep.Id)))
                .Where(x => x.Id is not null && _identities.Lookup(x.Id.Value) is not null)
                .Select(x => new MeshEndpoint(ClusterName, x.ep.Namespace, x.ep.Name, x.ep.Ip, x.Id!.Value, _identities.Lookup(x.Id.Value)!, x.ep.TunnelEndpoint ?? tunnelEndpoint))
                .OrderBy(e => e.Ip.ToString(), StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>The remote clusters' pods this agent knows now.</summary>
    public IReadOnlyCollection<MeshEndpoint> RemoteEndpoints => _remoteEndpoints.Values;

    /// <summary>
    /// Wires the mesh's tunnel into the datapath: the overlay programs on this node's <c>cilium_vxlan</c>, the underlay
    /// flagged, and the other clusters' nodes as remote-node with their tunnel endpoints, with their pod ranges (world)
    /// and Kubernetes API addresses (remote-node) behind the same endpoints, so to_overlay can address them.
    /// </summary>
    public async Task AddMeshTunnelAsync(IPNetwork underlay, IReadOnlyList<MeshPeerNode> remoteNodes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(remoteNodes);
        lock (_lock)
        {
            _datapath.UpsertIpcache(underlay, NumericIdentity.RemoteNode.Value, flags: Bpf.Abi.RemoteEndpointInfoAbi.UnderlayFlag);
            foreach (var peer in remoteNodes)
            {
                _remoteNodeAddresses.Add(peer.NodeIp);
                _datapath.UpsertIpcache(new IPNetwork(peer.NodeIp, 32), NumericIdentity.RemoteNode.Value, peer.Underlay);
                AddTunnelPrefix(peer.PodCidr, NumericIdentity.World, peer.Underlay);
                AddTunnelPrefix(new IPNetwork(peer.KubernetesApi, 32), NumericIdentity.RemoteNode, peer.Underlay);
            }
        }
        var index = (await IfIndexesAsync(_nodeNetnsPath, [LabOverlay.Device], ct))[LabOverlay.Device];
        await NetnsThread.RunAsync(_nodeNetnsPath, () => _datapath.AttachOverlay(index));
    }

    /// <summary>
    /// Replaces every remote cluster's pods: identities first (so policy selects them before any packet carries
    /// them), then the ipcache entries and the flows' names; gone pods leave all three.
    /// </summary>
    public void SetRemoteEndpoints(IReadOnlyList<MeshEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            var wanted = endpoints.GroupBy(e => e.Ip).ToDictionary(g => g.Key, g => g.Last());
            var identities = wanted.Values.GroupBy(e => e.Identity).ToDictionary(g => g.Key, g => g.First().Labels);
            Program(_engine.SetRemoteIdentities(identities));
            foreach (var (ip, old) in _remoteEndpoints)
            {
                if (!wanted.ContainsKey(ip))
                {
                    _datapath.RemoveIpcache(new IPNetwork(ip, 32));
                    _lookup.Unregister(ip);
                }
            }
            foreach (var (ip, ep) in wanted)
            {
                if (!_remoteEndpoints.TryGetValue(ip, out var old) || old != ep)
                {
                    _datapath.UpsertIpcache(new IPNetwork(ip, 32), ep.Identity.Value, ep.TunnelEndpoint);
                    _lookup.Register(ip, new EndpointView(0, ep.Namespace, ep.Pod, ep.Labels.Labels.Select(l => l.ToString()).ToList(), [], ep.Cluster));
                }
            }
            _remoteEndpoints = wanted.ToFrozenDictionary();
        }
    }
}
