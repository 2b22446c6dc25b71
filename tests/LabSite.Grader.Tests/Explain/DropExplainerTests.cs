using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Grader.Evaluation;
using LabSite.Grader.Evaluation.Flow;
using LabSite.Grader.Explain;
using LabSite.Grader.Tests.Support;
using LabSite.Scenarios.Model.Checks;
using LabSite.Testing;
using CheckFilter = LabSite.Scenarios.Model.Checks.FlowFilter;
using TrafficDirection = LabSite.Clusters.Contract.Flows.TrafficDirection;

namespace LabSite.Grader.Tests.Explain;

public sealed class DropExplainerTests
{
    /// <summary>The Star Wars lab after rule1: the Death Star (endpoint 3) allows the TIE fighter, itself and the host on 80/TCP.</summary>
    private static InMemoryCluster AfterRule1()
    {
        var c = StarWarsLab.Create();
        c.Apply(StarWarsObjects.L3L4Policy, "sw_l3_l4_policy.yaml");
        c.Identities.Add(new IdentityModel(1, ["reserved:host"]));
        c.PolicyMaps[3] = new PolicyMapDump(3,
        [
            new PolicyMapEntryDump(false, false, 256, 6, 80, 24),
            new PolicyMapEntryDump(false, false, 258, 6, 80, 24),
            new PolicyMapEntryDump(false, false, 1, 0, 0, 0),
            new PolicyMapEntryDump(false, true, 0, 0, 0, 0),
        ]);
        return c;
    }

    private static Flow XwingDrop() => StarWarsLab.Flow("xwing", 257, Verdict.DROPPED, 5, DropReason.POLICY_DENIED).Flow;

    [Fact]
    public async Task The_xwing_after_rule1_is_a_missing_allow_with_the_nearest_entries_and_the_smallest_fix()
    {
        var e = await DropExplainer.ExplainAsync(AfterRule1(), XwingDrop(), CancellationToken.None);

        Assert.True(e.Cause == DropCause.MissingAllow, string.Join("\n", e.ToLines()));
        Assert.Equal("default/xwing", e.Source!.Name);
        Assert.Equal(257u, e.Source.Identity);
        Assert.Contains("k8s:org=alliance", e.Source.Labels);
        Assert.Equal("default/deathstar-54c4d4bdf9-fwhtv", e.Destination!.Name);
        Assert.Equal("ingress", e.Direction);
        Assert.Equal("TCP/80", e.PortProtocol);
        Assert.Equal("endpoint 3 (default/deathstar-54c4d4bdf9-fwhtv)", e.EnforcedBy);
        Assert.Equal(["CiliumNetworkPolicy default/rule1"], e.SelectingRules);
        Assert.StartsWith("CiliumNetworkPolicy default/rule1 selects deathstar-54c4d4bdf9-fwhtv with ingress rules, so ingress is default-deny (Enabled)", e.Summary, StringComparison.Ordinal);
        Assert.Contains("no entry in its policy map allows default/xwing (identity 257) on TCP/80", e.Summary);
        // The nearest entries: the allowed peers on the same port, labelled as bpf policy get prints them; never egress rows.
        Assert.Contains(e.MapEntries!, l => l.Contains("k8s:class=tiefighter", StringComparison.Ordinal) && l.Contains("80/TCP", StringComparison.Ordinal));
        Assert.DoesNotContain(e.MapEntries!, l => l.Contains("Egress", StringComparison.Ordinal));
        Assert.Equal("add to rule1's ingress fromEndpoints a selector matching org=alliance,class=xwing on TCP/80", e.Fix);
    }

    [Fact]
    public async Task A_deny_entry_wins_and_the_explanation_says_an_allow_would_not_help()
    {
        var c = AfterRule1();
        c.Apply("""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: no-rebels}
            spec:
              endpointSelector: {matchLabels: {class: deathstar}}
              ingressDeny:
              - fromEndpoints: [{matchLabels: {"k8s:org": alliance}}]
            """);
        c.PolicyMaps[3] = new PolicyMapDump(3, [.. c.PolicyMaps[3].Entries, new PolicyMapEntryDump(true, false, 257, 0, 0, 0), new PolicyMapEntryDump(false, false, 257, 6, 80, 24)]);

        var e = await DropExplainer.ExplainAsync(c, XwingDrop(), CancellationToken.None);

        Assert.Equal(DropCause.PolicyDeny, e.Cause);
        Assert.StartsWith("CiliumNetworkPolicy default/no-rebels's ingressDeny denies default/xwing (identity 257) on TCP/80", e.Summary, StringComparison.Ordinal);
        Assert.Contains("a deny wins over any allow", e.Summary);
        Assert.Contains(e.MapEntries!, l => l.StartsWith("Deny", StringComparison.Ordinal));
        Assert.Equal("remove or narrow the ingressDeny of default/no-rebels; adding an allow in another rule would not help", e.Fix);
        Assert.Equal(["CiliumNetworkPolicy default/rule1", "CiliumNetworkPolicy default/no-rebels"], e.SelectingRules!.Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task An_L7_denial_names_the_http_rules_that_did_not_match()
    {
        var c = StarWarsLab.Create();
        c.Apply(File.ReadAllText(RepositoryPaths.StarWarsManifest("sw_l3_l4_l7_policy.yaml")));
        // As the proxy writes it: identities and addresses only, no pod names.
        var flow = new Flow
        {
            Verdict = Verdict.DROPPED,
            Type = FlowType.L7,
            IP = new IP { Source = "10.0.0.112", Destination = "10.0.0.147" },
            L4 = new Layer4 { TCP = new TCP(41000, 80, null) },
            Source = new Endpoint { Identity = 256 },
            Destination = new Endpoint { Identity = 258 },
            TrafficDirection = TrafficDirection.INGRESS,
            L7 = new Layer7 { Type = L7FlowType.REQUEST, Http = new HTTP { Method = "PUT", Url = "http://deathstar.default.svc.cluster.local/v1/exhaust-port" } },
        };

        var e = await DropExplainer.ExplainAsync(c, flow, CancellationToken.None);

        Assert.Equal(DropCause.L7Denied, e.Cause);
        Assert.Equal("default/tiefighter", e.Source!.Name);
        Assert.Contains("PUT /v1/exhaust-port matches none of the HTTP rules that apply to default/tiefighter on TCP/80 (POST /v1/request-landing)", e.Summary);
        Assert.Equal("add to rule1's ingress toPorts TCP/80 rules.http an entry {method: \"PUT\", path: \"/v1/exhaust-port\"}", e.Fix);
    }

    [Fact]
    public async Task A_drop_for_another_reason_is_not_blamed_on_policy()
    {
        var flow = StarWarsLab.Flow("xwing", 257, Verdict.DROPPED, 5, DropReason.CT_MISSING_TCP_ACK_FLAG).Flow;
        var e = await DropExplainer.ExplainAsync(AfterRule1(), flow, CancellationToken.None);
        Assert.Equal(DropCause.NotPolicy, e.Cause);
        Assert.Contains("CT_MISSING_TCP_ACK_FLAG, not because of a policy", e.Summary);
        Assert.Equal("", e.Fix);
    }

    [Fact]
    public async Task A_map_that_allows_it_now_says_the_policy_changed_since()
    {
        var c = AfterRule1();
        c.PolicyMaps[3] = new PolicyMapDump(3, [new PolicyMapEntryDump(false, false, 257, 6, 80, 24)]);
        var e = await DropExplainer.ExplainAsync(c, XwingDrop(), CancellationToken.None);
        Assert.Equal(DropCause.NowAllowed, e.Cause);
        Assert.Contains("the policy changed after this drop", e.Summary);
    }

    [Fact]
    public async Task Egress_to_the_world_suggests_an_entity()
    {
        var c = StarWarsLab.Create();
        c.Apply("""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: ships-stay-home}
            spec:
              endpointSelector: {matchLabels: {org: alliance}}
              egress:
              - toEndpoints: [{matchLabels: {org: alliance}}]
            """);
        c.PolicyMaps[2] = new PolicyMapDump(2, [new PolicyMapEntryDump(false, true, 257, 0, 0, 0)]);
        var flow = new Flow
        {
            Verdict = Verdict.DROPPED,
            DropReasonDesc = DropReason.POLICY_DENIED,
            IP = new IP { Source = "10.0.0.30", Destination = "1.1.1.1" },
            L4 = new Layer4 { TCP = new TCP(40000, 443, null) },
            Source = new Endpoint { ID = 2, Identity = 257, Namespace = "default", PodName = "xwing" },
            Destination = new Endpoint { Identity = 2 },
            TrafficDirection = TrafficDirection.EGRESS,
        };

        var e = await DropExplainer.ExplainAsync(c, flow, CancellationToken.None);

        Assert.Equal(DropCause.MissingAllow, e.Cause);
        Assert.Equal("reserved:world", e.Destination!.Name);
        Assert.Equal("endpoint 2 (default/xwing)", e.EnforcedBy);
        Assert.Equal("add to ships-stay-home's egress a rule with toEntities: [world] on TCP/443", e.Fix);
    }

    [Fact]
    public async Task Without_inspection_or_with_the_endpoint_gone_it_says_it_cannot_tell()
    {
        var c = AfterRule1();
        var none = await DropExplainer.ExplainAsync(c.WithoutInspection(), XwingDrop(), CancellationToken.None);
        Assert.Equal(DropCause.Unknown, none.Cause);
        Assert.Contains("offers no endpoint or policy-map inspection", none.Summary);

        c.Endpoints.RemoveAll(e => e.Id == 3);
        var gone = await DropExplainer.ExplainAsync(c, XwingDrop(), CancellationToken.None);
        Assert.Equal(DropCause.Unknown, gone.Cause);
        Assert.Contains("is gone", gone.Summary);

        var forwarded = await DropExplainer.ExplainAsync(c, StarWarsLab.Flow("xwing", 257, Verdict.FORWARDED, 5).Flow, CancellationToken.None);
        Assert.Equal("this flow was not dropped (verdict FORWARDED)", forwarded.Summary);
    }

    [Fact]
    public async Task A_hostile_http_rule_neither_throws_nor_hangs()
    {
        Assert.False(new HttpRule("(", "").Matches("GET", "/"));
        Assert.False(new HttpRule("", "(a+)+$").Matches("GET", new string('a', 5000) + "!"));
        Assert.True(new HttpRule("GET|HEAD", "/v1/.*").Matches("HEAD", "/v1/x"));
        Assert.False(new HttpRule("GET", "/v1").Matches("GET", "/v1/x"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_failing_flow_check_explains_the_newest_drop_in_its_evidence()
    {
        var c = AfterRule1();
        c.Flows.Write(StarWarsLab.Flow("xwing", 257, Verdict.DROPPED, 5, DropReason.POLICY_DENIED));
        var check = new FlowCheck("xwing-forwarded", "X-wing lands", StarWarsLab.At,
            new CheckFilter(PodSelector.ByName("xwing"), PodSelector.ByName("deathstar"), FlowVerdict.Forwarded, null, FlowProtocol.Tcp, 80, null, null, null),
            FlowExpectation.Exists, 1, CheckWindow.Step);

        var r = await FlowCheckEvaluator.EvaluateAsync(check, new CheckContext(c, StarWarsLab.StepStart, StarWarsLab.StepStart), CancellationToken.None);

        Assert.False(r.Passed);
        Assert.Contains(r.Evidence, l => l.StartsWith("Why was this dropped? CiliumNetworkPolicy default/rule1 selects", StringComparison.Ordinal));
        Assert.Contains("  to allow it: add to rule1's ingress fromEndpoints a selector matching org=alliance,class=xwing on TCP/80", r.Evidence);
    }
}
