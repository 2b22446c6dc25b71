using System.Collections.Concurrent;
using System.Diagnostics;
using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Clusters.Netns.RuntimeSecurity;

namespace LabSite.Clusters.Netns.Tests.RuntimeSecurity;

/// <summary>
/// bpf_runtime.bpf.o on the real kernel: processes started in a scoped cgroup produce exec and exit events,
/// rules kill or deny, and processes in a cgroup outside the scope never appear.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class RuntimeSensorPrivilegedTests : IDisposable
{
    private const uint Lab = 7;
    private readonly string _root = $"/sys/fs/cgroup/unified/labsite-rt-test-{Guid.NewGuid():N}";
    private readonly string _secret;
    private readonly RuntimeSensor _sensor = RuntimeSensor.Start();
    private readonly ConcurrentQueue<RuntimeRecord> _records = new();

    public RuntimeSensorPrivilegedTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "in"));
        Directory.CreateDirectory(Path.Combine(_root, "out"));
        _secret = Path.Combine(Path.GetTempPath(), $"rt-secret-{Guid.NewGuid():N}");
        File.WriteAllText(_secret, "death star plans\n");
        _sensor.Record += _records.Enqueue;
        _sensor.AddScope(Path.Combine(_root, "in"), Lab);
    }

    [Fact]
    public async Task Exec_and_exit_events_carry_binary_args_parent_and_exit_status()
    {
        var (code, _) = await RunInCgroup("in", "/bin/ls /no-such-dir-rt");

        Assert.NotEqual(0, code);
        var exec = await WaitFor(r => r.Kind == RuntimeCodes.EventExec && r.Binary == "/bin/ls");
        Assert.Equal(["/no-such-dir-rt"], exec.Args);
        Assert.Equal(Lab, exec.Lab);
        Assert.Equal(RuntimeSensor.CgroupId(Path.Combine(_root, "in")), exec.CgroupId);
        Assert.NotEqual(0u, exec.Ppid);
        var exit = await WaitFor(r => r.Kind == RuntimeCodes.EventExit && r.Pid == exec.Pid);
        Assert.Equal("/bin/ls", exit.Binary);
        Assert.Equal(2, exit.ExitStatus);
        Assert.Equal(0, exit.ExitSignal);
    }

    [Fact]
    public async Task Processes_outside_the_scoped_cgroup_never_appear()
    {
        var outside = RuntimeSensor.CgroupId(Path.Combine(_root, "out"));
        await RunInCgroup("out", "/bin/ls /out-of-scope-rt");
        await RunInCgroup("in", "/bin/ls /in-scope-rt");

        // The in-scope run was started after the out-of-scope one: once it shows, the other had its chance.
        await WaitFor(r => r.Kind == RuntimeCodes.EventExec && r.Args.Contains("/in-scope-rt"));
        Assert.DoesNotContain(_records, r => r.CgroupId == outside || r.Args.Contains("/out-of-scope-rt"));
    }

    [Fact]
    public async Task A_sigkill_rule_kills_the_reader_of_the_secret_and_posts_the_event()
    {
        _sensor.SetRules(Lab, [RuntimeSensor.Rule(RuntimeCodes.HookFileOpen, _secret, pathPrefix: false, "/bin/cat", binaryPrefix: false, RuntimeCodes.ActionSigkill, 0)]);

        var (code, output) = await RunInCgroup("in", $"/bin/cat {_secret}");

        Assert.Equal(128 + 9, code); // the shell reports a child killed by SIGKILL as 137
        Assert.DoesNotContain("death star plans", output);
        var hit = await WaitFor(r => r.Kind == RuntimeCodes.EventHook && r.Path.EndsWith(Path.GetFileName(_secret), StringComparison.Ordinal));
        Assert.Equal("/bin/cat", hit.Binary);
        Assert.Equal(RuntimeCodes.ActionPost | RuntimeCodes.ActionSigkill, hit.Actions);
        var exit = await WaitFor(r => r.Kind == RuntimeCodes.EventExit && r.Pid == hit.Pid);
        Assert.Equal(9, exit.ExitSignal);
    }

    [Fact]
    public async Task A_rule_for_another_binary_leaves_the_reader_alone()
    {
        _sensor.SetRules(Lab, [RuntimeSensor.Rule(RuntimeCodes.HookFileOpen, _secret, pathPrefix: false, "/bin/head", binaryPrefix: false, RuntimeCodes.ActionSigkill, 0)]);

        var (code, output) = await RunInCgroup("in", $"/bin/cat {_secret}");

        Assert.Equal(0, code);
        Assert.Contains("death star plans", output);
    }

    [Fact]
    public async Task Override_denies_the_open_with_the_errno_or_is_refused_where_lsm_programs_cannot_load()
    {
        var rule = RuntimeSensor.Rule(RuntimeCodes.HookFileOpen, _secret, pathPrefix: false, null, binaryPrefix: false, RuntimeCodes.ActionOverride, 13);
        if (!_sensor.LsmEnforcement)
        {
            var ex = Assert.Throws<NotSupportedException>(() => _sensor.SetRules(Lab, [rule]));
            Assert.Contains("Override needs BPF LSM", ex.Message);
            var (plain, text) = await RunInCgroup("in", $"/bin/cat {_secret}");
            Assert.Equal(0, plain); // nothing half-applied
            Assert.Contains("death star plans", text);
            return;
        }

        _sensor.SetRules(Lab, [rule]);
        var (code, output) = await RunInCgroup("in", $"/bin/cat {_secret}");
        Assert.Equal(1, code);
        Assert.Contains("Permission denied", output);
    }

    [Fact]
    public void Rule_paths_longer_than_the_kernel_buffer_are_refused_by_name()
    {
        var longPath = "/" + new string('a', 200);
        var ex = Assert.Throws<ArgumentException>(() => RuntimeSensor.Rule(RuntimeCodes.HookFileOpen, longPath, false, null, false, RuntimeCodes.ActionPost, 0));
        Assert.Contains("at most 127", ex.Message);
    }

    private async Task<RuntimeRecord> WaitFor(Func<RuntimeRecord, bool> match)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!cts.IsCancellationRequested)
        {
            if (_records.FirstOrDefault(match) is { } hit)
            {
                return hit;
            }

            await Task.Delay(20);
        }

        throw new Xunit.Sdk.XunitException("no matching runtime event; saw: " + string.Join(" | ", _records.Select(r => $"{r.Kind} {r.Binary} {string.Join(' ', r.Args)} {r.Path}")));
    }

    /// <summary>A shell that moves itself into the cgroup, then runs <paramref name="command"/> as a child.</summary>
    private async Task<(int Code, string Output)> RunInCgroup(string cgroup, string command)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"echo $$ > {Path.Combine(_root, cgroup, "cgroup.procs")} && {command} 2>&1; echo \"exit=$?\"");
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        var marker = output.LastIndexOf("exit=", StringComparison.Ordinal);
        return (int.Parse(output[(marker + 5)..].Trim()), output[..marker]);
    }

    public void Dispose()
    {
        _sensor.Dispose();
        foreach (var dir in new[] { "in", "out" })
        {
            Directory.Delete(Path.Combine(_root, dir));
        }

        Directory.Delete(_root);
        File.Delete(_secret);
    }
}
