namespace LabSite.Clusters.Contract;

/// <summary>
/// A kind of lab cluster (netns: our eBPF datapath on network namespaces; kind: real Cilium).
/// Grader, Scenarios and the web app only see this contract, never a backend's internals.
/// </summary>
public interface IClusterBackend
{
    /// <summary>"netns" or "kind": the value lab front matter lists under <c>backends</c>.</summary>
    string Name { get; }

    /// <summary>Creates a cluster, reporting progress; throws <see cref="ClusterException"/> naming what failed.</summary>
    Task<ILabCluster> CreateAsync(ClusterRequest request, IProgress<ClusterProgress>? progress, CancellationToken ct);

    Task<ILabCluster?> FindAsync(string name, CancellationToken ct);

    Task<IReadOnlyList<ClusterSummary>> ListAsync(CancellationToken ct);

    /// <summary>Destroys a cluster and every kernel or container object it owns. Idempotent.</summary>
    Task DestroyAsync(string name, CancellationToken ct);

    /// <summary>Removes objects left behind by a crash (objects tagged with a lab id no live cluster owns).</summary>
    Task<GarbageReport> CollectGarbageAsync(CancellationToken ct);
}

/// <summary>What to create: a unique name, and optionally manifests applied once it is up.</summary>
/// <param name="OutsideHosts">
/// The lab's outside world (front matter <c>outside:</c>): lines <c>NAME [ttl=SECONDS]</c>, names that resolve to
/// addresses the backend simulates outside the cluster (no real internet); null or empty for none.
/// </param>
/// <param name="Nodes">How many nodes the cluster has (front matter <c>nodes:</c>, 1 to <see cref="MaxNodes"/>).</param>
/// <param name="Mesh">
/// A Cluster Mesh (front matter <c>clusters:</c>): the first entry is this cluster's own <c>cluster.name</c>/<c>cluster.id</c>,
/// each further one a peer cluster the backend creates beside it (named <see cref="MeshCluster.PeerClusterName"/>) and
/// joins to it; null for a lone cluster. Checked by <see cref="MeshCluster.Validate"/>.
/// </param>
public sealed record ClusterRequest(string Name, string? LabId = null, string? ManifestsDirectory = null, IReadOnlyList<string>? OutsideHosts = null, int Nodes = 1, IReadOnlyList<MeshCluster>? Mesh = null)
{
    public const int MaxNodes = 3;
}

/// <summary>One progress event, e.g. ("namespaces", "node namespace ready", 2, 6).</summary>
public sealed record ClusterProgress(string Stage, string Message, int Step, int Steps);

public sealed record ClusterSummary(string Name, string Backend, string? LabId, DateTimeOffset CreatedAt, int Pods);

/// <summary>What a garbage collection removed, by kind of object ("netns" → 3, "link" → 5, ...).</summary>
public sealed record GarbageReport(IReadOnlyDictionary<string, int> Removed)
{
    public int Total => Removed.Values.Sum();
}

/// <summary>A failure with the stage it happened in, e.g. <c>create lab1: attach bpf_sock.o: EPERM</c>.</summary>
public class ClusterException(string message, Exception? inner = null) : Exception(message, inner);
