using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Bgp;

/// <summary>
/// The BGP lab's commands typed into the lab shell against a real netns lab behind a real agent: the real kubectl
/// applies the lab's manifests, then <c>cilium bgp peers</c>, <c>cilium bgp routes</c>, <c>vtysh -c</c> and
/// <c>router curl</c> answer from the node's gobgpd and the router's FRR through the agent's routes.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class BgpShellPrivilegedTests : IAsyncLifetime
{
    private AgentLabShell _lab = null!;

    public async Task InitializeAsync()
    {
        _lab = await AgentLabShell.StartAsync("bgpsh", Path.Combine(RepositoryPaths.Root, "content", "labs", "bgp", "manifests"));
    }

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    private Task<(int Status, string Out, string Err)> Run(string line) => _lab.RunAsync(line);

    [Fact]
    public async Task TheBgpLabThroughTheShell()
    {
        foreach (var file in new[] { "echo.yaml", "bgp-peering.yaml", "lb-pool.yaml", "advertise-services.yaml" })
        {
            var applied = await Run($"kubectl apply -f {file}");
            Assert.True(applied.Status == 0, applied.Err);
        }
        await _lab.Cluster.WaitUntilSettledAsync(CancellationToken.None);
        Assert.Contains("172.31.0.1", (await Run("kubectl get svc echo")).Out, StringComparison.Ordinal);

        // Sessions need the speaker's connect timer: poll the learner's own command, bounded by attempts.
        var peers = "";
        for (var i = 0; i < 120 && !peers.Contains("established", StringComparison.Ordinal); i++)
        {
            peers = (await Run("cilium bgp peers")).Out;
            await Task.Delay(250);
        }
        Assert.StartsWith("Node", peers, StringComparison.Ordinal);
        Assert.Contains("65001      65000     172.30.0.1     established", peers, StringComparison.Ordinal);

        var route = "";
        for (var i = 0; i < 120 && !route.Contains("172.31.0.1/32", StringComparison.Ordinal); i++)
        {
            route = (await Run("vtysh -c 'show ip route bgp'")).Out;
            await Task.Delay(250);
        }
        Assert.Contains(_lab.Cluster.Addressing.PodCidr, route, StringComparison.Ordinal);
        Assert.Contains("172.31.0.1/32", route, StringComparison.Ordinal);

        var advertised = await Run("cilium-dbg bgp routes advertised ipv4 unicast");
        Assert.Equal(0, advertised.Status);
        Assert.Contains("172.30.0.1", advertised.Out, StringComparison.Ordinal);

        var answer = await Run("router curl http://172.31.0.1/");
        Assert.True(answer.Status == 0, answer.Err);
        Assert.StartsWith("echo-", answer.Out, StringComparison.Ordinal);

        Assert.Equal((1, "", "vtysh: \"configure terminal\" refused: the lab's router is read-only; only show commands are accepted (e.g. show bgp summary, show ip route)\n"),
            await Run("vtysh -c 'configure terminal'"));
    }
}
