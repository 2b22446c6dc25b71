using System.Diagnostics;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Pods;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Exec;

/// <summary>Exec against a real pod: hostile input stays inert, Ctrl-C and timeouts stop programs, tools work.</summary>
[Trait("Category", "Privileged")]
public sealed class PodExecPrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("exec"), null, CancellationToken.None);
        await NetnsTestLabs.StartStarWarsAsync(_cluster);
        await _cluster.RunPodsAsync(
        [
            new PodSpec("default", "hostnames", new Dictionary<string, string> { ["app"] = "hostnames" },
                [new ContainerSpec("agnhost", "registry.k8s.io/e2e-test-images/agnhost:2.52", [new ContainerPort(9376), new ContainerPort(9377, "UDP"), new ContainerPort(9378, "SCTP")], Args: ["serve-hostname"])]),
        ], CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    [Theory]
    [InlineData("; rm -rf /tmp/labsite-canary")]
    [InlineData("$(touch /tmp/labsite-canary)")]
    [InlineData("`touch /tmp/labsite-canary`")]
    [InlineData("a && touch /tmp/labsite-canary")]
    public async Task ShellSyntaxIsPrintedNotRun(string text)
    {
        var r = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "echo", text);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(text + "\n", r.Stdout);
        Assert.False(File.Exists("/tmp/labsite-canary"));
    }

    [Theory]
    [InlineData("bash", "-c", "id")]
    [InlineData("/bin/bash")]
    [InlineData("python3", "-c", "1")]
    [InlineData("../../bin/sh")]
    public async Task ShellsAreRefusedBeforeAnythingRuns(params string[] command)
    {
        var e = await Assert.ThrowsAsync<ClusterException>(() => NetnsTestLabs.ExecAsync(_cluster, "xwing", command));
        Assert.Contains("executable not available in this lab sandbox", e.Message);
    }

    [Fact]
    public async Task HostFilesAndPathsOutsideTheSandboxAreAbsent()
    {
        // This test assembly is a host file that surely exists; the sandbox must not see it.
        var hostFile = typeof(PodExecPrivilegedTests).Assembly.Location;
        Assert.True(File.Exists(hostFile));
        var r = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "cat", "../../../../etc/shadow", "/proc/1/root/etc/shadow", hostFile);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var ls = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "ls", "/");
        // var holds only the pod's service account (var/run/secrets/kubernetes.io/serviceaccount), as in a Kubernetes pod.
        Assert.Equal(["bin", "dev", "etc", "lib", "lib64", "proc", "sbin", "tmp", "usr", "var"], ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        var secrets = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "ls", "/var/run/secrets/kubernetes.io/serviceaccount");
        Assert.Equal("ca.crt\nnamespace\ntoken\n", secrets.Stdout);
    }

    [Fact]
    public async Task PodProgramsStartWithNoSignalIgnoredEvenWhenTheSiteIgnoresSigint()
    {
        // As a site started with `&` or nohup: SIGINT ignored. A pod program must still start with it at its default
        // (Ctrl-C in kubectl exec -it must reach it), as a container's processes do.
        string status;
        using (IgnoredSignal.Sigint())
        {
            status = (await NetnsTestLabs.ExecAsync(_cluster, "xwing", "grep", "SigIgn", "/proc/self/status")).Stdout;
        }
        Assert.Equal("SigIgn:\t0000000000000000\n", status);
    }

    [Fact]
    public async Task ShellRunsPipesWithAllowedPrograms()
    {
        var r = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "sh", "-c", "echo hello world | wc -w; hostname");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("2\nxwing\n", r.Stdout);
    }

    [Fact]
    public async Task ShellCannotStartHostProgramsOutsideTheAllowList()
    {
        var r = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "sh", "-c",
            "python3 -c 1; perl -e 1; bash -c id; env dotnet --info; ls /usr/bin | wc -l; echo x > /usr/bin/mine; echo done");
        Assert.Contains("done", r.Stdout);
        Assert.DoesNotContain("uid=", r.Stdout);
        Assert.Contains("python3: not found", r.Stderr);
        Assert.Contains("Read-only file system", r.Stderr);
        var listed = int.Parse(r.Stdout.Split('\n')[0]);
        Assert.True(listed <= 30, $"/usr/bin in the sandbox lists {listed} programs");
    }

    [Fact]
    public async Task ShellCannotReadHostPathsOrEscape()
    {
        var r = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "sh", "-c",
            "cat /etc/shadow /proc/1/root/etc/shadow; ls /root /work /home; cd / && cd .. && ls; id -u; " +
            "cat /proc/self/status | grep -E '^(CapEff|NoNewPrivs)'");
        Assert.DoesNotContain("root:", r.Stdout);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("CapEff:\t0000000000000000", lines);
        Assert.Contains("NoNewPrivs:\t1", lines);
        Assert.DoesNotContain("0", lines);
        Assert.DoesNotContain(lines, l => l == "work" || l == "root" || l == "home");
    }

    [Fact]
    public async Task ForkBombIsBoundedAndTheLabSurvives()
    {
        // The classic bomb: it forks until the per-uid process limit refuses, then the exec timeout or exit ends it.
        var r = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "sh", "-c", "f() { f | f & }; f; sleep 1; echo survived");
        Assert.NotNull(r.Stderr);
        var after = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "echo", "still here");
        Assert.Equal(0, after.ExitCode);
        Assert.Equal("still here\n", after.Stdout);
    }

    [Fact]
    public async Task HugeOutputIsCappedAndTheCommandStopped()
    {
        var r = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "sh", "-c", "while :; do echo 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef; done");
        Assert.NotEqual(0, r.ExitCode);
        Assert.True(r.Stdout.Length <= 16 * 1024 * 1024, $"stdout was {r.Stdout.Length} bytes");
        Assert.True(r.Stdout.Length > 1024 * 1024);
        Assert.Contains("output exceeded", r.Stderr);
    }

    [Fact]
    public async Task BackgroundJobsDieWithTheExec()
    {
        // A unique duration marks the job (a second operand would make sleep fail at once and prove nothing).
        var duration = $"1000.{Random.Shared.Next(100_000, 1_000_000)}";
        var r = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "sh", "-c", $"sleep {duration} & sleep 0.3; echo started");
        Assert.Equal("started\n", r.Stdout);
        Assert.Equal(0, r.ExitCode);
        Assert.Empty(HostProcesses.Running("sleep", duration));
    }

    [Fact]
    public async Task ExecSeesOnlyItsOwnProcesses()
    {
        var r = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "ls", "/proc");
        var pids = r.Stdout.Split('\n').Where(l => l.All(char.IsAsciiDigit) && l.Length > 0).ToList();
        Assert.True(pids.Count <= 3, $"pids visible: {string.Join(",", pids)}");
    }

    [Fact]
    public async Task UnknownPodIsNotFound()
    {
        var e = await Assert.ThrowsAsync<ClusterException>(() => NetnsTestLabs.ExecAsync(_cluster, "deathstar", "true"));
        Assert.Equal("Error from server (NotFound): pods \"deathstar\" not found in namespace \"default\"", e.Message);
    }

    [Fact]
    public async Task UnknownContainerIsNamed()
    {
        var e = await Assert.ThrowsAsync<ClusterException>(() =>
            _cluster.ExecAsync(new ExecRequest("default", "xwing", ["true"], Container: "sidecar"), new ExecStreams(Stream.Null, Stream.Null), CancellationToken.None));
        Assert.Equal("error: container sidecar is not valid for pod xwing", e.Message);
    }

    [Fact]
    public async Task CtrlCInterruptsAHangingProgram()
    {
        using var cancel = new CancellationTokenSource();
        using var stdout = new MemoryStream();
        var sw = Stopwatch.StartNew();
        var run = _cluster.ExecAsync(new ExecRequest("default", "xwing", ["sleep", "60"]), new ExecStreams(stdout, Stream.Null), cancel.Token);
        await Task.Delay(300);
        await cancel.CancelAsync();
        var code = await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.NotEqual(0, code); // 130 (SIGINT) or 137 (SIGKILL after the grace period)
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task TimeoutStopsTheProgramAndSaysSo()
    {
        using var stderr = new MemoryStream();
        var code = await _cluster.ExecAsync(new ExecRequest("default", "xwing", ["sleep", "60"], TimeSpan.FromMilliseconds(500)), new ExecStreams(Stream.Null, stderr), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(124, code);
        Assert.Equal("labsite: command timed out after 0.5s and was stopped\n", Encoding.UTF8.GetString(stderr.ToArray()));
    }

    [Fact]
    public async Task ExitCodesPassThrough()
    {
        Assert.Equal(1, (await NetnsTestLabs.ExecAsync(_cluster, "xwing", "false")).ExitCode);
        var r = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "curl", "-s", "--max-time", "2", "http://10.250.0.1/");
        Assert.True(r.ExitCode is 7 or 28, $"curl exit {r.ExitCode}");
    }

    [Fact]
    public async Task PingWorksUnprivileged()
    {
        var target = _cluster.FindPod("default", "deathstar-6fb5694d48-5hmds")!.Ip;
        var r = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "ping", "-c", "1", "-W", "2", target.ToString());
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("1 received", r.Stdout);
    }

    [Fact]
    public async Task AgnhostAnswersOnTcpAndUdpAndLogsSctp()
    {
        var ip = _cluster.FindPod("default", "hostnames")!.Ip;
        var tcp = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "curl", "-s", $"http://{ip}:9376/");
        Assert.Equal("hostnames", tcp.Stdout);

        using var stdout = new MemoryStream();
        using var stdin = new MemoryStream("hello\n"u8.ToArray());
        var code = await _cluster.ExecAsync(new ExecRequest("default", "xwing", ["nc", "-u", "-w", "1", ip.ToString(), "9377"], TimeSpan.FromSeconds(10)), new ExecStreams(stdout, Stream.Null, stdin), CancellationToken.None);
        Assert.Equal(0, code);
        Assert.Equal("hostnames", Encoding.UTF8.GetString(stdout.ToArray()));

        var logs = await _cluster.LogsAsync("default", "hostnames", null);
        Assert.Contains("port 9378/SCTP not served: SCTP is not available in this kernel (CONFIG_IP_SCTP unset)", logs);
    }

    [Fact]
    public async Task ClusterDnsAnswersDigAndNslookup()
    {
        var clusterIp = _cluster.Services.Single().ClusterIp.ToString();
        var dig = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "dig", "+short", "+time=2", "+tries=1", "deathstar.default.svc.cluster.local");
        Assert.Equal(clusterIp + "\n", dig.Stdout);

        var nslookup = await NetnsTestLabs.ExecAsync(_cluster, "tiefighter", "nslookup", "deathstar");
        Assert.Equal(0, nslookup.ExitCode);
        Assert.Contains("Name:\tdeathstar.default.svc.cluster.local\nAddress: " + clusterIp, nslookup.Stdout);
        Assert.DoesNotContain("recursion not available", nslookup.Stdout + nslookup.Stderr);

        var missing = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "dig", "+time=2", "+tries=1", "nope.default.svc.cluster.local");
        Assert.Contains("status: NXDOMAIN", missing.Stdout);
    }
}
