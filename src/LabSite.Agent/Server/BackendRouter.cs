using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server;

/// <summary>
/// The agent's core: owns the registered cluster backends and routes each request to the backend that
/// runs the named cluster. The API (<see cref="AgentApi"/>) and in-process callers both go through it.
/// </summary>
public sealed class BackendRouter(IEnumerable<IClusterBackend> backends)
{
    public IReadOnlyList<IClusterBackend> Backends { get; } = backends.ToList();

    /// <summary>The backend called <paramref name="name"/>, or the first registered one when null.</summary>
    public IClusterBackend Backend(string? name)
    {
        if (Backends.Count == 0)
        {
            throw new ClusterException("this agent hosts no cluster backend (the netns backend is not part of this build yet)");
        }
        return name is null
            ? Backends[0]
            : Backends.FirstOrDefault(b => b.Name == name)
                ?? throw new ArgumentException($"unknown backend \"{name}\"; this agent hosts: {string.Join(", ", Backends.Select(b => b.Name))}");
    }

    public async Task<ILabCluster?> FindAsync(string name, CancellationToken ct)
    {
        foreach (var backend in Backends)
        {
            if (await backend.FindAsync(name, ct) is { } cluster)
            {
                return cluster;
            }
        }
        return null;
    }

    public async Task<IReadOnlyList<ClusterSummary>> ListAsync(CancellationToken ct)
    {
        var all = new List<ClusterSummary>();
        foreach (var backend in Backends)
        {
            all.AddRange(await backend.ListAsync(ct));
        }
        return all.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<ClusterSummary?> SummaryAsync(string name, CancellationToken ct) =>
        (await ListAsync(ct)).FirstOrDefault(c => c.Name == name);

    /// <summary>Destroys <paramref name="name"/> wherever it runs; false when no backend has it.</summary>
    public async Task<bool> DestroyAsync(string name, CancellationToken ct)
    {
        foreach (var backend in Backends)
        {
            if (await backend.FindAsync(name, ct) is not null)
            {
                await backend.DestroyAsync(name, ct);
                return true;
            }
        }
        return false;
    }

    public async Task<GarbageReport> CollectGarbageAsync(CancellationToken ct)
    {
        var removed = new Dictionary<string, int>();
        foreach (var backend in Backends)
        {
            foreach (var (kind, count) in (await backend.CollectGarbageAsync(ct)).Removed)
            {
                removed[kind] = removed.GetValueOrDefault(kind) + count;
            }
        }
        return new GarbageReport(removed);
    }

    /// <summary>Cluster names become parts of kernel object names, so they are short DNS labels.</summary>
    public static string? CheckClusterName(string name)
    {
        if (name.Length is 0 or > 32)
        {
            return $"cluster name \"{name}\" is invalid: must be 1 to 32 characters";
        }
        var problem = NameValidation.CheckDns1123Label(name).FirstOrDefault();
        return problem is null ? null : $"cluster name \"{name}\" is invalid: {problem}";
    }
}
