using LabSite.Clusters.Contract;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Bpftool;

/// <summary>The command's own paths that need no kernel: help, refusals before any process, clusters without eBPF objects.</summary>
public class BpftoolCommandTests
{
    [Fact]
    public async Task Help_prints_the_allowed_set_without_running_bpftool()
    {
        var tools = new RecordingToolRunner();
        using var shell = new ShellHarness(tools: tools);
        var (status, output, _) = await shell.RunAsync("bpftool help");
        Assert.Equal(0, status);
        Assert.Contains("bpftool map lookup MAP key [hex] BYTES", output);
        Assert.Empty(tools.Runs);
    }

    [Fact]
    public async Task A_cluster_without_eBPF_objects_says_where_bpftool_works()
    {
        var tools = new RecordingToolRunner();
        using var shell = new ShellHarness(tools: tools);
        Assert.Equal((1, "", "bpftool: cluster \"fake\" (fake) has no eBPF objects of its own on this host (bpftool works on netns clusters)\n"),
            await shell.RunAsync("bpftool map show"));
        Assert.Empty(tools.Runs);
    }

    [Fact]
    public async Task Refusals_exit_2_before_any_process_starts()
    {
        var tools = new RecordingToolRunner();
        using var shell = new ShellHarness(tools: tools);
        Assert.Equal((2, "", "bpftool: map update is not available in the lab shell (it changes maps or the host); allowed: map show, dump, lookup, getnext, peek\n"),
            await shell.RunAsync("bpftool map update id 1 key 0 0 0 0 value 0 0 0 0"));
        Assert.Empty(tools.Runs);
    }

    [Fact]
    public async Task Version_runs_the_real_bpftool()
    {
        var tools = new RecordingToolRunner();
        using var shell = new ShellHarness(tools: tools);
        var (status, output, _) = await shell.RunAsync("bpftool version");
        Assert.Equal(0, status);
        Assert.Matches(@"^/usr/sbin/bpftool v\d+\.\d+\.\d+\nusing libbpf", output);
        Assert.Equal([("/usr/sbin/bpftool", (IReadOnlyList<string>)["version"])], tools.Runs.Select(r => (r.Path, r.Args)).ToList(), new RunComparer());
    }

    [Fact]
    public async Task An_unreadable_listing_is_a_clear_error()
    {
        var cluster = new InMemoryCluster { BpfObjects = new LabBpfObjects("/sys/fs/bpf/labsite/lab1", [new(BpfObjectKind.Map, 1)]) };
        using var shell = new ShellHarness(cluster, new AnswerWith("[{\"id\":1,"), inspection: true);
        var (status, _, error) = await shell.RunAsync("bpftool -j map show");
        Assert.Equal(1, status);
        Assert.StartsWith("bpftool: bpftool printed JSON we could not read:", error);
    }

    private sealed class AnswerWith(string stdout) : IToolRunner
    {
        public Task<ToolResult> RunAsync(AllowedTool tool, IReadOnlyList<string> args, string stdin, CancellationToken ct) =>
            Task.FromResult(new ToolResult(0, stdout, ""));
    }

    private sealed class RunComparer : IEqualityComparer<(string Path, IReadOnlyList<string> Args)>
    {
        public bool Equals((string Path, IReadOnlyList<string> Args) x, (string Path, IReadOnlyList<string> Args) y) => x.Path == y.Path && x.Args.SequenceEqual(y.Args);

        public int GetHashCode((string Path, IReadOnlyList<string> Args) obj) => obj.Path.GetHashCode();
    }
}
