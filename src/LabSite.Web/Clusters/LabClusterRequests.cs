using LabSite.Clusters.Contract;
using LabSite.Web.Labs;

namespace LabSite.Web.Clusters;

/// <summary>
/// What a lab asks of its cluster, read from its front matter (its outside world, its number of nodes, its Cluster Mesh): the one place the
/// locator and the warm pool build a <see cref="ClusterRequest"/>, so a pooled cluster is the same as a fresh one.
/// </summary>
public sealed class LabClusterRequests(LabCatalogSource? catalog)
{
    /// <summary>Requests with no lab metadata (tests and hosts without a catalog): one node, no outside world.</summary>
    public static readonly LabClusterRequests Plain = new(null);

    public ClusterRequest For(string name, string labId)
    {
        var meta = catalog?.Current.Find(labId)?.Meta;
        return new ClusterRequest(name, labId, OutsideHosts: meta?.Outside, Nodes: meta?.Nodes ?? 1, Mesh: meta?.Clusters);
    }
}
