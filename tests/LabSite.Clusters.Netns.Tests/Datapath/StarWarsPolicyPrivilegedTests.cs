using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Datapath;

/// <summary>
/// The Star Wars L3/L4 demo on a full netns lab: the real manifests through the store, curl in the pods, the
/// policy enforced by bpf_lxc, and Hubble flows out of the lab's ring, as in the Cilium getting-started guide.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class StarWarsPolicyPrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("starwars"), null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    private Task<NetnsTestLabs.ExecOutput> Land(string ship) => NetnsTestLabs.ExecAsync(
        _cluster, ship, "curl", "-s", "--connect-timeout", "2", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing");

    [Fact]
    public async Task Rule1_lets_tiefighter_land_and_times_out_xwing_with_flows_to_show_it()
    {
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Create, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);

        Assert.Equal("Ship landed\n", (await Land("xwing")).Stdout);
        Assert.Equal("Ship landed\n", (await Land("tiefighter")).Stdout);
        var before = await _cluster.GetEndpointsAsync(CancellationToken.None);
        Assert.All(before, e => Assert.Equal(("Disabled", "Disabled"), (e.IngressEnforcement, e.EgressEnforcement)));

        var applied = await _cluster.ApplyAsync(StoreFixture.Data("sw_l3_l4_policy.yaml"), ApplyMode.Create, CancellationToken.None);
        Assert.Equal(["ciliumnetworkpolicy.cilium.io/rule1 created"], applied.Lines);

        var xwing = await Land("xwing");
        Assert.True(xwing.ExitCode == 28, $"xwing: exit {xwing.ExitCode} {xwing.Stdout}\n{await DiagnoseAsync()}");
        Assert.Equal("Ship landed\n", (await Land("tiefighter")).Stdout);

        // Both deathstar replicas share one identity and are now ingress-enforced.
        var endpoints = await _cluster.GetEndpointsAsync(CancellationToken.None);
        var deathstars = endpoints.Where(e => e.PodName.StartsWith("deathstar-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, deathstars.Count);
        Assert.Single(deathstars.Select(e => e.Identity).Distinct());
        Assert.All(deathstars, e => Assert.Equal(("Enabled", "Disabled"), (e.IngressEnforcement, e.EgressEnforcement)));

        var dropped = new FlowFilterBuilder().Add("from-pod", "xwing").Add("verdict", "DROPPED").Build();
        var drops = await _cluster.WaitForFlowsAsync(dropped);
        Assert.Contains(drops, r => r.Flow.DropReasonDesc == DropReason.POLICY_DENIED && r.Flow.Destination!.PodName.StartsWith("deathstar-", StringComparison.Ordinal));
        var forwarded = new FlowFilterBuilder().Add("from-pod", "tiefighter").Add("to-pod", "deathstar").Add("verdict", "FORWARDED").Build();
        Assert.NotEmpty(await _cluster.WaitForFlowsAsync(forwarded));
        var verdicts = await _cluster.WaitForFlowsAsync(new FlowFilterBuilder().Add("type", "policy-verdict").Add("from-pod", "tiefighter").Build());
        Assert.Contains(verdicts, r => FlowPrinter.Compact(r).Contains("policy-verdict:L3-L4 INGRESS ALLOWED", StringComparison.Ordinal));

        // bpf policy get of a deathstar: host, tiefighter and deathstar identities on 80/TCP, egress open.
        var map = (await _cluster.GetPolicyMapAsync(deathstars[0].Id, CancellationToken.None))!;
        var text = map.ToText(_cluster.Policy!.LabelsOf);
        Assert.Contains("reserved:host", text);
        Assert.Contains("k8s:class=tiefighter", text);
        Assert.DoesNotContain("k8s:class=xwing", text);
    }

    [Fact]
    public async Task Namespace_labels_join_identities_and_policies_follow_them()
    {
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Create, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        var policy = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: from-red-team}
            spec:
              endpointSelector: {matchLabels: {class: deathstar}}
              ingress:
              - fromEndpoints: [{matchLabels: {"io.cilium.k8s.namespace.labels.team": red, class: xwing}}]
            """;
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Yaml(policy), ApplyMode.Apply, CancellationToken.None)).Succeeded);
        Assert.Equal(28, (await Land("xwing")).ExitCode);

        var ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n  labels: {team: red}\n";
        var r = await _cluster.ApplyAsync(StoreFixture.Yaml(ns), ApplyMode.Apply, CancellationToken.None);
        Assert.True(r.Succeeded, string.Join("; ", r.Errors));
        Assert.Equal("Ship landed\n", (await Land("xwing")).Stdout);
        var ids = await _cluster.GetIdentitiesAsync(CancellationToken.None);
        Assert.Contains(ids, i => i.Labels.Contains("k8s:io.cilium.k8s.namespace.labels.team=red") && i.Labels.Contains("k8s:class=xwing"));
        Assert.Null(_cluster.Policy!.LastError);
    }

    private async Task<string> DiagnoseAsync()
    {
        var eps = await _cluster.GetEndpointsAsync(CancellationToken.None);
        var lines = eps.Select(e => $"ep {e.Id} {e.PodName} {e.IPv4} id={e.Identity} {e.IngressEnforcement}/{e.EgressEnforcement}").ToList();
        foreach (var e in eps)
        {
            var m = await _cluster.GetPolicyMapAsync(e.Id, CancellationToken.None);
            lines.Add($"map {e.Id}: {m?.Entries.Count}");
        }
        lines.Add($"pump decoded={_cluster.Policy!.Pump.Decoded} errors={_cluster.Policy.Pump.Errors} {_cluster.Policy.Pump.LastError}");
        lines.AddRange((await _cluster.GetIpcacheAsync(CancellationToken.None)).Select(i => $"ipcache {i.Prefix} {i.Identity}"));
        lines.AddRange((await _cluster.GetFlowsAsync(new FlowQuery(FlowFilterSet.All, All: true), CancellationToken.None)).Select(r => FlowPrinter.Compact(r).TrimEnd()));
        return string.Join("\n", lines);
    }
}
