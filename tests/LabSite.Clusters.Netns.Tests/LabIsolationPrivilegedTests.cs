namespace LabSite.Clusters.Netns.Tests;

using LabSite.Testing;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using Xunit;

/// <summary>Two labs on one host cannot reach each other: real connects, both ways, by pod IP and ClusterIP.</summary>
[Trait("Category", "Privileged")]
public sealed class LabIsolationPrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend backend = new(NetnsTestLabs.Options());
    private NetnsCluster a = null!;
    private NetnsCluster b = null!;

    public async Task InitializeAsync()
    {
        await backend.StartAsync(CancellationToken.None);
        a = await backend.CreateAsync(new ClusterRequest("lab-a"), null, CancellationToken.None);
        b = await backend.CreateAsync(new ClusterRequest("lab-b"), null, CancellationToken.None);
        await Task.WhenAll(NetnsTestLabs.StartStarWarsAsync(a), NetnsTestLabs.StartStarWarsAsync(b));
    }

    public async Task DisposeAsync()
    {
        await backend.DestroyAsync("lab-a", CancellationToken.None);
        await backend.DestroyAsync("lab-b", CancellationToken.None);
        NetnsTestLabs.DeleteRoots(backend.Options);
    }

    [Fact]
    public void RangesDoNotOverlap()
    {
        Assert.NotEqual(a.Addressing.PodCidr, b.Addressing.PodCidr);
        Assert.NotEqual(a.Addressing.ServiceCidr, b.Addressing.ServiceCidr);
    }

    [Fact]
    public async Task NeitherLabReachesTheOther()
    {
        foreach (var (from, to) in new[] { (a, b), (b, a) })
        {
            var target = to.FindPod("default", "deathstar-6fb5694d48-5hmds")!.Ip;
            // Positive control: the same request inside the target lab works.
            var inside = await NetnsTestLabs.ExecAsync(to, "tiefighter", "curl", "-s", "--max-time", "3", $"http://{target}/v1/healthz");
            Assert.True(inside.ExitCode == 0, $"{to.Name} internal: {inside.Stderr}");

            var podIp = await NetnsTestLabs.ExecAsync(from, "tiefighter", "curl", "-s", "--max-time", "3", $"http://{target}/v1/healthz");
            Assert.NotEqual(0, podIp.ExitCode);
            Assert.Equal("", podIp.Stdout);

            var clusterIp = to.Services.Single().ClusterIp;
            var svc = await NetnsTestLabs.ExecAsync(from, "tiefighter", "curl", "-s", "--max-time", "3", $"http://{clusterIp}/v1/healthz");
            Assert.NotEqual(0, svc.ExitCode);
            Assert.Equal("", svc.Stdout);
        }
    }
}
