using LabSite.Clusters.Contract;

namespace LabSite.Agent.Client;

/// <summary>The other clusters of this cluster's mesh, found by cluster name through the agent status's mesh members.</summary>
internal sealed partial class AgentCluster : IClusterMeshMember
{
    public async Task<ILabCluster?> FindMeshClusterAsync(string clusterName, CancellationToken ct)
    {
        if (await GetStatusAsync(ct) is not { ClusterMesh: { } mesh })
        {
            return null;
        }
        if (mesh.ClusterName == clusterName)
        {
            return this;
        }
        return mesh.Remotes.FirstOrDefault(r => r.Name == clusterName) is { } remote ? new AgentCluster(client, remote.LabCluster, Backend) : null;
    }
}
