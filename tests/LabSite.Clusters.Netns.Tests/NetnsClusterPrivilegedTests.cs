using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Pods;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests;

/// <summary>The Star Wars demo on a real netns cluster: pods, socket-LB service, sandboxed curl, logs.</summary>
[Trait("Category", "Privileged")]
public sealed class NetnsClusterPrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("starwars"), null, CancellationToken.None);
        await NetnsTestLabs.StartStarWarsAsync(_cluster);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync("starwars", CancellationToken.None);
        await _backend.CollectGarbageAsync(CancellationToken.None);
        foreach (var root in new[] { _backend.Options.BpffsRoot, _backend.Options.CgroupRoot, _backend.Options.RunDirectory })
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root);
            }
        }
    }

    [Fact]
    public void PodsRunWithAddressesFromTheLabRange()
    {
        Assert.Equal(4, _cluster.Pods.Count);
        foreach (var p in _cluster.Pods)
        {
            var s = p.Status;
            Assert.Equal(PodPhase.Running, s.Phase);
            Assert.Equal("1/1", s.ReadyColumn);
            Assert.StartsWith($"10.{_cluster.Addressing.PodOctet}.0.", s.PodIp!.ToString());
            Assert.True(s.Ready);
        }
    }

    [Fact]
    public async Task BothShipsLandThroughTheServiceName()
    {
        foreach (var ship in new[] { "tiefighter", "xwing" })
        {
            var r = await NetnsTestLabs.ExecAsync(_cluster, ship, "curl", "-s", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing");
            Assert.True(r.ExitCode == 0, $"{ship}: exit {r.ExitCode}: {r.Stderr}");
            Assert.Equal("Ship landed\n", r.Stdout);
        }
    }

    [Fact]
    public async Task ExhaustPortPanicsAndShortNamesResolve()
    {
        var r = await NetnsTestLabs.ExecAsync(_cluster, "tiefighter", "curl", "-s", "-XPUT", "deathstar/v1/exhaust-port");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("Panic: deathstar exploded\n\ngoroutine 1 [running]:", r.Stdout);
    }

    [Fact]
    public async Task RequestsSpreadOverBothReplicas()
    {
        var seen = new HashSet<string>();
        // Random backend choice: 40 tries miss one of two replicas with probability 2^-39.
        for (var i = 0; i < 40 && seen.Count < 2; i++)
        {
            var r = await NetnsTestLabs.ExecAsync(_cluster, "tiefighter", "curl", "-s", "deathstar.default.svc.cluster.local/v1");
            var host = System.Text.Json.Nodes.JsonNode.Parse(r.Stdout)!["hostname"]!.GetValue<string>();
            seen.Add(host);
        }

        Assert.Equal(["deathstar-6fb5694d48-5hmds", "deathstar-6fb5694d48-kp2xq"], seen.Order());
        var entry = Assert.Single(_cluster.ServiceEntries);
        Assert.Equal(2, entry.Backends.Count);
        Assert.Equal(2, _cluster.LoadBalancer!.ServiceMap().Single(e => e.Key.BackendSlot == 0).Value.Count);
        var rows = _cluster.LbMapRows();
        Assert.Equal([0, 1, 2], rows.Select(r => r.Slot));
        Assert.All(rows, r => Assert.Equal(new System.Net.IPEndPoint(entry.Frontend, 80), r.Frontend));
        Assert.Equal(entry.Backends.Select(b => b.Ip).Order(ByAddress.Instance), rows.Skip(1).Select(r => r.Backend!.Address).Order(ByAddress.Instance));
    }

    [Fact]
    public async Task AccessLogShowsUpInKubectlLogs()
    {
        var ip = _cluster.FindPod("default", "tiefighter")!.Ip.ToString();
        for (var i = 0; i < 6; i++)
        {
            await NetnsTestLabs.ExecAsync(_cluster, "tiefighter", "curl", "-s", "-XPOST", "deathstar/v1/request-landing");
        }

        var logs = await _cluster.LogsAsync("default", "deathstar-6fb5694d48-5hmds", null) + await _cluster.LogsAsync("default", "deathstar-6fb5694d48-kp2xq", null);
        Assert.Contains($"{ip} - - [", logs);
        Assert.Contains("\"POST /v1/request-landing HTTP/1.1\" 200 12", logs);
    }

    [Fact]
    public async Task ExecRunsUnprivilegedInThePodWithoutHostFiles()
    {
        var id = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "id", "-u");
        Assert.Equal($"{_cluster.ExecUid}\n", id.Stdout);

        var hostname = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "hostname");
        Assert.Equal("xwing\n", hostname.Stdout);

        var addr = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "ip", "-4", "-o", "addr", "show", "dev", "eth0");
        Assert.Contains($"inet {_cluster.FindPod("default", "xwing")!.Ip}/32", addr.Stdout);

        var shadow = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "cat", "/etc/shadow");
        Assert.NotEqual(0, shadow.ExitCode);
        Assert.Contains("No such file or directory", shadow.Stderr);

        var root = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "ls", "/root", "/home");
        Assert.NotEqual(0, root.ExitCode);
    }

    [Fact]
    public async Task UnknownImageReportsErrImagePullNamingBuiltIns()
    {
        var status = Assert.Single(await _cluster.RunPodsAsync([new PodSpec("default", "mystery", new Dictionary<string, string>(), [new ContainerSpec("c", "example.com/nope:1")])], CancellationToken.None));
        Assert.Equal(PodPhase.Pending, status.Phase);
        Assert.Equal("ErrImagePull", status.StatusColumn);
        var message = status.Containers.Single().WaitingMessage;
        Assert.Contains("example.com/nope:1", message);
        Assert.Contains("quay.io/cilium/starwars", message);
    }

    [Fact]
    public async Task DeletedPodLeavesTheServiceAndItsNamespaceGoes()
    {
        var pod = _cluster.FindPod("default", "deathstar-6fb5694d48-kp2xq")!;
        Assert.True(await _cluster.DeletePodAsync("default", pod.Spec.Name, CancellationToken.None));
        Assert.False(File.Exists(LabNames.NetnsPath(pod.Netns)));
        Assert.Single(Assert.Single(_cluster.ServiceEntries).Backends);
        for (var i = 0; i < 5; i++)
        {
            var r = await NetnsTestLabs.ExecAsync(_cluster, "tiefighter", "curl", "-s", "deathstar/v1");
            Assert.Contains("deathstar-6fb5694d48-5hmds", r.Stdout);
        }
    }

    [Fact]
    public async Task PortClashLeavesThePodPendingWithTheReason()
    {
        var status = Assert.Single(await _cluster.RunPodsAsync(
            [new PodSpec("default", "twoservers", new Dictionary<string, string>(), [new ContainerSpec("a", "nginx"), new ContainerSpec("b", "nginx:1.27")])],
            CancellationToken.None));
        Assert.Equal(PodPhase.Pending, status.Phase);
        Assert.Equal("CreateContainerError", status.StatusColumn);
        Assert.Contains("listen on port 80/TCP: Address already in use", status.Containers[0].WaitingMessage);
        Assert.Equal(4, _cluster.Pods.Count(p => p.Ready)); // the others are unaffected
    }

    private sealed class ByAddress : IComparer<System.Net.IPAddress>
    {
        public static readonly ByAddress Instance = new();

        public int Compare(System.Net.IPAddress? x, System.Net.IPAddress? y) => ((ReadOnlySpan<byte>)x!.GetAddressBytes()).SequenceCompareTo(y!.GetAddressBytes());
    }
}
