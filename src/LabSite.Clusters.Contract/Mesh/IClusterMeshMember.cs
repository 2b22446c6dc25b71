namespace LabSite.Clusters.Contract;

/// <summary>
/// A lab cluster that can be in a Cluster Mesh: finds another cluster of its mesh by its <c>cluster.name</c> (what a
/// check's <c>cluster:</c> names, and kubectl's context). The mesh's members are in the agent status
/// (<see cref="Inspection.AgentStatusModel.ClusterMesh"/>).
/// </summary>
public interface IClusterMeshMember
{
    /// <summary>The cluster of this mesh named <paramref name="clusterName"/> (this one for its own name), or null.</summary>
    Task<ILabCluster?> FindMeshClusterAsync(string clusterName, CancellationToken ct);
}
