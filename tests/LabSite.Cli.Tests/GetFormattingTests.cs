using LabSite.Clusters.Contract;
using LabSite.Testing;

namespace LabSite.Cli.Tests;

/// <summary>What `cluster get` and `cluster list` print, without an agent.</summary>
public sealed class GetFormattingTests
{
    [Fact]
    public async Task Cluster_get_on_a_cluster_without_a_kubernetes_api_says_so_and_fails()
    {
        // `cluster get` is the real kubectl get, run in the lab (ClusterCliPrivilegedTests); an in-memory cluster has no API for it.
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await ClusterCommands.GetAsync(StarWarsObjects.Cluster(), ["pods"], output, error, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.Equal("", output.ToString());
        Assert.StartsWith("error: kubectl needs the lab's Kubernetes API, and cluster \"", error.ToString());
    }

    [Fact]
    public void Cluster_list_is_a_table()
    {
        var text = ClusterCommands.FormatList([new ClusterSummary("sw", "netns", null, DateTimeOffset.UnixEpoch, 4)], DateTimeOffset.UnixEpoch.AddSeconds(30));
        Assert.Equal("NAME   BACKEND   LAB      PODS   AGE\nsw     netns     <none>   4      30s\n", text);
    }
}
