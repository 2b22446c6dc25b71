using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Datapath;

/// <summary>
/// The Star Wars L7 step on a full netns lab: sw_l3_l4_l7_policy.yaml makes bpf_lxc redirect tiefighter's
/// connections to deathstar:80 into the lab's L7 proxy, which lands the POST and refuses the PUT to the exhaust
/// port with 403 "Access denied"; xwing is still dropped at L3/L4.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class StarWarsL7PrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("starwars-l7"), null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    private Task<NetnsTestLabs.ExecOutput> Curl(string ship, string method, string path) => NetnsTestLabs.ExecAsync(
        _cluster, ship, "curl", "-s", "--connect-timeout", "2", "--max-time", "10", "-X" + method, "deathstar.default.svc.cluster.local" + path);

    [Fact]
    public async Task Http_rule_lands_the_post_denies_the_exhaust_port_and_flows_show_both()
    {
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Create, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        var applied = await _cluster.ApplyAsync(StoreFixture.Data("sw_l3_l4_l7_policy.yaml"), ApplyMode.Create, CancellationToken.None);
        Assert.Equal(["ciliumnetworkpolicy.cilium.io/rule1 created"], applied.Lines);

        Assert.Equal("Ship landed\n", (await Curl("tiefighter", "POST", "/v1/request-landing")).Stdout);
        // Envoy's 403 body, CRLF included, as the proxy sends it.
        Assert.Equal("Access denied\r\n", (await Curl("tiefighter", "PUT", "/v1/exhaust-port")).Stdout);
        Assert.Equal(28, (await Curl("xwing", "POST", "/v1/request-landing")).ExitCode);
        Assert.Null(_cluster.Policy!.LastError);

        var denied = await _cluster.WaitForFlowsAsync(new FlowFilterBuilder().Add("type", "l7").Add("http-method", "PUT").Build(), 1);
        var put = Assert.Single(denied, r => r.Flow.L7!.Type == L7FlowType.REQUEST).Flow;
        Assert.Equal(Verdict.DROPPED, put.Verdict);
        Assert.Equal("tiefighter", put.Source!.PodName);
        Assert.StartsWith("deathstar-", put.Destination!.PodName, StringComparison.Ordinal);
        Assert.Equal("http://deathstar.default.svc.cluster.local/v1/exhaust-port", put.L7!.Http!.Url);

        var post = await _cluster.WaitForFlowsAsync(new FlowFilterBuilder().Add("type", "l7").Add("http-method", "POST").Build(), 2);
        Assert.Contains(post, r => r.Flow.Verdict == Verdict.FORWARDED && r.Flow.L7!.Type == L7FlowType.REQUEST);
        Assert.Contains(post, r => r.Flow.L7!.Type == L7FlowType.RESPONSE && r.Flow.L7.Http!.Code == 200);
        var verdicts = await _cluster.WaitForFlowsAsync(new FlowFilterBuilder().Add("type", "policy-verdict").Add("from-pod", "tiefighter").Build(), 1);
        Assert.Contains(verdicts, r => r.Flow.Verdict == Verdict.REDIRECTED && r.Flow.ProxyPort == 15080);

        // bpf policy get: the 80/TCP rows carry the proxy port.
        var deathstar = (await _cluster.GetEndpointsAsync(CancellationToken.None)).First(e => e.PodName.StartsWith("deathstar-", StringComparison.Ordinal));
        var map = (await _cluster.GetPolicyMapAsync(deathstar.Id, CancellationToken.None))!;
        Assert.Contains(map.Entries, e => !e.Egress && e.Port == 80 && e.ProxyPort == 15080);

        // Redirected packets never reach the server's to-container: they are counted where the redirect is decided,
        // on the server's entry for the client (two connections of tiefighter's, whichever deathstar each went to).
        var endpoints = await _cluster.GetEndpointsAsync(CancellationToken.None);
        var tiefighter = endpoints.Single(e => e.PodName == "tiefighter").Identity;
        ulong redirected = 0;
        foreach (var ds in endpoints.Where(e => e.PodName.StartsWith("deathstar-", StringComparison.Ordinal)))
        {
            var entries = (await _cluster.GetPolicyMapAsync(ds.Id, CancellationToken.None))!.Entries;
            redirected += entries.Single(e => !e.Egress && e.Identity == tiefighter && e.Port == 80).Packets!.Value;
        }
        Assert.True(redirected >= 2, $"tiefighter's 80/TCP entries counted {redirected} packets for 2 redirected connections");
    }
}
