using System.Text.Json;
using LabSite.Clusters.Contract.Runtime;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Tetra;

/// <summary><c>tetra getevents</c> in the lab shell over an in-memory cluster's runtime events.</summary>
public sealed class TetraCommandTests
{
    private static readonly DateTimeOffset s_t = new(2026, 12, 6, 1, 0, 0, TimeSpan.Zero);

    private static TetragonEvent Exec(string pod, string binary, string? args, string ns = "default") => new()
    {
        ProcessExec = new ProcessExec(
            new TetragonProcess("aWQ=", 42, 1000, binary, args, "execve", s_t, new TetragonPod(ns, pod, new TetragonContainer("labsite://x", "c"), null, pod), null),
            null),
        NodeName = "labsite/lab",
        Time = s_t.AddTicks(1234567),
    };

    /// <summary>Runs <paramref name="line"/> until its output shows <paramref name="until"/>, writing events once it follows, then Ctrl-C.</summary>
    private static async Task<(int Status, string Out, string Err)> StreamAsync(string line, string until, params TetragonEvent[] events)
    {
        var cluster = StarWarsObjects.Cluster();
        using var shell = new ShellHarness(cluster, inspection: true);
        using var cancel = new CancellationTokenSource();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var run = shell.Interpreter.RunAsync(line, TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), cancel.Token);
        for (var i = 0; i < 500 && cluster.RuntimeEvents!.Followers == 0 && !run.IsCompleted; i++)
        {
            await Task.Delay(10);
        }

        foreach (var e in events)
        {
            cluster.RuntimeEvents!.Write(e);
        }

        for (var i = 0; i < 500 && !stdout.ToString().Contains(until, StringComparison.Ordinal) && !run.IsCompleted; i++)
        {
            await Task.Delay(10);
        }

        await cancel.CancelAsync();
        return (await run, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Compact_streams_new_events_filtered_by_pod_regex_until_ctrl_c()
    {
        var (status, stdout, _) = await StreamAsync("tetra getevents -o compact --pods death", "/usr/bin/cat",
            Exec("xwing", "/usr/bin/curl", "http://deathstar"), Exec("deathstar-1", "/usr/bin/cat", "/etc/hostname"));

        Assert.Equal(ShellInterpreter.Interrupted, status); // the shell's status for a Ctrl-C'd command
        Assert.Equal("🚀 process default/deathstar-1 /usr/bin/cat /etc/hostname\n", stdout);
    }

    [Fact]
    public async Task Json_is_the_default_with_tetragons_field_names()
    {
        var (_, stdout, _) = await StreamAsync("tetra getevents --processes curl", "curl", Exec("xwing", "/usr/bin/curl", "-s http://deathstar"));

        using var doc = JsonDocument.Parse(stdout.Trim());
        Assert.Equal("/usr/bin/curl", doc.RootElement.GetProperty("process_exec").GetProperty("process").GetProperty("binary").GetString());
        Assert.Equal("xwing", doc.RootElement.GetProperty("process_exec").GetProperty("process").GetProperty("pod").GetProperty("name").GetString());
        Assert.Equal("2026-12-06T01:00:00.123456700Z", doc.RootElement.GetProperty("time").GetString());
    }

    [Fact]
    public async Task Timestamps_prefix_compact_lines_and_deprecated_flags_warn_but_work()
    {
        var (_, stdout, stderr) = await StreamAsync("tetra getevents -o compact --timestamps --pod xwing -e PROCESS_EXEC", "curl", Exec("xwing", "/usr/bin/curl", null));

        Assert.Equal("2026-12-06T01:00:00.123456700Z 🚀 process default/xwing /usr/bin/curl\n", stdout);
        Assert.Equal("Flag --pod has been deprecated, please use --pods instead\n", stderr);
    }

    [Fact]
    public async Task Kubectl_exec_into_the_tetragon_daemonset_runs_tetra()
    {
        var (_, stdout, _) = await StreamAsync("kubectl exec -n kube-system ds/tetragon -c tetragon -- tetra getevents -o compact", "curl", Exec("xwing", "/usr/bin/curl", null));

        Assert.Equal("🚀 process default/xwing /usr/bin/curl\n", stdout);
    }

    [Theory]
    [InlineData("tetra getevents -o yaml", "Error: invalid value for \"output\" flag: yaml\n")]
    [InlineData("tetra getevents -e process_exec", "Error: invalid value for \"event-types\" flag: process_exec. Supported are PROCESS_EXEC, PROCESS_EXIT, PROCESS_LSM\n")]
    [InlineData("tetra getevents --pods 'death('", "Error: invalid value for \"pods\" flag: death(: Invalid pattern 'death(' at offset 6. Not enough )'s.\n")]
    [InlineData("tetra getevents --color rainbow", "Error: invalid value for \"color\" flag: rainbow\n")]
    [InlineData("tetra getevents --host", "Error: --host is not available in the lab shell: events come whole, and only from the lab's pods\n")]
    [InlineData("tetra getevents --bogus", "Error: unknown flag: --bogus\n")]
    [InlineData("tetra getevents --pods", "Error: flag needs an argument: --pods\n")]
    [InlineData("tetra status", "Error: unknown command \"status\" for \"tetra\"\nRun 'tetra --help' for usage.\n")]
    public async Task Bad_arguments_are_refused_by_name(string line, string error)
    {
        using var shell = new ShellHarness(inspection: true);

        Assert.Equal((1, "", error), await shell.RunAsync(line));
    }

    [Fact]
    public async Task A_cluster_without_inspection_or_sensor_says_so()
    {
        using (var shell = new ShellHarness())
        {
            Assert.Equal((1, "", "not available in this cluster yet: tetra getevents (runtime events)\n"), await shell.RunAsync("tetra getevents"));
        }

        var cluster = StarWarsObjects.Cluster();
        cluster.RuntimeEvents = null;
        using var noSensor = new ShellHarness(cluster, inspection: true);
        Assert.Equal((1, "", "Error: this cluster runs no runtime-security sensor\n"), await noSensor.RunAsync("tetra getevents"));
    }

    [Fact]
    public async Task Kubectl_exec_into_tetragon_refuses_other_programs()
    {
        using var shell = new ShellHarness(inspection: true);

        var (status, _, err) = await shell.RunAsync("kubectl exec -n kube-system ds/tetragon -- cilium-dbg status");
        Assert.Equal(126, status);
        Assert.Equal("error: the lab's Tetragon agent runs tetra; \"cilium-dbg\" is not available there\n", err);
    }
}
