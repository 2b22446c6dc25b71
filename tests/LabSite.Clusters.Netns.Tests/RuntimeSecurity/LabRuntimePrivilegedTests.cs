using System.Diagnostics;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Runtime;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.RuntimeSecurity;

/// <summary>
/// The runtime sensor wired into netns labs, on the real kernel: a pod's exec'd processes come back as Tetragon events
/// with pod context and exit codes, the sandbox's own plumbing is not shown, another lab's processes never appear,
/// and destroying the last lab releases every program of the sensor.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class LabRuntimePrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _a = null!;
    private NetnsCluster _b = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _a = await _backend.CreateAsync(new ClusterRequest("rt-a"), null, CancellationToken.None);
        _b = await _backend.CreateAsync(new ClusterRequest("rt-b"), null, CancellationToken.None);
        await Task.WhenAll(NetnsTestLabs.StartStarWarsAsync(_a), NetnsTestLabs.StartStarWarsAsync(_b));
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync("rt-a", CancellationToken.None);
        await _backend.DestroyAsync("rt-b", CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    [Fact]
    public async Task A_shell_in_a_pod_shows_its_children_with_pod_context_and_exit_codes()
    {
        var run = await NetnsTestLabs.ExecAsync(_a, "deathstar-6fb5694d48-5hmds", "sh", "-c", "ls /no-such-plans; id -u");
        Assert.Equal(0, run.ExitCode);

        var ls = await WaitFor(_a, e => e.ProcessExit is { } x && x.Process.Binary == "/usr/bin/ls");
        Assert.Equal(2, ls.ProcessExit!.Status);
        Assert.Null(ls.ProcessExit.Signal);
        var events = await _a.GetRuntimeEventsAsync(RuntimeEventQuery.All, CancellationToken.None);
        var shell = Assert.Single(events!, e => e.ProcessExec?.Process.Binary == "/usr/bin/sh");
        Assert.Equal("-c ls /no-such-plans; id -u", shell.ProcessExec!.Process.Arguments);
        var pod = shell.ProcessExec.Process.Pod!;
        Assert.Equal(("default", "deathstar-6fb5694d48-5hmds", "deathstar"), (pod.Namespace, pod.Name, pod.Workload));
        Assert.Equal("deathstar", pod.Container!.Name);
        Assert.Equal("empire", pod.PodLabels!["org"]);
        var lsExec = Assert.Single(events!, e => e.ProcessExec?.Process.Binary == "/usr/bin/ls");
        Assert.Equal(shell.ProcessExec.Process.ExecId, lsExec.ProcessExec!.Process.ParentExecId);
        Assert.Equal("labsite/rt-a", shell.NodeName);
        Assert.Equal("🚀 process default/deathstar-6fb5694d48-5hmds /usr/bin/ls /no-such-plans", TetragonCompact.Format(lsExec));
        Assert.DoesNotContain(events!, e => e.Process is { } p && (p.Binary.EndsWith("bwrap", StringComparison.Ordinal) || p.Binary.EndsWith("nsenter", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Events_of_another_lab_never_appear_and_filters_select_by_pod_and_type()
    {
        await NetnsTestLabs.ExecAsync(_b, "xwing", "cat", "/etc/hostname");
        await NetnsTestLabs.ExecAsync(_a, "xwing", "echo", "after-b");

        // a's own exec was started after b's: once it shows, b's had its chance to leak in.
        await WaitFor(_a, e => e.ProcessExec?.Process.Arguments == "after-b");
        await WaitFor(_b, e => e.ProcessExec?.Process.Binary == "/usr/bin/cat");
        var inA = await _a.GetRuntimeEventsAsync(RuntimeEventQuery.All, CancellationToken.None);
        Assert.DoesNotContain(inA!, e => e.Process?.Binary == "/usr/bin/cat" && e.Process.Arguments == "/etc/hostname");
        Assert.All(inA!, e => Assert.Equal("labsite/rt-a", e.NodeName));

        var onlyExits = await _a.GetRuntimeEventsAsync(new RuntimeEventQuery(new TetragonFilter([], ["^xwing$"], ["echo"], ["PROCESS_EXIT"])), CancellationToken.None);
        var exit = Assert.Single(onlyExits!);
        Assert.Equal(0, exit.ProcessExit!.Status);
    }

    [Fact]
    public async Task Follow_streams_new_events_until_cancelled()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var filter = new TetragonFilter([], ["tiefighter"], [], ["PROCESS_EXEC"]);
        var seen = new List<TetragonEvent>();
        var follow = Task.Run(async () =>
        {
            await foreach (var e in _a.FollowRuntimeEventsAsync(new RuntimeEventQuery(filter, 0), cts.Token))
            {
                seen.Add(e);
                if (e.ProcessExec?.Process.Arguments == "follow-me")
                {
                    return;
                }
            }
        });
        // The follower registers before this exec may finish; retry the exec until it shows (not a timing assertion).
        while (!follow.IsCompleted && !cts.IsCancellationRequested)
        {
            await NetnsTestLabs.ExecAsync(_a, "tiefighter", "echo", "follow-me");
            await Task.WhenAny(follow, Task.Delay(500, cts.Token));
        }

        await follow;
        Assert.All(seen, e => Assert.Equal("tiefighter", e.Process!.Pod!.Name));
    }

    [Fact]
    public async Task Destroying_the_last_lab_releases_every_sensor_program()
    {
        var backend = new NetnsBackend(NetnsTestLabs.Options());
        await backend.StartAsync(CancellationToken.None);
        var lab = await backend.CreateAsync(new ClusterRequest("rt-one"), null, CancellationToken.None);
        var ids = backend.Runtime.Sensor!.ProgramIds;
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.True(ProgramExists(id), $"prog {id} should be loaded"));
        Assert.NotNull(lab.RuntimeSecurity);

        await backend.DestroyAsync("rt-one", CancellationToken.None);
        NetnsTestLabs.DeleteRoots(backend.Options);

        Assert.Null(backend.Runtime.Sensor);
        Assert.All(ids, id => Assert.False(ProgramExists(id), $"prog {id} is still loaded after the last lab went"));
    }

    private static bool ProgramExists(uint id)
    {
        using var p = Process.Start(new ProcessStartInfo("bpftool", ["prog", "show", "id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    private static async Task<TetragonEvent> WaitFor(NetnsCluster lab, Func<TetragonEvent, bool> match)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await foreach (var e in lab.FollowRuntimeEventsAsync(new RuntimeEventQuery(TetragonFilter.All, RuntimeEventRing.DefaultCapacity), cts.Token))
            {
                if (match(e))
                {
                    return e;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        var seen = await lab.GetRuntimeEventsAsync(RuntimeEventQuery.All, CancellationToken.None);
        throw new Xunit.Sdk.XunitException("no matching runtime event; saw: " + string.Join(" | ", seen!.Select(TetragonCompact.Format)));
    }
}
