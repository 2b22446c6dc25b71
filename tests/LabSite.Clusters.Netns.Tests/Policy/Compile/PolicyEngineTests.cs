using System.Net;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Policy.Compile;
using LabSite.Clusters.Netns.Proxy.Http;
using LabSite.Clusters.Netns.Proxy.Rules;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Policy.Compile;

public class PolicyEngineTests
{
    private const string Rule1 = """
        kind: CiliumNetworkPolicy
        metadata: {name: rule1}
        spec:
          endpointSelector: {matchLabels: {class: deathstar}}
          ingress:
          - fromEndpoints: [{matchLabels: {org: empire}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """;

    private static EndpointInfo Pod(ushort id, string name, params (string K, string V)[] labels) =>
        new(new EndpointId(id), "default", name, IdentityLabels.ForPod("default", labels.ToDictionary(l => l.K, l => l.V)), []);

    private static PolicyEngine StarWars()
    {
        var engine = new PolicyEngine(new IdentityAllocator());
        engine.Upsert(Pod(1, "deathstar", ("org", "empire"), ("class", "deathstar")));
        engine.Upsert(Pod(2, "tiefighter", ("org", "empire"), ("class", "tiefighter")));
        engine.Upsert(Pod(3, "xwing", ("org", "alliance"), ("class", "xwing")));
        return engine;
    }

    private static bool Allows(EndpointPolicy p, NumericIdentity id, ushort port) =>
        p.Entries.Any(e => !e.Verdict.Deny && e.Key.Identity == id && e.Key.Direction == TrafficDirection.Ingress && e.Key.Port == port);

    [Fact]
    public void The_repository_revision_counts_policy_changes_as_ciliums_does()
    {
        var engine = StarWars();
        Assert.Empty(engine.Repository().Policies);
        Assert.Equal(1, engine.Repository().Revision);
        engine.Upsert(PolicyParser.Parse(YamlObjects.One(Rule1)));
        Assert.Equal(2, engine.Repository().Revision);
        Assert.Equal("rule1", Assert.Single(engine.Repository().Policies).Source.Name);
        // Endpoints coming and going change no rule, so the revision stays.
        engine.Upsert(Pod(4, "tiefighter2", ("org", "empire"), ("class", "tiefighter")));
        Assert.Equal(2, engine.Repository().Revision);
        engine.Delete("CiliumNetworkPolicy", "default", "no-such");
        Assert.Equal(2, engine.Repository().Revision);
        engine.Delete("CiliumNetworkPolicy", "default", "rule1");
        Assert.Empty(engine.Repository().Policies);
        Assert.Equal(3, engine.Repository().Revision);
    }

    [Fact]
    public void Adding_a_policy_recompiles_only_the_endpoints_it_selects()
    {
        var engine = StarWars();
        var changed = engine.Upsert(PolicyParser.Parse(YamlObjects.One(Rule1)));
        Assert.Equal([new EndpointId(1)], changed.Select(c => c.Endpoint));
        Assert.True(changed[0].IngressEnforced);
        var rule = Assert.Single(changed[0].Entries, e => e.Key.Port == 80 && e.Key.Identity == engine.IdentityOf(new EndpointId(2)));
        Assert.Equal("CiliumNetworkPolicy default/rule1", Assert.Single(rule.DerivedFrom).ToString());
    }

    [Fact]
    public void Relabelling_a_peer_updates_the_selecting_endpoint()
    {
        var engine = StarWars();
        engine.Upsert(PolicyParser.Parse(YamlObjects.One(Rule1)));
        var oldXwing = engine.IdentityOf(new EndpointId(3))!.Value;
        // The xwing defects: it now carries org=empire, gets a new identity, and the deathstar lets it in.
        var changed = engine.Upsert(Pod(3, "xwing", ("org", "empire"), ("class", "xwing")));
        var newXwing = engine.IdentityOf(new EndpointId(3))!.Value;
        Assert.NotEqual(oldXwing, newXwing);
        Assert.Contains(new EndpointId(1), changed.Select(c => c.Endpoint));
        Assert.True(Allows(engine.PolicyOf(new EndpointId(1))!, newXwing, 80));
        Assert.Null(engine.Identities.Lookup(oldXwing));
    }

    [Fact]
    public void Deleting_the_policy_or_the_peer_reverts_the_entries()
    {
        var engine = StarWars();
        engine.Upsert(PolicyParser.Parse(YamlObjects.One(Rule1)));
        var tie = engine.IdentityOf(new EndpointId(2))!.Value;
        var changed = engine.Delete(new EndpointId(2));
        Assert.Equal([new EndpointId(1)], changed.Select(c => c.Endpoint));
        Assert.False(Allows(engine.PolicyOf(new EndpointId(1))!, tie, 80));
        changed = engine.Delete("CiliumNetworkPolicy", "default", "rule1");
        Assert.False(Assert.Single(changed).IngressEnforced);
        Assert.Empty(engine.Delete("CiliumNetworkPolicy", "default", "rule1"));
    }

    [Fact]
    public void Reapplying_the_same_policy_changes_nothing()
    {
        var engine = StarWars();
        engine.Upsert(PolicyParser.Parse(YamlObjects.One(Rule1)));
        Assert.Empty(engine.Upsert(PolicyParser.Parse(YamlObjects.One(Rule1))));
    }

    [Fact]
    public void Cidr_identities_live_while_a_policy_uses_them()
    {
        var engine = StarWars();
        var p = PolicyParser.Parse(YamlObjects.One("""
            kind: CiliumNetworkPolicy
            metadata: {name: out}
            spec:
              endpointSelector: {matchLabels: {class: xwing}}
              egress: [{toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]}]
            """));
        engine.Upsert(p);
        Assert.Equal(["10.0.0.0/8", "10.1.0.0/16"], engine.CidrIdentities().Keys.Select(k => k.ToString()).Order());
        engine.Delete("CiliumNetworkPolicy", "default", "out");
        Assert.Empty(engine.CidrIdentities());
    }

    [Fact]
    public void Enforcement_modes_always_and_never()
    {
        var always = new PolicyEngine(new IdentityAllocator(), PolicyEnforcementMode.Always);
        var p = Assert.Single(always.Upsert(Pod(1, "a", ("app", "a"))));
        Assert.True(p.IngressEnforced && p.EgressEnforced);
        Assert.DoesNotContain(p.Entries, e => e.Key.Identity == NumericIdentity.Unknown);

        var never = new PolicyEngine(new IdentityAllocator(), PolicyEnforcementMode.Never);
        never.Upsert(Pod(1, "a", ("app", "a")));
        never.Upsert(PolicyParser.Parse(YamlObjects.One("kind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}, ingress: [{}]}")));
        var n = never.PolicyOf(new EndpointId(1))!;
        Assert.False(n.IngressEnforced);
        Assert.Equal(2, n.Entries.Count);
    }

    [Fact]
    public void Http_rules_become_l7_policies_keyed_by_endpoint_ip_direction_and_port()
    {
        var engine = new PolicyEngine(new IdentityAllocator(), l7ProxyPort: 12345);
        engine.Upsert(Pod(1, "deathstar", ("org", "empire"), ("class", "deathstar")) with { IPv4 = IPAddress.Parse("10.0.1.10") });
        engine.Upsert(Pod(2, "tiefighter", ("org", "empire"), ("class", "tiefighter")) with { IPv4 = IPAddress.Parse("10.0.1.11") });
        engine.Upsert(Pod(3, "xwing", ("org", "alliance"), ("class", "xwing")) with { IPv4 = IPAddress.Parse("10.0.1.12") });
        var changed = engine.Upsert(PolicyParser.Parse(YamlObjects.One(Rule1L7)));

        var deathstar = Assert.Single(changed);
        var tiefighter = engine.IdentityOf(new EndpointId(2))!.Value;
        var xwing = engine.IdentityOf(new EndpointId(3))!.Value;
        var row = Assert.Single(deathstar.Entries, e => e.Key.Identity == tiefighter);
        Assert.Equal(new PolicyVerdict(false, 12345, EndpointCompiler.ProxyPortPriority), row.Verdict);

        var (key, policy) = Assert.Single(engine.L7Policies());
        Assert.Equal(new L7PolicyKey(IPAddress.Parse("10.0.1.10"), LabSite.Clusters.Contract.Flows.TrafficDirection.INGRESS, 80), key);
        Assert.True(policy.Evaluate(tiefighter, Request("POST", "/v1/request-landing")).Allowed);
        Assert.False(policy.Evaluate(tiefighter, Request("PUT", "/v1/exhaust-port")).Allowed);
        Assert.False(policy.Evaluate(xwing, Request("POST", "/v1/request-landing")).Allowed);
    }

    [Fact]
    public void Changing_only_the_http_rules_reports_the_endpoint_as_changed()
    {
        var engine = StarWars();
        engine.Upsert(PolicyParser.Parse(YamlObjects.One(Rule1L7)));
        var changed = engine.Upsert(PolicyParser.Parse(YamlObjects.One(Rule1L7.Replace("POST", "GET", StringComparison.Ordinal))));
        Assert.Equal(new EndpointId(1), Assert.Single(changed).Endpoint);
    }

    private const string Rule1L7 = """
        kind: CiliumNetworkPolicy
        metadata: {name: rule1}
        spec:
          endpointSelector: {matchLabels: {class: deathstar}}
          ingress:
          - fromEndpoints: [{matchLabels: {org: empire}}]
            toPorts:
            - ports: [{port: "80", protocol: TCP}]
              rules: {http: [{method: POST, path: /v1/request-landing}]}
        """;

    private static HttpRequestHead Request(string method, string target) => new()
    {
        Method = method,
        Target = target,
        Version = HttpWireVersion.Http11,
        Headers = new HttpHeaderList { { "Host", "deathstar" } },
    };
}
