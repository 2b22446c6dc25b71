using System.Text.RegularExpressions;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests;

/// <summary>
/// The Cilium getting-started demo typed into the lab shell against a real netns lab (kernel, eBPF policy, Hubble ring)
/// behind a real agent, so kubectl is the real one run in the lab: the same commands and outputs a learner sees in the
/// browser terminal.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class StarWarsShellPrivilegedTests : IAsyncLifetime
{
    private AgentLabShell _lab = null!;

    public async Task InitializeAsync()
    {
        _lab = await AgentLabShell.StartAsync("shell", RepositoryPaths.StarWarsManifests);
    }

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    private Task<(int Status, string Out, string Err)> Run(string line) => _lab.RunAsync(line);

    private const string Landing = "curl -s --connect-timeout 2 -XPOST deathstar.default.svc.cluster.local/v1/request-landing";

    [Fact]
    public async Task The_getting_started_demo_through_the_shell()
    {
        Assert.Equal((0, "service/deathstar created\ndeployment.apps/deathstar created\npod/tiefighter created\npod/xwing created\n", ""),
            await Run("kubectl create -f http-sw-app.yaml"));
        await _lab.Cluster.WaitUntilSettledAsync(CancellationToken.None);

        var pods = await Run("kubectl get pods");
        Assert.Matches(new Regex(@"^NAME +READY +STATUS +RESTARTS +AGE\n(deathstar-[a-z0-9]+-[a-z0-9]+ +1/1 +Running +0 +\d+s\n){2}tiefighter +1/1 +Running +0 +\d+s\nxwing +1/1 +Running +0 +\d+s\n$"), pods.Out);
        Assert.Equal((0, "Ship landed\n", ""), await Run($"kubectl exec tiefighter -- {Landing}"));
        Assert.Equal((0, "Ship landed\n", ""), await Run($"kubectl exec xwing -- {Landing}"));

        Assert.Equal((0, "ciliumnetworkpolicy.cilium.io/rule1 created\n", ""), await Run("kubectl create -f sw_l3_l4_policy.yaml"));
        await _lab.Cluster.WaitUntilSettledAsync(CancellationToken.None);
        Assert.Equal((28, "", "command terminated with exit code 28\n"), await Run($"kubectl exec xwing -- {Landing}"));
        Assert.Equal((0, "Ship landed\n", ""), await Run($"kubectl exec tiefighter -- {Landing}"));

        Assert.Matches(new Regex(@"^NAME +AGE +VALID\nrule1 +\d+s +"), (await Run("kubectl get cnp")).Out);

        // Flows reach the ring asynchronously: poll a bounded number of times, never asserting on time.
        var drops = "";
        for (var i = 0; i < 50 && !drops.Contains("DROPPED"); i++)
        {
            drops = (await Run("hubble observe --pod xwing --verdict DROPPED --last 5")).Out;
            await Task.Delay(100);
        }
        Assert.Matches(new Regex(@"default/xwing:\d+ \(ID:\d+\) <> default/deathstar-[a-z0-9-]+:80 \(ID:\d+\) Policy denied DROPPED \(TCP Flags: SYN\)"), drops);

        var endpoints = await Run("kubectl -n kube-system exec ds/cilium -- cilium-dbg endpoint list");
        Assert.Equal(0, endpoints.Status);
        var deathstar = Regex.Match(endpoints.Out, @"\n(\d+) +Enabled +Disabled +\d+ +k8s:app.kubernetes.io/name=deathstar");
        Assert.True(deathstar.Success, endpoints.Out);
        var policy = await Run($"kubectl -n kube-system exec ds/cilium -- cilium-dbg bpf policy get {deathstar.Groups[1].Value}");
        Assert.Equal(0, policy.Status);
        Assert.Matches(new Regex(@"Allow +Ingress +k8s:app.kubernetes.io/name=tiefighter"), policy.Out);
        Assert.Contains("80/TCP", policy.Out);
    }

    [Fact]
    public async Task Watching_pods_shows_the_pod_a_scale_up_adds_until_ctrl_c()
    {
        Assert.Equal(0, (await Run("kubectl create -f http-sw-app.yaml")).Status);
        await _lab.Cluster.WaitUntilSettledAsync(CancellationToken.None);

        // The watch runs in one terminal while a second terminal (its own shell on the same lab) scales the deployment.
        var output = new StringWriter();
        using var ctrlC = new CancellationTokenSource();
        var watch = _lab.Shell.RunAsync("kubectl get pods -w", TextWriter.Synchronized(output), new StringWriter(), ctrlC.Token);
        for (var i = 0; i < 100 && !output.ToString().Contains("xwing"); i++)
        {
            await Task.Delay(50);
        }
        var initial = output.ToString();
        Assert.Matches(new Regex(@"^NAME +READY +STATUS +RESTARTS +AGE\n(deathstar-[a-z0-9]+-[a-z0-9]+ +1/1 +Running +0 +\d+s\n){2}tiefighter +1/1 +Running +0 +\d+s\nxwing +1/1 +Running +0 +\d+s\n$"), initial);

        var second = _lab.NewShell();
        var (scaleOut, scaleErr) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, await second.RunAsync("kubectl scale deploy/deathstar --replicas=3", scaleOut, scaleErr, CancellationToken.None));
        Assert.Equal("deployment.apps/deathstar scaled\n", scaleOut.ToString());

        // Bounded wait for the new pod's Running row (the watch polls; the pod starts asynchronously).
        var known = Regex.Matches(initial, @"deathstar-[a-z0-9]+-[a-z0-9]+").Select(m => m.Value).ToHashSet();
        var added = new Regex(@"^(deathstar-[a-z0-9]+-[a-z0-9]+) +\d/1 +(\w+) +0 +\d+s$", RegexOptions.Multiline);
        string Events() => output.ToString()[initial.Length..];
        for (var i = 0; i < 200 && !added.Matches(Events()).Any(m => !known.Contains(m.Groups[1].Value) && m.Groups[2].Value == "Running"); i++)
        {
            await Task.Delay(50);
        }
        await ctrlC.CancelAsync();
        Assert.Equal(ShellInterpreter.Interrupted, await watch);

        var rows = added.Matches(Events()).Where(m => !known.Contains(m.Groups[1].Value)).ToList();
        Assert.True(rows.Count > 0, Events());
        Assert.Single(rows.Select(m => m.Groups[1].Value).Distinct());
        Assert.Equal("Running", rows[^1].Groups[2].Value);
        Assert.DoesNotContain("NAME", Events());
    }
}
