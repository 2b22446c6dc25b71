using LabSite.Clusters.Contract;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests;

/// <summary>Two labs on one host cannot reach each other: real connects, both ways, by pod IP and ClusterIP.</summary>
[Trait("Category", "Privileged")]
public sealed class LabIsolationPrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _a = null!;
    private NetnsCluster _b = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _a = await _backend.CreateAsync(new ClusterRequest("lab-a"), null, CancellationToken.None);
        _b = await _backend.CreateAsync(new ClusterRequest("lab-b"), null, CancellationToken.None);
        await Task.WhenAll(NetnsTestLabs.StartStarWarsAsync(_a), NetnsTestLabs.StartStarWarsAsync(_b));
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync("lab-a", CancellationToken.None);
        await _backend.DestroyAsync("lab-b", CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    [Fact]
    public void RangesDoNotOverlap()
    {
        Assert.NotEqual(_a.Addressing.PodCidr, _b.Addressing.PodCidr);
        Assert.NotEqual(_a.Addressing.ServiceCidr, _b.Addressing.ServiceCidr);
    }

    [Fact]
    public async Task NeitherLabReachesTheOther()
    {
        foreach (var (from, to) in new[] { (_a, _b), (_b, _a) })
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
