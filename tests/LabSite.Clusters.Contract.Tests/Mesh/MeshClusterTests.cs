namespace LabSite.Clusters.Contract.Tests.Mesh;

public class MeshClusterTests
{
    [Fact]
    public void A_valid_mesh_has_no_errors()
    {
        Assert.Empty(MeshCluster.Validate([new("east", 1), new("west", 2)]));
        Assert.Empty(MeshCluster.Validate(null));
    }

    [Fact]
    public void Each_problem_names_its_field()
    {
        var errors = MeshCluster.Validate([new("east", 1), new("East_", 0), new("east", 1), new("default", 300)]);
        Assert.Contains("clusters: a mesh has 2 to 3 clusters, not 4", errors);
        Assert.Contains(errors, e => e.StartsWith("clusters[1].name: Invalid value: \"East_\"", StringComparison.Ordinal));
        Assert.Contains("clusters[1].id: Invalid value: 0: a cluster id is 1 to 255 (0 means no mesh)", errors);
        Assert.Contains("clusters[2].name: Duplicate value: \"east\"", errors);
        Assert.Contains("clusters[2].id: Duplicate value: 1", errors);
        Assert.Contains("clusters[3].name: Invalid value: \"default\": a meshed cluster needs its own name", errors);
        Assert.Contains(errors, e => e.StartsWith("clusters[3].id: Invalid value: 300", StringComparison.Ordinal));
        Assert.Contains(MeshCluster.Validate([new("east", 1), null!]), e => e == "clusters[1]: Required value");
        Assert.Contains(MeshCluster.Validate([new(new string('a', 15), 1), new("b", 2)]), e => e.StartsWith("clusters[0].name: Invalid value", StringComparison.Ordinal));
    }

    [Fact]
    public void Peer_cluster_names_are_stable_short_and_never_shaped_like_the_sites_learner_or_pool_clusters()
    {
        var name = MeshCluster.PeerClusterName("l1234abcd-cluster-mesh", "west");
        Assert.Equal(name, MeshCluster.PeerClusterName("l1234abcd-cluster-mesh", "west"));
        Assert.NotEqual(name, MeshCluster.PeerClusterName("l1234abce-cluster-mesh", "west"));
        Assert.Matches("^m[0-9a-f]{8}-west$", name);
        Assert.True(MeshCluster.PeerClusterName("x", new string('a', MeshCluster.MaxNameLength)).Length <= 24);
    }
}
