using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Gc;
using LabSite.Clusters.Netns.RuntimeSecurity;

namespace LabSite.Clusters.Netns;

/// <summary>
/// The "netns" backend: lab clusters on network namespaces with our own eBPF datapath, hosted in the
/// lab agent process. Construct it with validated <see cref="NetnsOptions"/> and call
/// <see cref="StartAsync"/> once (it removes what a crashed agent left behind) before creating clusters.
/// Requires root (namespaces, bpf, cgroups).
/// </summary>
public sealed class NetnsBackend : IClusterBackend, IAsyncDisposable
{
    public const string BackendName = "netns";

    private readonly ConcurrentDictionary<string, NetnsCluster> _clusters = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slots = new(1, 1);
    private readonly bool[] _slotTaken;

    public NetnsBackend(NetnsOptions options)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new ClusterException("invalid NetnsOptions: " + string.Join("; ", results.Select(r => $"{string.Join(",", r.MemberNames)}: {r.ErrorMessage}")));
        }

        Options = options;
        var objectDir = options.BpfObjectDirectory is { Length: > 0 } d ? d : Bpf.BpfObject.DefaultDirectory;
        Runtime = new RuntimeHub(Path.Combine(objectDir, "bpf_runtime.bpf.o"));
        _slotTaken = new bool[Math.Min(options.MaxClusters, LabAddressing.MaxSlots)];
    }

    public string Name => BackendName;

    public NetnsOptions Options { get; }

    /// <summary>The host's runtime sensor, running while any cluster of this backend lives.</summary>
    public RuntimeHub Runtime { get; }

    /// <summary>Creates the roots and collects garbage; call once before use.</summary>
    public async Task<GarbageReport> StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Options.BpffsRoot);
        Directory.CreateDirectory(Options.CgroupRoot);
        Directory.CreateDirectory(Options.RunDirectory);
        return await CollectGarbageAsync(ct);
    }

    async Task<ILabCluster> IClusterBackend.CreateAsync(ClusterRequest request, IProgress<ClusterProgress>? progress, CancellationToken ct) =>
        await CreateAsync(request, progress, ct);

    /// <summary>
    /// Creates a cluster (node namespace, socket-LB, files); pods and services are added on it. With
    /// <see cref="ClusterRequest.Mesh"/>, also creates the peer clusters and joins them all into a Cluster Mesh; the
    /// returned cluster is the first of the mesh.
    /// </summary>
    public async Task<NetnsCluster> CreateAsync(ClusterRequest request, IProgress<ClusterProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Mesh is null ? await CreateOneAsync(request, null, progress, ct) : await CreateMeshAsync(request, progress, ct);
    }

    private async Task<NetnsCluster> CreateMeshAsync(ClusterRequest request, IProgress<ClusterProgress>? progress, CancellationToken ct)
    {
        NetnsCluster.CheckMeshRequest(request);
        var mesh = request.Mesh!;
        var names = mesh.Select((m, i) => i == 0 ? request.Name : MeshCluster.PeerClusterName(request.Name, m.Name)).ToList();
        foreach (var name in names)
        {
            if (LabNames.Validate(name) is { } error)
            {
                throw new ClusterException($"create {request.Name}: mesh cluster {error}");
            }
            // Every cluster of a mesh is created with it: a mesh never joins a cluster someone else created.
            if (_clusters.ContainsKey(name))
            {
                throw new ClusterException($"create {request.Name}: cluster \"{name}\" already exists; a mesh only joins the clusters it creates");
            }
        }
        var created = new List<NetnsCluster>();
        try
        {
            for (var i = 0; i < mesh.Count; i++)
            {
                var one = request with { Name = names[i], Mesh = null };
                created.Add(await CreateOneAsync(one, mesh[i], i == 0 ? progress : null, ct));
            }
            progress?.Report(new ClusterProgress("mesh", $"cluster mesh {string.Join(", ", mesh.Select(m => $"{m.Name} (id {m.Id})"))}", 5, 5));
            await Mesh.ClusterMesh.ConnectAsync(created, ct);
            return created[0];
        }
        catch
        {
            foreach (var c in Enumerable.Reverse(created))
            {
                await DestroyOneAsync(c, CancellationToken.None);
            }
            throw;
        }
    }

    private async Task<NetnsCluster> CreateOneAsync(ClusterRequest request, MeshCluster? meshIdentity, IProgress<ClusterProgress>? progress, CancellationToken ct)
    {
        if (LabNames.Validate(request.Name) is { } error)
        {
            throw new ClusterException(error);
        }

        int slot;
        await _slots.WaitAsync(ct);
        try
        {
            if (_clusters.ContainsKey(request.Name))
            {
                throw new ClusterException($"cluster \"{request.Name}\" already exists");
            }

            slot = Array.IndexOf(_slotTaken, false);
            if (slot < 0)
            {
                throw new ClusterException($"create {request.Name}: all {_slotTaken.Length} cluster slots of this host are in use (NetnsOptions:MaxClusters)");
            }

            _slotTaken[slot] = true;
        }
        finally
        {
            _slots.Release();
        }

        try
        {
            var cluster = await NetnsCluster.CreateAsync(Options, request, slot, Runtime, progress, ct, meshIdentity);
            _clusters[request.Name] = cluster;
            return cluster;
        }
        catch
        {
            _slotTaken[slot] = false;
            throw;
        }
    }

    public Task<ILabCluster?> FindAsync(string name, CancellationToken ct) =>
        Task.FromResult<ILabCluster?>(_clusters.GetValueOrDefault(name));

    public NetnsCluster? Find(string name) => _clusters.GetValueOrDefault(name);

    public Task<IReadOnlyList<ClusterSummary>> ListAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ClusterSummary>>(_clusters.Values
            .OrderBy(c => c.CreatedAt)
            .Select(c => new ClusterSummary(c.Name, BackendName, c.LabId, c.CreatedAt, c.Pods.Count))
            .ToList());

    /// <summary>Destroys a cluster; a cluster of a mesh goes with the whole mesh (its clusters were created together).</summary>
    public async Task DestroyAsync(string name, CancellationToken ct)
    {
        if (_clusters.TryGetValue(name, out var cluster) && cluster.Mesh is { } mesh)
        {
            await mesh.DisposeAsync();
            // The first cluster owns the tunnel's underlay: it goes last.
            foreach (var member in Enumerable.Reverse(mesh.Clusters))
            {
                await DestroyOneAsync(member, ct);
            }
        }
        else if (cluster is not null)
        {
            await DestroyOneAsync(cluster, ct);
        }
        else if (LabNames.Validate(name) is null)
        {
            // Not ours (any more): still remove leftovers of that name, which makes destroy idempotent.
            await LabCleanup.RemoveAsync(new LabNames(Options, name), [], ct);
        }
    }

    private async Task DestroyOneAsync(NetnsCluster cluster, CancellationToken ct)
    {
        if (_clusters.TryRemove(new KeyValuePair<string, NetnsCluster>(cluster.Name, cluster)))
        {
            await cluster.DestroyAsync(ct);
            _slotTaken[cluster.Addressing.Slot] = false;
        }
    }

    /// <summary>Destroys every cluster (agent shutdown); what a crash skips here, the next start collects.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var name in _clusters.Keys.ToList())
        {
            await DestroyAsync(name, CancellationToken.None);
        }

        Runtime.Dispose();
    }

    public Task<GarbageReport> CollectGarbageAsync(CancellationToken ct) =>
        GarbageCollector.CollectAsync(Options, _clusters.Keys.ToHashSet(StringComparer.Ordinal), ct);
}
