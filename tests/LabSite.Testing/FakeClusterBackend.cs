using System.Collections.Concurrent;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Store;

namespace LabSite.Testing;

/// <summary>
/// A test double for the agent's backend: real object store and policy validation, no kernel. Pods turn Running with an IP as soon
/// as they are stored; exec understands <c>echo ARGS</c>, <c>warn TEXT</c> (stderr), <c>exit N</c> and nothing else.
/// Clusters inspect (<see cref="FakeAgentInspectingCluster"/>) unless their lab id is <see cref="NoInspection"/>.
/// </summary>
public sealed class FakeClusterBackend : IClusterBackend
{
    private readonly ConcurrentDictionary<string, FakeCluster> _clusters = new();

    public const string NoInspection = "no-inspection";

    public string Name => "fake";

    public FakeCluster? Cluster(string name) => _clusters.GetValueOrDefault(name);

    public int GarbageToCollect { get; set; }

    public async Task<ILabCluster> CreateAsync(ClusterRequest request, IProgress<ClusterProgress>? progress, CancellationToken ct)
    {
        progress?.Report(new ClusterProgress("store", "object store ready", 1, 2));
        var cluster = request.LabId == NoInspection ? new FakeCluster(request.Name, request.LabId) : new FakeAgentInspectingCluster(request.Name, request.LabId);
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
        _clusters[request.Name] = cluster;
        return cluster;
    }

    public Task<ILabCluster?> FindAsync(string name, CancellationToken ct) =>
        Task.FromResult<ILabCluster?>(_clusters.GetValueOrDefault(name));

    public Task<IReadOnlyList<ClusterSummary>> ListAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ClusterSummary>>(_clusters.Values
            .Select(c => new ClusterSummary(c.Name, Name, c.LabId, c.CreatedAt, c.Store.Get(new ObjectQuery("pods", "*")).Count))
            .ToList());

    public Task DestroyAsync(string name, CancellationToken ct)
    {
        _clusters.TryRemove(name, out _);
        return Task.CompletedTask;
    }

    public Task<GarbageReport> CollectGarbageAsync(CancellationToken ct) =>
        Task.FromResult(new GarbageReport(GarbageToCollect == 0 ? new Dictionary<string, int>() : new Dictionary<string, int> { ["netns"] = GarbageToCollect }));

    public class FakeCluster : ILabCluster
    {
        private int _nextIp = 10;

        public FakeCluster(string name, string? labId)
        {
            Name = name;
            LabId = labId;
            // The netns backend's policy validator: policies are refused, or warned about, as in a real lab.
            Store = new ObjectStore(new StoreOptions { ServiceCidr = "10.96.0.0/16", Random = new Random(1), PolicyValidator = new PolicyValidator() });
            Store.Subscribe(change =>
            {
                if (change is { Type: ChangeType.Added, Kind.Kind: "Pod" })
                {
                    var ip = $"10.0.0.{Interlocked.Increment(ref _nextIp)}";
                    Store.UpdatePodStatus(change.Object.Namespace!, change.Object.Name, PodStatus.Running(change.Object, ip, "10.0.0.1", CreatedAt));
                }
            });
        }

        public string Name { get; }

        public string Backend => "fake";

        public string? LabId { get; }

        public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;

        public ObjectStore Store { get; }

        public Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct) => Task.FromResult(Store.Apply(manifests, mode));

        public Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct) => Task.FromResult(Store.Get(query));

        public async Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct)
        {
            if (Store.Get(new ObjectQuery("pods", request.Namespace, Name: request.Pod)).Count == 0)
            {
                throw new ClusterException($"pods \"{request.Pod}\" not found");
            }
            var args = request.Command.Skip(1);
            switch (request.Command[0])
            {
                case "echo":
                    await streams.StandardOutput.WriteAsync(Encoding.UTF8.GetBytes(string.Join(" ", args) + "\n"), ct);
                    return 0;
                case "warn":
                    await streams.StandardError.WriteAsync(Encoding.UTF8.GetBytes(string.Join(" ", args) + "\n"), ct);
                    return 0;
                case "exit":
                    return int.Parse(request.Command[1]);
                default:
                    await streams.StandardError.WriteAsync(Encoding.UTF8.GetBytes($"{request.Command[0]}: not found\n"), ct);
                    return 127;
            }
        }

        public Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct) =>
            Task.FromResult($"log of {@namespace}/{pod}\n");
    }
}
