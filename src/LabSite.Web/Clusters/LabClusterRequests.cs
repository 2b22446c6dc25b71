using LabSite.Clusters.Contract;
using LabSite.Web.Labs;

namespace LabSite.Web.Clusters;

/// <summary>
/// What a lab asks of its cluster, read from its front matter (its outside world, its number of nodes, its Cluster Mesh) and on which
/// backend it runs (the deployment's <see cref="LabClusterOptions.Backend"/>, which the lab's <c>backends:</c> must
/// declare): the one place the locator and the warm pool build a <see cref="ClusterRequest"/>, so a pooled cluster is
/// the same as a fresh one.
/// </summary>
public sealed class LabClusterRequests(LabCatalogSource? catalog, string? backend = null)
{
    /// <summary>Requests with no lab metadata (tests and hosts without a catalog): one node, no outside world, the agent's default backend.</summary>
    public static readonly LabClusterRequests Plain = new(null);

    /// <summary>The backend learners' clusters are made on; null is the agent's default (its first backend: netns in production).</summary>
    public string? Backend => backend;

    /// <summary>The backend a lab must declare: the configured one, else netns (the agent's default).</summary>
    private string Declared => backend ?? Scenarios.Loading.FrontMatterReader.DefaultBackends[0];

    public ClusterRequest For(string name, string labId)
    {
        var meta = catalog?.Current.Find(labId)?.Meta;
        return new ClusterRequest(name, labId, OutsideHosts: meta?.Outside, Nodes: meta?.Nodes ?? 1, Mesh: meta?.Clusters);
    }

    /// <summary>Whether <paramref name="labId"/> declares this deployment's backend (labs the catalog does not know are not refused here).</summary>
    public bool Declares(string labId) =>
        catalog?.Current.Find(labId)?.Meta is not { } meta || meta.Backends.Contains(Declared);

    /// <summary>The backend to create <paramref name="labId"/>'s cluster on; a lab that does not declare it is refused, saying why.</summary>
    public string? BackendFor(string labId) => Declares(labId)
        ? backend
        : throw new ClusterException(
            $"lab \"{labId}\" runs on {string.Join(", ", catalog!.Current.Find(labId)!.Meta.Backends)} (its backends: front matter), "
            + $"but this site makes learners' clusters on {Declared} (LabClusterOptions__Backend); pick a lab that lists {Declared}");
}
