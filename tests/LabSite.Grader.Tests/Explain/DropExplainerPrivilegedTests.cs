using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns;
using LabSite.Grader.Explain;
using LabSite.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Grader.Tests.Explain;

/// <summary>
/// "Why was this dropped?" on a real lab: a real agent (netns backend, kernel, eBPF) runs the Star Wars demo, rule1 is
/// applied, the X-wing's SYNs are dropped by the datapath, and the explanation read through the agent (as the site
/// reads it) names the missing allow from the live policy map and rule. Root only; its own name prefix and roots.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class DropExplainerPrivilegedTests : IAsyncLifetime
{
    private const string Cluster = "why";
    private readonly string _prefix = "w" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "labsite-why-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplication? _agent;
    private AgentClient _client = null!;
    private ILabCluster _remote = null!;

    public async Task InitializeAsync()
    {
        var manifests = Directory.CreateDirectory(Path.Combine(_dir, "manifests")).FullName;
        File.Copy(RepositoryPaths.StarWarsManifest("http-sw-app.yaml"), Path.Combine(manifests, "http-sw-app.yaml"));
        _agent = AgentFixture.NetnsAgent(Path.Combine(_dir, "agent.sock"), _prefix);
        await _agent.StartAsync();
        _client = new AgentClient(Path.Combine(_dir, "agent.sock"));
        _remote = await _client.CreateAsync(new ClusterRequest(Cluster, "star-wars", manifests), null, default);
        var local = (NetnsCluster)(await _agent.Services.GetRequiredService<NetnsBackend>().FindAsync(Cluster, default))!;
        await local.WaitUntilSettledAsync(default);
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

    [Fact]
    public async Task The_xwing_dropped_after_rule1_is_explained_as_the_missing_allow()
    {
        var inspector = Assert.IsAssignableFrom<IClusterInspector>(_remote);
        var applied = await _remote.ApplyAsync(new ManifestText(StarWarsObjects.L3L4Policy, "sw_l3_l4_policy.yaml"), ApplyMode.Create, default);
        Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));

        var drops = new FlowQuery(new FlowFilterBuilder().Add("from-pod", "default/xwing").Add("verdict", "DROPPED").Build(), Last: 1);
        IReadOnlyList<FlowRecord> dropped = [];
        // The policy reaches the map shortly after the apply: land until the X-wing is dropped (bounded).
        for (var attempt = 0; attempt < 10 && dropped.Count == 0; attempt++)
        {
            using var stdout = new MemoryStream();
            using var stderr = new MemoryStream();
            await _remote.ExecAsync(new ExecRequest("default", "xwing",
                ["curl", "-s", "--connect-timeout", "2", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing"], TimeSpan.FromSeconds(20)),
                new ExecStreams(stdout, stderr), default);
            dropped = await inspector.GetFlowsAsync(drops, default);
        }
        var drop = Assert.Single(dropped).Flow;

        var why = await DropExplainer.ExplainAsync(_remote, drop, default);

        var text = string.Join("\n", why.ToLines());
        Assert.True(why.Cause == DropCause.MissingAllow, text);
        Assert.Equal("default/xwing", why.Source!.Name);
        Assert.Contains("k8s:org=alliance", why.Source.Labels);
        Assert.StartsWith("default/deathstar-", why.Destination!.Name, StringComparison.Ordinal);
        Assert.Equal("ingress", why.Direction);
        Assert.Equal("TCP/80", why.PortProtocol);
        Assert.Equal(["CiliumNetworkPolicy default/rule1"], why.SelectingRules);
        // The nearest entries as bpf policy get prints them (one label per line): the TIE fighter's allow on 80/TCP.
        Assert.Contains(why.MapEntries!, l => l.Contains("k8s:class=tiefighter", StringComparison.Ordinal));
        Assert.Contains(why.MapEntries!, l => l.StartsWith("Allow    Ingress", StringComparison.Ordinal) && l.Contains("80/TCP", StringComparison.Ordinal));
        Assert.Equal("add to rule1's ingress fromEndpoints a selector matching org=alliance,class=xwing on TCP/80", why.Fix);
    }
}
