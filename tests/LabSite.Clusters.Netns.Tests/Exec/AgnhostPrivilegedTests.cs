using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Pods;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Exec;

/// <summary>
/// agnhost as test suites probe with it, with real packets: <c>netexec</c>'s HTTP and UDP endpoints, and
/// <c>/agnhost connect</c> run in an agnhost pod with agnhost's exit codes and stderr prefixes (success, REFUSED, DNS,
/// TIMEOUT under a policy that drops, UNKNOWN for a bad address).
/// </summary>
[Trait("Category", "Privileged")]
public sealed class AgnhostPrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("agnhost"), null, CancellationToken.None);
        await NetnsTestLabs.StartStarWarsAsync(_cluster);
        await _cluster.RunPodsAsync(
        [
            new PodSpec("default", "netexec", new Dictionary<string, string> { ["app"] = "netexec" },
                [new ContainerSpec("agnhost", "registry.k8s.io/e2e-test-images/agnhost:2.52", Args: ["netexec", "--http-port=8080", "--udp-port", "8081"])]),
        ], CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    private string Ip(string pod) => _cluster.FindPod("default", pod)!.Ip.ToString();

    private async Task<(int Code, string Out)> Udp(string from, string to, string payload)
    {
        using var stdout = new MemoryStream();
        using var stdin = new MemoryStream(Encoding.UTF8.GetBytes(payload));
        var code = await _cluster.ExecAsync(new ExecRequest("default", from, ["nc", "-u", "-w", "1", to, "8081"], TimeSpan.FromSeconds(10)), new ExecStreams(stdout, Stream.Null, stdin), CancellationToken.None);
        return (code, Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task NetexecAnswersHostnameEchoAndClientIpOverHttpAndUdp()
    {
        var netexec = Ip("netexec");
        var xwing = Ip("xwing");
        Assert.Equal("netexec", (await NetnsTestLabs.ExecAsync(_cluster, "xwing", "curl", "-s", $"http://{netexec}:8080/hostname")).Stdout);
        Assert.Equal("Hello World", (await NetnsTestLabs.ExecAsync(_cluster, "xwing", "curl", "-s", $"http://{netexec}:8080/echo?msg=Hello%20World")).Stdout);
        var coded = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", $"http://{netexec}:8080/echo?msg=x&code=503");
        Assert.Equal("503", coded.Stdout);
        Assert.StartsWith(xwing + ":", (await NetnsTestLabs.ExecAsync(_cluster, "xwing", "curl", "-s", $"http://{netexec}:8080/clientip")).Stdout);

        // What would run commands in the pod is not offered, and says so.
        var shell = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "curl", "-s", "-w", " %{http_code}", $"http://{netexec}:8080/shell?cmd=id");
        Assert.Equal("agnhost netexec /shell is not offered in this lab (it would run or change things in the pod)\n 404", shell.Stdout);

        Assert.Equal((0, "netexec"), await Udp("xwing", netexec, "hostname\n"));
        Assert.Equal((0, "hello there"), await Udp("xwing", netexec, "echo Hello There\n"));
        var clientIp = await Udp("xwing", netexec, "clientip\n");
        Assert.StartsWith(xwing + ":", clientIp.Out);

        var logs = await _cluster.LogsAsync("default", "netexec", null);
        Assert.Contains("Started HTTP server on port 8080", logs);
    }

    [Fact]
    public async Task ConnectSucceedsRefusesAndNamesDnsAndAddressErrorsAsAgnhost()
    {
        var deathstar = Ip(_cluster.Pods.First(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal)).Spec.Name);

        var ok = await NetnsTestLabs.ExecAsync(_cluster, "netexec", "/agnhost", "connect", "deathstar.default.svc.cluster.local:80", "--timeout=5s");
        Assert.Equal((0, "", ""), (ok.ExitCode, ok.Stdout, ok.Stderr));
        var direct = await NetnsTestLabs.ExecAsync(_cluster, "netexec", "/agnhost", "connect", $"{deathstar}:80", "--timeout", "5s", "--protocol=tcp");
        Assert.Equal((0, ""), (direct.ExitCode, direct.Stderr));

        var refused = await NetnsTestLabs.ExecAsync(_cluster, "netexec", "/agnhost", "connect", $"{deathstar}:81", "--timeout=5s");
        Assert.Equal((1, "REFUSED\n"), (refused.ExitCode, refused.Stderr));
        var udpRefused = await NetnsTestLabs.ExecAsync(_cluster, "netexec", "/agnhost", "connect", $"{deathstar}:9999", "--protocol=udp", "--timeout=3s");
        Assert.Equal(1, udpRefused.ExitCode);
        Assert.Matches(@"^REFUSED: read udp [\d.]+:\d+->[\d.]+:9999: connection refused\n$", udpRefused.Stderr);

        // netexec's own UDP server answers agnhost connect's default payload ("hostname").
        var udp = await NetnsTestLabs.ExecAsync(_cluster, "netexec", "/agnhost", "connect", $"{Ip("netexec")}:8081", "--protocol=udp", "--timeout=3s");
        Assert.Equal((0, ""), (udp.ExitCode, udp.Stderr));

        var dns = await NetnsTestLabs.ExecAsync(_cluster, "netexec", "/agnhost", "connect", "nope.default.svc.cluster.local:80", "--timeout=3s");
        Assert.Equal(1, dns.ExitCode);
        Assert.StartsWith("DNS: lookup nope.default.svc.cluster.local: ", dns.Stderr);
        var bad = await NetnsTestLabs.ExecAsync(_cluster, "netexec", "/agnhost", "connect", "deathstar");
        Assert.Equal((1, "UNKNOWN: address deathstar: missing port in address\n"), (bad.ExitCode, bad.Stderr));
        var badTimeout = await NetnsTestLabs.ExecAsync(_cluster, "netexec", "/agnhost", "connect", "deathstar:80", "--timeout=soon");
        Assert.Equal(1, badTimeout.ExitCode);
        Assert.StartsWith("Error: invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\"\n", badTimeout.Stderr);

        // Only agnhost's image has /agnhost.
        var e = await Assert.ThrowsAsync<ClusterException>(() => NetnsTestLabs.ExecAsync(_cluster, "xwing", "/agnhost", "connect", "deathstar:80"));
        Assert.Contains("\"/agnhost\": executable not available in this lab sandbox", e.Message);
    }

    [Fact]
    public async Task ConnectTimesOutWhenPolicyDropsTheSyn()
    {
        // The L3/L4 rule admits only org=empire to the deathstar; the netexec pod has no such label.
        var policy = await File.ReadAllTextAsync(RepositoryPaths.StarWarsManifest("sw_l3_l4_policy.yaml"));
        await _cluster.ApplyAsync(new ManifestText(policy, "sw_l3_l4_policy.yaml"), ApplyMode.Apply, CancellationToken.None);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);

        var dropped = await NetnsTestLabs.ExecAsync(_cluster, "netexec", "/agnhost", "connect", "deathstar.default.svc.cluster.local:80", "--timeout=2s");
        Assert.Equal((1, "TIMEOUT\n"), (dropped.ExitCode, dropped.Stderr));
        var allowed = await NetnsTestLabs.ExecAsync(_cluster, "tiefighter", "curl", "-s", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing");
        Assert.Equal("Ship landed\n", allowed.Stdout);
    }
}
