using System.Diagnostics;
using LabSite.Testing;

namespace LabSite.Agent.Tests;

/// <summary>
/// What kubectl users wait on, against a real netns lab: <c>rollout status</c>, <c>wait --for=condition=Ready</c>,
/// <c>delete --wait</c>, and <c>get -w</c> seeing a scale as it happens.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class KubeWorkflowPrivilegedTests(KubeApiNetnsLab lab) : IClassFixture<KubeApiNetnsLab>
{
    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Rollout_status_waits_for_a_scale_to_finish()
    {
        var scale = await lab.KubectlAsync("scale", "deploy/deathstar", "--replicas=4");
        var status = await lab.KubectlAsync("rollout", "status", "deploy/deathstar", "--timeout=60s");
        var ready = await lab.KubectlAsync("get", "deploy", "deathstar", "-o", "jsonpath={.status.readyReplicas}");

        Assert.True(scale.ExitCode == 0, scale.Stderr);
        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.EndsWith("deployment \"deathstar\" successfully rolled out\n", status.Stdout);
        Assert.Equal("4", ready.Stdout);
    }

    [Fact]
    public async Task Wait_for_ready_names_each_pod_met()
    {
        var run = await lab.KubectlAsync("wait", "--for=condition=Ready", "pod", "-l", "org=empire", "--timeout=60s");
        var none = await lab.KubectlAsync("wait", "--for=condition=Ready", "pod", "-l", "org=nobody", "--timeout=5s");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("pod/tiefighter condition met", lines);
        Assert.All(lines, l => Assert.EndsWith(" condition met", l));
        Assert.NotEqual(0, none.ExitCode);
        Assert.Contains("no matching resources found", none.Stderr);
    }

    [Fact]
    public async Task Delete_waits_until_the_pod_is_gone()
    {
        var create = await lab.KubectlAsync("run", "probe", "--image=quay.io/cilium/json-mock:v1.3.8", "--labels=app=probe");
        var ready = await lab.KubectlAsync("wait", "--for=condition=Ready", "pod/probe", "--timeout=60s");
        var delete = await lab.KubectlAsync("delete", "pod", "probe", "--wait=true", "--timeout=60s");
        var after = await lab.KubectlAsync("get", "pod", "probe");

        Assert.True(create.ExitCode == 0, create.Stderr);
        Assert.True(ready.ExitCode == 0, ready.Stderr);
        Assert.True(delete.ExitCode == 0, delete.Stderr);
        Assert.Equal("pod \"probe\" deleted\n", delete.Stdout.Replace(" from default namespace", ""));
        Assert.Equal("Error from server (NotFound): pods \"probe\" not found\n", after.Stderr);
    }

    [Fact]
    public async Task Get_watch_sees_a_scale_as_it_happens()
    {
        using var watch = new StreamedKubectl(lab.Kubeconfig, "get", "deploy", "deathstar", "-w", "--output-watch-events");
        await watch.WaitForLineAsync(l => Words(l) is ["ADDED", "deathstar", ..]);

        var scale = await lab.KubectlAsync("scale", "deploy/deathstar", "--replicas=1");
        await watch.WaitForLineAsync(l => Words(l) is ["MODIFIED", "deathstar", "1/1", "1", "1", _]);

        Assert.True(scale.ExitCode == 0, scale.Stderr);
        Assert.Equal(["EVENT", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], Words(watch.Lines[0]));
    }

    /// <summary>A kubectl that keeps running (a watch): its lines as they come; killed when disposed.</summary>
    private sealed class StreamedKubectl : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];

        public StreamedKubectl(string kubeconfig, params string[] args)
        {
            var start = new ProcessStartInfo(RealKubectl.Path) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in (string[])["--kubeconfig", kubeconfig, .. args])
            {
                start.ArgumentList.Add(arg);
            }
            start.Environment["HOME"] = Path.GetTempPath();
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    lock (_lines)
                    {
                        _lines.Add(line);
                    }
                }
            };
            _process.BeginOutputReadLine();
        }

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public async Task WaitForLineAsync(Func<string, bool> wanted)
        {
            for (var i = 0; i < 600 && !Lines.Any(wanted); i++)
            {
                await Task.Delay(100);
            }
            Assert.True(Lines.Any(wanted), $"kubectl's watch printed:\n{string.Join("\n", Lines)}\nstderr: {(_process.HasExited ? _process.StandardError.ReadToEnd() : "(running)")}");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
            _process.WaitForExit();
            _process.Dispose();
        }
    }
}
