using System.Diagnostics;
using LabSite.Cli.Doctor;
using LabSite.Clusters.Kind;
using LabSite.Clusters.Kind.Tools;

namespace LabSite.Cli.Tests;

/// <summary>
/// <c>labsite doctor</c> and <c>cluster up --backend kind</c> as a user runs them, in their own process: once on this
/// host as it is, once with PATH stripped to an empty folder, so bubblewrap, kind, helm and kubectl are all missing.
/// </summary>
public sealed class DoctorCommandTests : IDisposable
{
    private readonly string _empty = Directory.CreateTempSubdirectory("labsite-doctor-").FullName;

    public void Dispose() => Directory.Delete(_empty, recursive: true);

    private static async Task<(int Code, string Out, string Err)> RunAsync(string? path, params string[] args)
    {
        var start = new ProcessStartInfo(ToolRunner.Resolve("dotnet") ?? "/usr/bin/dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(LabSiteCommandLine).Assembly.Location);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        if (path is not null)
        {
            start.Environment["PATH"] = path;
        }
        // the kind settings come from the environment, as the agent reads them: keep the defaults here
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("KindOptions__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await output, await error);
    }

    [Fact]
    public async Task With_path_stripped_every_tool_is_missing_with_its_fix_and_the_default_backend_cannot_run()
    {
        var (code, output, _) = await RunAsync(_empty, "doctor", "--clusters", "3");

        Assert.Equal(1, code);
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.Contains("MISSING bubblewrap", StringComparison.Ordinal) && l.Contains("apt-get install bubblewrap", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("MISSING kind", StringComparison.Ordinal) && l.Contains(KindBackend.KindInstall, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("MISSING helm", StringComparison.Ordinal) && l.Contains(KindBackend.HelmInstall, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("MISSING kubectl", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("memory for 3", StringComparison.Ordinal) && l.Contains($"{3 * HostChecks.NetnsMiBPerCluster} MiB needed", StringComparison.Ordinal));
        Assert.Equal("netns: cannot run; kind: cannot run", lines.Last(l => l.Length > 0));
    }

    [Fact]
    public async Task On_this_host_the_netns_backend_is_ready()
    {
        var (code, output, _) = await RunAsync(null, "doctor");

        Assert.True(code == 0, output);
        Assert.Contains("  ok      bpffs", output, StringComparison.Ordinal);
        Assert.Contains("  ok      BTF", output, StringComparison.Ordinal);
        Assert.Contains("  ok      bubblewrap             /usr/bin/bwrap", output, StringComparison.Ordinal);
        Assert.StartsWith("netns: ready; kind: ", output.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_up_on_kind_without_kind_says_what_is_missing_in_one_line_and_asks_no_agent()
    {
        var socket = Path.Combine(_empty, "agent", "agent.sock");

        var (code, output, error) = await RunAsync(_empty, "cluster", "up", "demo", "--backend", "kind", "--socket", socket);

        Assert.Equal(1, code);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("labsite cluster up: the kind backend cannot run here: ", line, StringComparison.Ordinal);
        Assert.Contains("kind not found (looked for 'kind' on PATH); install kind", line, StringComparison.Ordinal);
        Assert.Contains("helm not found", line, StringComparison.Ordinal);
        // no agent was started for it
        Assert.False(Directory.Exists(Path.GetDirectoryName(socket)));
    }

    [Fact]
    public async Task Lab_test_on_kind_without_kind_says_what_is_missing_in_one_line()
    {
        var (code, output, error) = await RunAsync(_empty, "lab", "test", Testing.RepositoryPaths.Lab("starwars"), "--backend", "kind");

        Assert.Equal((1, ""), (code, output));
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("labsite lab test: the kind backend cannot run here: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lab_test_refuses_a_backend_it_does_not_know()
    {
        var (code, _, error) = await RunAsync(null, "lab", "test", Testing.RepositoryPaths.Lab("starwars"), "--backend", "docker");

        Assert.NotEqual(0, code);
        Assert.Contains("docker", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("6.18.0-1-amd64", true)]
    [InlineData("6.1.0", true)]
    [InlineData("5.15.0-91-generic", false)]
    [InlineData("garbage", false)]
    public void Kernel_versions_compare_by_major_and_minor(string release, bool ok) => Assert.Equal(ok, HostChecks.KernelAtLeast(release, 6, 1));

    [Fact]
    public async Task A_bad_cluster_count_is_refused()
    {
        var (code, _, error) = await RunAsync(null, "doctor", "--clusters", "0");

        Assert.Equal(2, code);
        Assert.Equal("labsite doctor: --clusters 0: must be between 1 and 10000\n", error);
    }
}
