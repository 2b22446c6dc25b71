namespace LabSite.Clusters.Contract;

/// <summary>
/// A lab cluster in a Cluster Mesh: every cluster of the mesh (this one included) by its <c>cluster.name</c>, with the
/// lab cluster that serves it. The lab shell's kubectl gets one context per entry, named by the cluster name, as
/// Cilium users switch clusters with <c>kubectl --context NAME</c>.
/// </summary>
public interface IClusterMeshMember
{
    /// <summary>This cluster's <c>cluster.name</c> (its context).</summary>
    string ClusterName { get; }

    /// <summary>The mesh's clusters in declaration order; empty when the cluster is not meshed.</summary>
    IReadOnlyList<MeshContext> MeshClusters { get; }
}

/// <summary>One cluster of a mesh: its <c>cluster.name</c> and the lab cluster (backend name) that runs it.</summary>
public sealed record MeshContext(string ClusterName, string LabCluster);
