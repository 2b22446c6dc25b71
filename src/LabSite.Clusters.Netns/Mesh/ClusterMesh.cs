using System.Net;
using System.Threading.Channels;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Datapath;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Mesh;

/// <summary>
/// A Cluster Mesh of lab clusters on this host, as Cilium's clustermesh-apiserver and agents make one: every
/// cluster's node reaches the others' pod ranges through <c>cilium_vxlan</c> over one underlay (the first cluster's
/// <c>-underlay</c> namespace, 172.16.&lt;first slot&gt;.0/24, cluster k's node at .k+2), and each cluster learns the
/// others' pods (ipcache, identities, flow names) and the backends of their shared global services. Changes are
/// pushed by one sync loop, woken by the clusters' change events, so a change is seen by the others shortly after,
/// as with Cilium's kvstore; the loop pushes only what differs from what it pushed last.
/// </summary>
public sealed class ClusterMesh : IAsyncDisposable
{
    private readonly IReadOnlyList<Member> _members;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _syncs;
    private int _disposed;

    private sealed class Member(NetnsCluster cluster, IPAddress underlay)
    {
        public NetnsCluster Cluster { get; } = cluster;
        public IPAddress Underlay { get; } = underlay;
        public IReadOnlyList<MeshEndpoint> PushedEndpoints { get; set; } = [];
        public IReadOnlyDictionary<string, IReadOnlyList<MeshBackend>> PushedBackends { get; set; } = new Dictionary<string, IReadOnlyList<MeshBackend>>();
        public bool Synced { get; set; }
    }

    private ClusterMesh(IReadOnlyList<Member> members, string underlayCidr)
    {
        _members = members;
        UnderlayCidr = underlayCidr;
    }

    /// <summary>The underlay that carries the mesh's tunnel (pods never reach it: bpf_lxc drops).</summary>
    public string UnderlayCidr { get; }

    /// <summary>The clusters of the mesh, the first one owning the underlay.</summary>
    public IReadOnlyList<NetnsCluster> Clusters => _members.Select(m => m.Cluster).ToList();

    /// <summary>How many sync passes ran (each one after a change).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>The last sync failure, if any (the next change retries).</summary>
    public string? LastError { get; private set; }

    /// <summary>
    /// Joins <paramref name="clusters"/> (single-node, each with its own cluster id) into a mesh: builds the tunnel,
    /// wires it into each datapath, and starts the sync loop, which has pushed everything once when this returns.
    /// </summary>
    public static async Task<ClusterMesh> ConnectAsync(IReadOnlyList<NetnsCluster> clusters, CancellationToken ct)
    {
        if (clusters.Count < 2 || clusters.Any(c => c.Nodes.Count != 1 || c.ClusterId == 0) || clusters.Select(c => c.ClusterId).Distinct().Count() != clusters.Count)
        {
            throw new ClusterException($"mesh {string.Join(", ", clusters.Select(c => c.Name))}: needs 2 or more single-node clusters with distinct cluster ids");
        }
        var owner = clusters[0];
        var slot = owner.Addressing.Slot;
        var underlayCidr = owner.Addressing.UnderlayCidr;
        var nodes = clusters.Select((c, i) => new LabNode(i, c.Nodes[0].Name, c.Nodes[0].Netns, c.Nodes[0].NodeIp, c.Addressing.PodCidr, IPAddress.Parse($"172.16.{slot}.{i + 2}"))).ToList();
        await LabOverlay.CreateAsync(owner.Names.UnderlayNetns, nodes, ct);
        // Each node also routes the other clusters' Kubernetes API address through the tunnel: the lab shell's kubectl
        // runs in the first node and reaches every cluster's API by its context (kubectl --context NAME).
        foreach (var n in nodes)
        {
            var routes = new IpBatch(n.Netns);
            foreach (var (peer, i) in nodes.Select((p, i) => (p, i)).Where(x => x.p.Index != n.Index))
            {
                routes.Add($"route add {clusters[i].KubernetesServiceIp}/32 via {peer.NodeIp} dev {LabOverlay.Device} onlink src {n.NodeIp}");
            }
            await routes.RunAsync($"mesh API routes of {n.Netns}", ct);
        }
        var members = clusters.Select((c, i) => new Member(c, nodes[i].Underlay!)).ToList();
        foreach (var m in members)
        {
            var others = members.Where(o => o != m)
                .Select(o => new MeshPeerNode(o.Cluster.Nodes[0].NodeIp, o.Underlay, IPNetwork.Parse(o.Cluster.Addressing.PodCidr), o.Cluster.KubernetesServiceIp))
                .ToList();
            await m.Cluster.Policy!.AddMeshTunnelAsync(IPNetwork.Parse(underlayCidr), others, ct);
        }
        var mesh = new ClusterMesh(members, underlayCidr);
        foreach (var m in members)
        {
            m.Cluster.Mesh = mesh;
            m.Cluster.Policy!.EndpointsChanged += mesh.Wake;
            m.Cluster.GlobalServicesChanged += mesh.Wake;
        }
        await mesh.SyncAsync(ct);
        mesh._loop = Task.Run(mesh.RunAsync, CancellationToken.None);
        return mesh;
    }

    /// <summary>What this cluster knows of the others, for <c>cilium-dbg status</c> and <c>cilium clustermesh status</c>.</summary>
    public Contract.Inspection.ClusterMeshModel StatusOf(NetnsCluster cluster)
    {
        var self = _members.FirstOrDefault(m => m.Cluster == cluster) ?? throw new ClusterException($"cluster {cluster.Name} is not in this mesh");
        var remotes = _members.Where(m => m != self).Select(m =>
        {
            var endpoints = self.PushedEndpoints.Where(e => e.Cluster == m.Cluster.ClusterName).ToList();
            return new Contract.Inspection.RemoteClusterModel(
                m.Cluster.ClusterName, m.Cluster.ClusterId, Ready: self.Synced, Nodes: m.Cluster.Nodes.Count,
                Endpoints: endpoints.Count, Identities: endpoints.Select(e => e.Identity).Distinct().Count(),
                Services: m.Cluster.GlobalServices.Count, LabCluster: m.Cluster.Name);
        }).ToList();
        // Cilium counts the global services its remote clusters share.
        var global = self.PushedBackends.Count;
        return new Contract.Inspection.ClusterMeshModel(cluster.ClusterName, cluster.ClusterId, remotes, global);
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task RunAsync()
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(_stop.Token))
            {
                _wake.Reader.TryRead(out _);
                try
                {
                    await SyncAsync(_stop.Token);
                    LastError = null;
                }
                catch (Exception e) when (e is ClusterException or Bpf.BpfException or InvalidOperationException or ArgumentException)
                {
                    LastError = e.Message;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One pass: each cluster gets the others' endpoints and shared backends, where they differ from the last push.</summary>
    private async Task SyncAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _syncs);
        var endpoints = _members.ToDictionary(m => m, m => m.Cluster.Policy?.LocalEndpoints(m.Underlay) ?? []);
        var services = _members.ToDictionary(m => m, m => m.Cluster.GlobalServices);
        foreach (var dst in _members)
        {
            var others = _members.Where(o => o != dst).ToList();
            var remoteEndpoints = others.SelectMany(o => endpoints[o]).ToList();
            if (!remoteEndpoints.SequenceEqual(dst.PushedEndpoints))
            {
                dst.Cluster.Policy?.SetRemoteEndpoints(remoteEndpoints);
                dst.PushedEndpoints = remoteEndpoints;
            }
            var remoteBackends = others.SelectMany(o => services[o])
                .GroupBy(kv => kv.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<MeshBackend>)g.SelectMany(kv => kv.Value).ToList(), StringComparer.Ordinal);
            if (!Same(remoteBackends, dst.PushedBackends))
            {
                await dst.Cluster.SetRemoteServiceBackendsAsync(remoteBackends, ct);
                dst.PushedBackends = remoteBackends;
            }
            dst.Synced = true;
        }
    }

    private static bool Same(IReadOnlyDictionary<string, IReadOnlyList<MeshBackend>> a, IReadOnlyDictionary<string, IReadOnlyList<MeshBackend>> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && other.SequenceEqual(kv.Value));

    /// <summary>Stops the sync loop and unhooks from the clusters (their destruction removes the tunnel with the namespaces).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        foreach (var m in _members)
        {
            if (m.Cluster.Policy is { } agent)
            {
                agent.EndpointsChanged -= Wake;
            }
            m.Cluster.GlobalServicesChanged -= Wake;
        }
        await _stop.CancelAsync();
        _wake.Writer.TryComplete();
        await _loop;
        _stop.Dispose();
    }
}
