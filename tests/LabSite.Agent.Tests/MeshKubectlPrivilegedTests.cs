using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Testing;

namespace LabSite.Agent.Tests;

/// <summary>
/// A Cluster Mesh lab behind a real agent: the lab shell's real kubectl has one context per cluster (the lab's own
/// current), reaches the other cluster's API through the mesh tunnel with that cluster's token, and the agent client
/// finds the other cluster by name as checks' <c>cluster:</c> does. Root only.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class MeshKubectlPrivilegedTests : IAsyncLifetime
{
    private NetnsAgentLab _lab = null!;

    public async Task InitializeAsync() =>
        _lab = await NetnsAgentLab.StartAsync("km", mesh: [new("east", 1), new("west", 2)]);

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    [Fact]
    public async Task Kubectl_has_a_context_per_cluster_and_reaches_west_only_with_its_context()
    {
        var contexts = await KubectlAsync("config", "get-contexts", "-o", "name");
        Assert.Equal((0, "east\nwest\n"), (contexts.Code, contexts.Stdout));
        Assert.Equal("east\n", (await KubectlAsync("config", "current-context")).Stdout);

        var pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: only-in-west}\nspec:\n  containers: [{name: c, image: nicolaka/netshoot:v0.13, command: [sleep, infinity]}]\n";
        var applied = await KubectlAsync(["--context", "west", "apply", "-f", "pod.yaml"], new Dictionary<string, byte[]> { ["pod.yaml"] = Encoding.UTF8.GetBytes(pod) });
        Assert.True(applied.Code == 0, applied.Stderr);
        Assert.Equal("pod/only-in-west created\n", applied.Stdout);

        var west = _lab.Backend.Find(MeshCluster.PeerClusterName("km", "west"))!;
        Assert.NotNull(west.Store.Find(ResourceKinds.Pod, "default", "only-in-west"));
        Assert.Null(_lab.Local.Store.Find(ResourceKinds.Pod, "default", "only-in-west"));
        Assert.Contains("only-in-west", (await KubectlAsync("--context", "west", "get", "pods", "-o", "name")).Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("only-in-west", (await KubectlAsync("get", "pods", "-o", "name")).Stdout, StringComparison.Ordinal);

        var unknown = await KubectlAsync("--context", "north", "get", "pods");
        Assert.NotEqual(0, unknown.Code);
        Assert.Contains("context was not found for specified context: north", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_agent_client_finds_the_other_cluster_by_name_as_checks_do()
    {
        var member = Assert.IsAssignableFrom<IClusterMeshMember>(_lab.Cluster);
        var west = await member.FindMeshClusterAsync("west", default);
        Assert.Equal(MeshCluster.PeerClusterName("km", "west"), west!.Name);
        Assert.Same(_lab.Cluster, await member.FindMeshClusterAsync("east", default));
        Assert.Null(await member.FindMeshClusterAsync("north", default));

        var status = await ((IClusterInspector)west).GetStatusAsync(default);
        Assert.Equal(("west", "east"), (status!.ClusterName, status.ClusterMesh!.Remotes.Single().Name));
    }

    private Task<(int Code, string Stdout, string Stderr)> KubectlAsync(params string[] args) => KubectlAsync(args, null);

    private async Task<(int Code, string Stdout, string Stderr)> KubectlAsync(string[] args, IReadOnlyDictionary<string, byte[]>? files)
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var code = await ((IKubectlRunner)_lab.Cluster).RunKubectlAsync(new KubectlInvocation(args, files ?? new Dictionary<string, byte[]>()), new ExecStreams(stdout, stderr, null), default);
        return (code, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }
}
