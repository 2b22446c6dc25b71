using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Mesh;
using LabSite.Clusters.Netns.Services;

namespace LabSite.Clusters.Netns;

/// <summary>This cluster in a Cluster Mesh: its cluster name and id, the global services it shares and the remote backends it merges.</summary>
public sealed partial class NetnsCluster : IClusterMeshMember
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<MeshBackend>> s_noBackends = new Dictionary<string, IReadOnlyList<MeshBackend>>();
    private IReadOnlyDictionary<string, IReadOnlyList<MeshBackend>> _remoteBackends = s_noBackends;
    private volatile IReadOnlyDictionary<string, IReadOnlyList<MeshBackend>> _globalServices = s_noBackends;

    /// <summary>Cilium's <c>cluster.name</c>: the mesh entry's name, <c>default</c> outside a mesh.</summary>
    public string ClusterName { get; }

    /// <summary>Cilium's <c>cluster.id</c>: 1-255 in a mesh, 0 outside one.</summary>
    public int ClusterId { get; }

    /// <summary>The mesh this cluster belongs to, or null.</summary>
    public ClusterMesh? Mesh { get; internal set; }

    public Task<ILabCluster?> FindMeshClusterAsync(string clusterName, CancellationToken ct) =>
        Task.FromResult<ILabCluster?>(Mesh?.Clusters.FirstOrDefault(c => c.ClusterName == clusterName) ?? (clusterName == ClusterName ? this : null));

    /// <summary>
    /// This cluster's shared global services (<c>ns/name</c>; <c>shared: "false"</c> ones are not) with their backends.
    /// Replaced whole after every service refresh; read without the gate.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<MeshBackend>> GlobalServices => _globalServices;

    /// <summary>Raised under the lab gate when <see cref="GlobalServices"/> changed: a handler must only take note.</summary>
    public event Action? GlobalServicesChanged;

    /// <summary>Replaces the other clusters' shared backends (by service) and rebalances the global services.</summary>
    public async Task SetRemoteServiceBackendsAsync(IReadOnlyDictionary<string, IReadOnlyList<MeshBackend>> backends, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backends);
        await _gate.WaitAsync(ct);
        try
        {
            if (_destroyed)
            {
                return;
            }
            _remoteBackends = backends;
            RefreshServicesAndFiles();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The remote backends of one service port (same port number and protocol). Caller holds the gate.</summary>
    private List<ServiceBackend> RemoteBackends(string service, ServicePort port) =>
        _remoteBackends.TryGetValue(service, out var all)
            ? all.Where(b => b.ServicePort == port.Port && b.Protocol == port.Protocol)
                .Select(b => new ServiceBackend(b.Ip, b.TargetPort, b.Protocol, $"{b.Cluster}/{b.Pod}")).ToList()
            : [];

    private void PublishGlobalServices(Dictionary<string, IReadOnlyList<MeshBackend>> exports)
    {
        var old = _globalServices;
        if (old.Count == exports.Count && exports.All(kv => old.TryGetValue(kv.Key, out var o) && o.SequenceEqual(kv.Value)))
        {
            return;
        }
        _globalServices = exports;
        GlobalServicesChanged?.Invoke();
    }

    internal static void CheckMeshRequest(ClusterRequest request)
    {
        if (request.Mesh is null)
        {
            return;
        }
        if (MeshCluster.Validate(request.Mesh) is { Count: > 0 } errors)
        {
            throw new ClusterException($"create {request.Name}: {string.Join("; ", errors)}");
        }
        if (request.Nodes != 1)
        {
            throw new ClusterException($"create {request.Name}: a meshed cluster has one node here (nodes: 1), not {request.Nodes}");
        }
    }
}
