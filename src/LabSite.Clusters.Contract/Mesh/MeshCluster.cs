using System.Text.RegularExpressions;

namespace LabSite.Clusters.Contract;

/// <summary>
/// One cluster of a Cluster Mesh as Cilium's Helm values name it: <c>cluster.name</c> and <c>cluster.id</c>. The id is
/// the third octet of the cluster's security identities (identity = id &lt;&lt; 16 | local number), so it must be 1-255
/// and unique in the mesh; the name is what <c>io.cilium.k8s.policy.cluster</c> and kubectl's context carry.
/// </summary>
public sealed partial record MeshCluster(string Name, int Id)
{
    /// <summary>Cilium's limit without <c>maxConnectedClusters: 511</c>.</summary>
    public const int MaxId = 255;

    /// <summary>
    /// At most 14 characters (Cilium allows 32): a peer's lab cluster is named <c>m&lt;8 hex&gt;-&lt;name&gt;</c>
    /// (<see cref="PeerClusterName"/>) and lab cluster names have at most 24.
    /// </summary>
    public const int MaxNameLength = 14;

    /// <summary>A lab meshes at most this many clusters (each is a whole lab cluster on this host).</summary>
    public const int MaxClusters = 3;

    /// <summary>
    /// The lab cluster (backend name) of a peer: <c>m</c>, 8 hex digits of a hash of the first cluster's name, a dash and
    /// the peer's cluster name. Derived, so the same lab always names its peers alike; never shaped like the site's
    /// learner (<c>l…</c>) or pool (<c>p…</c>) clusters, whose sweeps must not take a peer for one of theirs.
    /// </summary>
    public static string PeerClusterName(string primary, string peer)
    {
        ArgumentNullException.ThrowIfNull(primary);
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(primary));
        return $"m{Convert.ToHexStringLower(hash)[..8]}-{peer}";
    }

    /// <summary>
    /// Every problem of a mesh declaration, each naming its field (<c>clusters[1].id</c>): at least two clusters, at
    /// most <see cref="MaxClusters"/>, names DNS labels of at most <see cref="MaxNameLength"/> characters, ids 1-255, both unique.
    /// </summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<MeshCluster>? clusters, string field = "clusters")
    {
        var errors = new List<string>();
        if (clusters is null)
        {
            return errors;
        }
        if (clusters.Count is < 2 or > MaxClusters)
        {
            errors.Add($"{field}: a mesh has 2 to {MaxClusters} clusters, not {clusters.Count}");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<int>();
        for (var i = 0; i < clusters.Count; i++)
        {
            var c = clusters[i];
            if (c is null)
            {
                errors.Add($"{field}[{i}]: Required value");
                continue;
            }
            if (NameProblem(c.Name) is { } problem)
            {
                errors.Add($"{field}[{i}].name: {problem}");
            }
            else if (!names.Add(c.Name))
            {
                errors.Add($"{field}[{i}].name: Duplicate value: \"{c.Name}\"");
            }
            if (c.Id is < 1 or > MaxId)
            {
                errors.Add($"{field}[{i}].id: Invalid value: {c.Id}: a cluster id is 1 to {MaxId} (0 means no mesh)");
            }
            else if (!ids.Add(c.Id))
            {
                errors.Add($"{field}[{i}].id: Duplicate value: {c.Id}");
            }
        }
        return errors;
    }

    /// <summary>Why <paramref name="name"/> cannot be a meshed cluster's name, or null when it can.</summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !NamePattern().IsMatch(name))
        {
            return $"Invalid value: \"{Truncate(name)}\": a cluster name is 1-{MaxNameLength} characters a-z, 0-9 and '-', starting and ending with a letter or digit";
        }
        // Cilium refuses to mesh a cluster that kept the default name: its identities could not be told apart.
        return name == "default" ? "Invalid value: \"default\": a meshed cluster needs its own name" : null;
    }

    private static string Truncate(string? s) => s is null ? "" : s.Length > 40 ? s[..40] + "..." : s;

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex NamePattern();
}
