using LabSite.Clusters.Contract.Inspection;
using LabSite.Shell.Cilium;
using LabSite.Shell.Mesh;
using LabSite.Shell.Tests.Cilium;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Mesh;

public class ClusterMeshStatusTextTests
{
    private static readonly AgentStatusModel s_east = StatusTextTests.Healthy with
    {
        ClusterName = "east",
        ClusterMesh = new ClusterMeshModel("east", 1, [new RemoteClusterModel("west", 2, Ready: true, Nodes: 1, Endpoints: 3, Identities: 2, Services: 1, "m1234abcd-west")], GlobalServices: 1),
    };

    [Fact]
    public void Clustermesh_status_lists_the_connections_and_global_services_in_the_cli_layout()
    {
        Assert.Equal(
            "✅ All 1 nodes are connected to all clusters [min:1 / avg:1.0 / max:1]\n"
            + "🔌 Cluster Connections:\n"
            + "  - west: 1/1 configured, 1/1 connected\n"
            + "🔀 Global services: [ min:1 / avg:1.0 / max:1 ]\n",
            ClusterMeshStatusText.Text(s_east));
    }

    [Fact]
    public void A_remote_not_yet_synchronised_is_configured_but_not_connected()
    {
        var waiting = s_east with { ClusterMesh = s_east.ClusterMesh! with { Remotes = [s_east.ClusterMesh.Remotes[0] with { Ready = false }] } };
        var text = ClusterMeshStatusText.Text(waiting);
        Assert.StartsWith("⚠️  1 nodes are not connected to all clusters [min:0 / avg:0.0 / max:0]\n", text, StringComparison.Ordinal);
        Assert.Contains("  - west: 1/1 configured, 0/1 connected\n", text, StringComparison.Ordinal);
        Assert.Contains("ClusterMesh:             0/1 remote clusters ready, 1 global-services\n", StatusText.Text(waiting), StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_cluster_says_it_is_not_meshed_and_status_has_no_clustermesh_line()
    {
        Assert.StartsWith("❌ Cluster starwars is not part of a cluster mesh", ClusterMeshStatusText.Text(StatusTextTests.Healthy), StringComparison.Ordinal);
        Assert.DoesNotContain("ClusterMesh:", StatusText.Text(StatusTextTests.Healthy), StringComparison.Ordinal);
        Assert.Contains("ClusterMesh:             1/1 remote clusters ready, 1 global-services\n", StatusText.Text(s_east), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_lab_shells_cilium_clustermesh_status_prints_the_mesh_and_refuses_other_verbs()
    {
        var cluster = new InMemoryCluster { Status = s_east };
        using var shell = new ShellHarness(cluster, inspection: true);
        Assert.Equal((0, ClusterMeshStatusText.Text(s_east), ""), await shell.RunAsync("cilium clustermesh status --wait"));
        var (code, _, error) = await shell.RunAsync("cilium clustermesh connect --destination-context west");
        Assert.Equal(1, code);
        Assert.StartsWith("Usage: cilium clustermesh status [--wait]", error, StringComparison.Ordinal);
        cluster.Status = StatusTextTests.Healthy;
        Assert.Equal(1, (await shell.RunAsync("cilium clustermesh status")).Status);
    }
}
