using LabSite.Clusters.Contract;
using LabSite.Clusters.Kind.Tools;

namespace LabSite.Clusters.Kind.Tests;

/// <summary>The CliWrap runner against real processes: streaming, exit codes, stdin, cancellation, a missing tool.</summary>
public sealed class ToolRunnerTests
{
    private readonly ToolRunner _runner = new();

    [Fact]
    public async Task Streams_each_line_and_returns_the_exit_code_without_throwing()
    {
        var seen = new List<string>();
        var result = await _runner.RunAsync("sh", ["-c", "echo one; echo two >&2; echo three; exit 3"], "install sh", l => { lock (seen) { seen.Add(l); } }, CancellationToken.None);
        Assert.Equal(3, result.ExitCode);
        Assert.False(result.Succeeded);
        Assert.Equal(["one", "three"], seen.Where(l => l != "two"));
        Assert.Contains("two", seen);
        Assert.Equal(3, result.LastLines.Count);
    }

    [Fact]
    public async Task Keeps_only_the_last_lines_for_errors()
    {
        var result = await _runner.RunAsync("sh", ["-c", "seq 1 100"], "", null, CancellationToken.None);
        Assert.True(result.Succeeded);
        Assert.Equal(ToolRunner.KeptLines, result.LastLines.Count);
        Assert.Equal("100", result.LastLines[^1]);
        Assert.Equal("81", result.LastLines[0]);
    }

    [Fact]
    public async Task Passes_stdin_and_environment()
    {
        var result = await _runner.RunAsync("sh", ["-c", "cat; echo \"$LAB\""], "", null, CancellationToken.None,
            stdin: "kind: Cluster\n", environment: new Dictionary<string, string?> { ["LAB"] = "lab1" });
        Assert.Equal(["kind: Cluster", "lab1"], result.LastLines);
    }

    [Fact]
    public async Task Cancellation_kills_the_process()
    {
        using var cts = new CancellationTokenSource();
        var pidFile = Path.GetTempFileName();
        var run = _runner.RunAsync("sh", ["-c", $"echo $$ > {pidFile}; echo started; exec sleep 300"], "", l => { if (l == "started") { cts.Cancel(); } }, cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        File.Delete(pidFile);
        // the process is gone (killed, then reaped by CliWrap): /proc has no entry, or only a zombie being reaped
        for (var i = 0; i < 100 && Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(!Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), $"sleep (pid {pid}) still runs after cancel");
    }

    [Fact]
    public async Task A_missing_tool_is_one_clear_line_naming_it_and_its_fix()
    {
        var e = await Assert.ThrowsAsync<ClusterException>(() => _runner.RunAsync("kind-not-installed-here", ["version"], "install kind: https://kind.sigs.k8s.io", null, CancellationToken.None));
        Assert.Equal("kind-not-installed-here not found (looked for 'kind-not-installed-here' on PATH); install kind: https://kind.sigs.k8s.io", e.Message);
        var abs = await Assert.ThrowsAsync<ClusterException>(() => _runner.RunAsync("/nonexistent/helm", [], "run scripts/setup.sh", null, CancellationToken.None));
        Assert.Equal("/nonexistent/helm not found (looked for '/nonexistent/helm'); run scripts/setup.sh", abs.Message);
    }

    [Fact]
    public void A_failed_stage_names_cluster_stage_exit_and_last_lines()
    {
        var e = new StageFailedException("lab1", "helm install cilium", new ToolResult(1, ["a", "Error: INSTALLATION FAILED: context deadline exceeded"]));
        Assert.StartsWith("create lab1: helm install cilium failed (exit 1):", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("Error: INSTALLATION FAILED: context deadline exceeded", e.Message, StringComparison.Ordinal);
    }
}
