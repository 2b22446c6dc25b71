using System.Collections.Concurrent;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Testing;

/// <summary>
/// A backend of <see cref="InMemoryCluster"/>s, for the agent and the site: no kernel. Its clusters answer inspection
/// with a small fixed sample (two endpoints, a policy map, made-up eBPF object ids) and their followers buffer one flow,
/// so a burst loses some; a cluster whose lab id is <see cref="NoInspection"/> offers neither inspection nor eBPF objects.
/// A refused query comes back as the store's <see cref="ArgumentException"/>, which the agent answers with 400.
/// </summary>
public sealed class InMemoryClusterBackend : IClusterBackend
{
    private readonly ConcurrentDictionary<string, (InMemoryCluster Cluster, ILabCluster Face)> _clusters = new();

    public const string NoInspection = "no-inspection";

    public string Name => "fake";

    /// <summary>The cluster as the test sees it, whatever face the backend shows.</summary>
    public InMemoryCluster? Cluster(string name) => _clusters.TryGetValue(name, out var c) ? c.Cluster : null;

    public int GarbageToCollect { get; set; }

    public async Task<ILabCluster> CreateAsync(ClusterRequest request, IProgress<ClusterProgress>? progress, CancellationToken ct)
    {
        progress?.Report(new ClusterProgress("store", "object store ready", 1, 2));
        var cluster = new InMemoryCluster(request.Name, request.LabId, new FlowRing(capacity: 4095, subscriberBuffer: 1), seed: 1);
        AddSample(cluster);
        if (request.ManifestsDirectory is { } dir)
        {
            foreach (var file in Directory.GetFiles(dir, "*.yaml").Order(StringComparer.Ordinal))
            {
                var result = await cluster.ApplyAsync(new ManifestText(await File.ReadAllTextAsync(file, ct), file), ApplyMode.Apply, ct);
                if (!result.Succeeded)
                {
                    throw new ClusterException($"create {request.Name}: {string.Join("; ", result.Errors)}");
                }
            }
        }
        progress?.Report(new ClusterProgress("manifests", "manifests applied", 2, 2));
        var face = request.LabId == NoInspection ? cluster.WithoutInspection() : cluster;
        _clusters[request.Name] = (cluster, face);
        return face;
    }

    public Task<ILabCluster?> FindAsync(string name, CancellationToken ct) =>
        Task.FromResult(_clusters.TryGetValue(name, out var c) ? c.Face : null);

    public Task<IReadOnlyList<ClusterSummary>> ListAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ClusterSummary>>(_clusters.Values
            .Select(c => new ClusterSummary(c.Cluster.Name, Name, c.Cluster.LabId, c.Cluster.CreatedAt, c.Cluster.Store.Get(new ObjectQuery("pods", "*")).Count))
            .ToList());

    public Task DestroyAsync(string name, CancellationToken ct)
    {
        _clusters.TryRemove(name, out _);
        return Task.CompletedTask;
    }

    public Task<GarbageReport> CollectGarbageAsync(CancellationToken ct) =>
        Task.FromResult(new GarbageReport(GarbageToCollect == 0 ? new Dictionary<string, int>() : new Dictionary<string, int> { ["netns"] = GarbageToCollect }));

    private static void AddSample(InMemoryCluster c)
    {
        c.Endpoints.Add(new(2, 258, ["k8s:class=xwing", "k8s:org=alliance"], "10.0.0.12", "", "Disabled", "Disabled", "ready", "default", "xwing"));
        c.Endpoints.Add(new(3, 257, ["k8s:class=deathstar", "k8s:org=empire"], "10.0.0.13", "", "Enabled", "Disabled", "ready", "default", "deathstar-1"));
        c.Identities.AddRange([new IdentityModel(1, ["reserved:host"]), new IdentityModel(257, ["k8s:class=deathstar", "k8s:org=empire"])]);
        c.PolicyMaps[3] = new PolicyMapDump(3, [new PolicyMapEntryDump(false, false, 257, 6, 80, 24), new PolicyMapEntryDump(false, true, 0, 0, 0, 0, Packets: 4, Bytes: 300)]);
        c.Conntrack.Add(new ConntrackEntry("TCP", "OUT", "10.0.0.12:38424", "10.0.0.13:80", 21600, 3, 180, 0x12, 0x02, 0x10, 258));
        c.Ipcache.AddRange([new IpcacheEntry("0.0.0.0/0", 2), new IpcacheEntry("10.0.0.13/32", 257)]);
        c.Services.Add(new ServiceModel(1, "10.96.0.10:80/TCP", "ClusterIP", ["10.0.0.13:80/TCP (active)"]));
        c.Repository = new PolicyRepositoryModel("[]", 1);
        c.Status = new AgentStatusModel("1.0.0", "6.18.0", c.Name, "labsite/" + c.Name, c.Endpoints.Count, "default", 2, 256, 4096, "10.200.0.1", 15080, 0, 256, 65535,
            0, c.Flows.Capacity, 0, 12.5);
        c.BpfObjects = new LabBpfObjects("/sys/fs/bpf/labsite/fake", [
            new(BpfObjectKind.Program, 41),
            new(BpfObjectKind.Map, 7),
            new(BpfObjectKind.Map, 8, "/sys/fs/bpf/labsite/fake/ls_ipcache"),
            new(BpfObjectKind.Map, 90, "/sys/fs/bpf/labsite/fake/ls_pol_00003"),
        ]);
    }
}
