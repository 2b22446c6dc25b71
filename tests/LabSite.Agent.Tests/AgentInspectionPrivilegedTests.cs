using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns;
using LabSite.Shell;
using LabSite.Shell.Cilium;
using LabSite.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Agent.Tests;

/// <summary>
/// A real agent (netns backend, kernel, eBPF) running the Star Wars demo, inspected two ways: through the agent API
/// (<see cref="AgentCluster"/>, as <c>labsite cluster shell</c> and an attached site see it) and directly (the
/// <see cref="NetnsCluster"/> the agent hosts). Both must show the same data, and bpftool in <c>labsite cluster shell</c>
/// reaches the lab's own eBPF objects through the agent. Root only; its own name prefix and roots.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class AgentInspectionPrivilegedTests : IAsyncLifetime
{
    private const string Cluster = "insp";
    private const string Landing = "curl -s --connect-timeout 2 -XPOST deathstar.default.svc.cluster.local/v1/request-landing";
    private readonly string _prefix = "i" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "labsite-insp-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplication? _agent;
    private AgentClient _client = null!;
    private NetnsCluster _local = null!;
    private IClusterInspector _remote = null!;
    private ShellInterpreter _shell = null!;

    private string Socket => Path.Combine(_dir, "agent.sock");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _agent = AgentFixture.NetnsAgent(Socket, _prefix);
        await _agent.StartAsync();
        File.Copy(RepositoryPaths.StarWarsManifest("sw_l3_l4_policy.yaml"), Path.Combine(_dir, "sw_l3_l4_policy.yaml"));
        var manifests = Directory.CreateDirectory(Path.Combine(_dir, "manifests")).FullName;
        File.Copy(RepositoryPaths.StarWarsManifest("http-sw-app.yaml"), Path.Combine(manifests, "http-sw-app.yaml"));

        _client = new AgentClient(Socket);
        var remote = await _client.CreateAsync(new ClusterRequest(Cluster, "star-wars", manifests), null, default);
        _remote = Assert.IsAssignableFrom<IClusterInspector>(remote);
        _local = (NetnsCluster)(await _agent.Services.GetRequiredService<NetnsBackend>().FindAsync(Cluster, default))!;
        await _local.WaitUntilSettledAsync(default);
        _shell = new ShellInterpreter(new ShellSession(new WorkingFolder(_dir), remote, new ProcessToolRunner()));
    }

    public async Task DisposeAsync()
    {
        await _client.DestroyAsync(Cluster, default);
        _client.Dispose();
        await _agent!.StopAsync();
        await _agent.DisposeAsync();
        AgentFixture.DeleteNetnsRoots(_prefix);
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<(int Status, string Out, string Err)> Shell(string line, CancellationToken ct = default)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var status = await _shell.RunAsync(line, TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), ct);
        return (status, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The real <c>labsite</c> executable, as a user or CI runs it against the running agent.</summary>
    private async Task<(int Code, string Out, string Err)> Labsite(params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "labsite")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["cluster", "--socket", Socket, "--no-autostart", .. args])
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var (stdout, stderr) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Waits (bounded) until the datapath has reported every packet of the last exchange, so two reads agree.</summary>
    private async Task QuietAsync()
    {
        var last = -1L;
        for (var i = 0; i < 50 && last != _local.Policy!.Flows.Written; i++)
        {
            last = _local.Policy!.Flows.Written;
            await Task.Delay(300);
        }
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, AgentProtocol.Json);

    private static string Jsonpb(IEnumerable<FlowRecord> flows) => string.Join("\n", flows.Select(FlowJson.Write));

    private static FlowQuery Observe(params string[] args) => HubbleObserveArgs.Parse(args).Query;

    [Fact]
    public async Task Every_inspector_answer_is_the_same_through_the_agent_as_in_process()
    {
        Assert.Equal((0, "Ship landed\n", ""), await Shell($"kubectl exec tiefighter -- {Landing}"));
        await QuietAsync();
        foreach (var query in new[] { Observe("--all"), Observe("--to-pod", "default/deathstar", "--all"), Observe("--last", "3"), Observe("--first", "2"), Observe("--verdict", "FORWARDED", "--type", "trace", "--all") })
        {
            var local = await _local.GetFlowsAsync(query, default);
            Assert.NotEmpty(local);
            Assert.Equal(Jsonpb(local), Jsonpb(await _remote.GetFlowsAsync(query, default)));
        }
        Assert.Equal(Json(await _local.GetEndpointsAsync(default)), Json(await _remote.GetEndpointsAsync(default)));
        Assert.Equal(4, (await _remote.GetEndpointsAsync(default)).Count);
        Assert.Equal(Json(await _local.GetIdentitiesAsync(default)), Json(await _remote.GetIdentitiesAsync(default)));
        Assert.Equal(Json(await _local.GetIpcacheAsync(default)), Json(await _remote.GetIpcacheAsync(default)));
        Assert.Equal(Json(await _local.GetServicesAsync(default)), Json(await _remote.GetServicesAsync(default)));
        // Conntrack lifetimes tick between two reads; the connections themselves must match.
        static IEnumerable<string> Tuples(IEnumerable<ConntrackEntry> ct) => ct.Select(e => $"{e.Protocol} {e.Direction} {e.Source} -> {e.Destination}").Order();
        Assert.Equal(Tuples(await _local.GetConntrackAsync(default)), Tuples(await _remote.GetConntrackAsync(default)));
        Assert.NotEmpty(await _remote.GetConntrackAsync(default));

        // The L3/L4 rule: deathstar's policy map and the repository change, identically on both sides.
        Assert.Equal((0, "ciliumnetworkpolicy.cilium.io/rule1 created\n", ""), await Shell("kubectl create -f sw_l3_l4_policy.yaml"));
        await _local.WaitUntilSettledAsync(default);
        var deathstar = (await _remote.GetEndpointsAsync(default)).First(e => e.PodName.StartsWith("deathstar-", StringComparison.Ordinal));
        var map = (await _remote.GetPolicyMapAsync(deathstar.Id, default))!;
        Assert.Equal((await _local.GetPolicyMapAsync(deathstar.Id, default))!.ToText(), map.ToText());
        Assert.Contains(map.Entries, e => e is { Deny: false, Egress: false, Port: 80, Protocol: 6 });
        Assert.Null(await _remote.GetPolicyMapAsync(999, default));
        var repository = (await _remote.GetPolicyRepositoryAsync(default))!;
        Assert.Equal(await _local.GetPolicyRepositoryAsync(default), repository);
        Assert.Contains("\"value\": \"rule1\"", repository.Policy);
        var status = (await _remote.GetStatusAsync(default))!;
        Assert.Equal((Cluster, 4, File.ReadAllText("/proc/sys/kernel/osrelease").Trim()), (status.ClusterName, status.Endpoints, status.KernelVersion));
    }

    [Fact]
    public async Task Follow_through_the_agent_receives_a_new_drop_live()
    {
        Assert.Equal((0, "ciliumnetworkpolicy.cilium.io/rule1 created\n", ""), await Shell("kubectl create -f sw_l3_l4_policy.yaml"));
        await _local.WaitUntilSettledAsync(default);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var seen = new TaskCompletionSource<FlowRecord>();
        var follow = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in _remote.FollowFlowsAsync(Observe("--from-pod", "default/xwing", "--verdict", "DROPPED", "-f"), cancel.Token))
                {
                    if (e.Record is { } r)
                    {
                        seen.TrySetResult(r);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Cancelled below once the drop arrived.
            }
        });
        // Give the follower a moment to subscribe before the drop happens (follow shows nothing from history here).
        for (var i = 0; i < 200 && _local.Policy!.Flows.Subscribers == 0; i++)
        {
            await Task.Delay(10);
        }
        Assert.Equal(28, (await Shell($"kubectl exec xwing -- {Landing}")).Status);
        var drop = await seen.Task.WaitAsync(cancel.Token);
        await cancel.CancelAsync();
        await follow;
        Assert.Equal(DropReason.POLICY_DENIED, drop.Flow.DropReasonDesc);
        Assert.Contains(FlowJson.Write(drop), (await _local.GetFlowsAsync(Observe("--all"), default)).Select(FlowJson.Write));
    }

    [Fact]
    public async Task Labsite_cluster_shell_inspects_a_running_agent()
    {
        Assert.Equal((0, "Ship landed\n", ""), await Shell($"kubectl exec tiefighter -- {Landing}"));
        await QuietAsync();
        var hubble = await Labsite("shell", Cluster, "-c", "hubble observe --last 5 -o jsonpb");
        Assert.Equal((0, ""), (hubble.Code, hubble.Err));
        Assert.Equal(Jsonpb(await _local.GetFlowsAsync(Observe("--last", "5"), default)), hubble.Out.TrimEnd('\n'));

        var endpoints = await Labsite("shell", Cluster, "-c", "cilium-dbg endpoint list");
        Assert.Equal((0, EndpointModel.ToText(await _local.GetEndpointsAsync(default)), ""), endpoints);
        var viaKubectl = await Labsite("shell", Cluster, "-c", "kubectl -n kube-system exec ds/cilium -- cilium-dbg endpoint list");
        Assert.Equal(endpoints, viaKubectl);
    }

    [Fact]
    public async Task Labsite_cluster_shell_runs_bpftool_on_this_labs_objects_only()
    {
        var other = Assert.IsAssignableFrom<IBpfObjects>(await _client.CreateAsync(new ClusterRequest("insp-other"), null, default));
        try
        {
            var lab = await _local.GetBpfObjectsAsync(default);
            Assert.Equal(Json(lab), Json(await ((IBpfObjects)_remote).GetBpfObjectsAsync(default)));
            var mine = lab.Ids(BpfObjectKind.Map);
            var theirs = (await other.GetBpfObjectsAsync(default)).Ids(BpfObjectKind.Map);
            Assert.NotEmpty(theirs);
            Assert.Empty(mine.Intersect(theirs));

            var show = await Labsite("shell", Cluster, "-c", "bpftool map show");
            Assert.Equal((0, ""), (show.Code, show.Err));
            Assert.Equal(mine.Order(), Regex.Matches(show.Out, @"^(\d+): ", RegexOptions.Multiline).Select(m => uint.Parse(m.Groups[1].Value)).Order());
            Assert.Contains(" name ls_ipcache ", show.Out);

            var dump = await Labsite("shell", Cluster, "-c", "bpftool -j map dump name ls_ipcache");
            Assert.Equal((0, ""), (dump.Code, dump.Err));
            Assert.Equal((await _local.GetIpcacheAsync(default)).Count, JsonNode.Parse(dump.Out)!.AsArray().Count);

            var stranger = theirs.Min();
            var refused = await Labsite("shell", Cluster, "-c", $"bpftool map dump id {stranger}");
            Assert.Equal((2, ""), (refused.Code, refused.Out));
            Assert.StartsWith($"bpftool: map id {stranger} is not one of this lab's maps (this lab's: {string.Join(", ", mine.Order())};", refused.Err);
        }
        finally
        {
            await _client.DestroyAsync("insp-other", default);
        }
    }

    [Fact]
    public async Task Cilium_dbg_status_policy_get_and_monitor_on_the_real_cluster()
    {
        var status = await Shell("kubectl -n kube-system exec ds/cilium -- cilium-dbg status");
        Assert.Equal((0, ""), (status.Status, status.Err));
        Assert.Matches(@"^KVStore: +Disabled", status.Out);
        Assert.Contains($"kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, cluster {Cluster}", status.Out);
        Assert.Matches($@"NodeMonitor: +Listening for events on {Environment.ProcessorCount} CPUs with \d+x{Environment.SystemPageSize} of shared memory", status.Out);
        Assert.Equal((0, "OK\n", ""), await Shell("cilium-dbg status --brief"));
        var services = await Shell("cilium-dbg service list");
        Assert.Matches(@"\n1 +10\.\d+\.\d+\.\d+:80/TCP +ClusterIP +1 => 10\.\d+\.\d+\.\d+:80/TCP \(active\) *\n +2 => 10\.", services.Out);

        Assert.Equal((0, "[]\nRevision: 1\n", ""), await Shell("cilium-dbg policy get"));
        Assert.Equal((0, "ciliumnetworkpolicy.cilium.io/rule1 created\n", ""), await Shell("kubectl create -f sw_l3_l4_policy.yaml"));
        await _local.WaitUntilSettledAsync(default);
        var policy = await Shell("kubectl -n kube-system exec ds/cilium -- cilium-dbg policy get");
        Assert.Equal(0, policy.Status);
        Assert.Contains("\"any:class\": \"deathstar\"", policy.Out);
        Assert.Contains("\"value\": \"CiliumNetworkPolicy\"", policy.Out);
        Assert.EndsWith("]\nRevision: 2\n", policy.Out);

        // monitor until Ctrl-C: the xwing's SYN is dropped by rule1 and shows as a drop line.
        using var ctrlC = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var context = new CommandContext
        {
            Args = ["monitor", "--type", "drop"],
            Stdin = TextReader.Null,
            Stdout = TextWriter.Synchronized(stdout),
            Stderr = TextWriter.Synchronized(stderr),
            Session = new ShellSession(new WorkingFolder(_dir), (ILabCluster)_remote, new ProcessToolRunner()),
            Cancellation = ctrlC.Token,
        };
        var monitor = new CiliumDbgCommand().RunAsync(context);
        for (var i = 0; i < 200 && _local.Policy!.Flows.Subscribers == 0; i++)
        {
            await Task.Delay(10);
        }
        Assert.Equal(28, (await Shell($"kubectl exec xwing -- {Landing}")).Status);
        for (var i = 0; i < 300 && !stdout.ToString().Contains("xx drop (Policy denied)", StringComparison.Ordinal); i++)
        {
            await Task.Delay(10);
        }
        await ctrlC.CancelAsync();
        Assert.Equal(0, await monitor);
        Assert.Matches(@"^xx drop \(Policy denied\) flow 0x0 to endpoint \d+, ifindex \d+, , identity \d+->\d+: 10\.\d+\.\d+\.\d+:\d+ -> 10\.\d+\.\d+\.\d+:80 tcp SYN\n", stdout.ToString());
        Assert.Matches(@"^Listening for events on \d+ CPUs with \d+x\d+ of shared memory\nPress Ctrl-C to quit\n\nReceived an interrupt, disconnecting from monitor...\n\n$", stderr.ToString());
    }
}
