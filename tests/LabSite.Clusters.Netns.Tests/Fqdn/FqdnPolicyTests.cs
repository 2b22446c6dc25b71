using System.Net;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Policy.Compile;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Fqdn;

/// <summary>toFQDNs and rules.dns through the policy engine: which addresses DNS answers open, and which DNS rules an endpoint gets.</summary>
public class FqdnPolicyTests
{
    private const string Policy = """
        kind: CiliumNetworkPolicy
        metadata: {name: fqdn}
        spec:
          endpointSelector: {matchLabels: {app: client}}
          egress:
          - toEntities: [host]
            toPorts:
            - ports: [{port: "53", protocol: ANY}]
              rules:
                dns: [{matchPattern: "*.example.com"}]
          - toFQDNs: [{matchName: api.example.com}, {matchPattern: "*.cdn.example.net"}]
        """;

    private static readonly EndpointId s_client = new(1);

    private static PolicyEngine Engine()
    {
        var engine = new PolicyEngine(new IdentityAllocator());
        engine.Upsert(new EndpointInfo(s_client, "default", "client", IdentityLabels.ForPod("default", new Dictionary<string, string> { ["app"] = "client" }), []));
        engine.Upsert(new EndpointInfo(new EndpointId(2), "default", "other", IdentityLabels.ForPod("default", new Dictionary<string, string> { ["app"] = "other" }), []));
        engine.Upsert(PolicyParser.Parse(YamlObjects.One(Policy)));
        return engine;
    }

    private static Dictionary<string, IReadOnlyList<IPAddress>> Names(params (string Name, string Ip)[] answers) =>
        answers.GroupBy(a => a.Name).ToDictionary(g => g.Key, g => (IReadOnlyList<IPAddress>)g.Select(a => IPAddress.Parse(a.Ip)).ToList());

    private static IReadOnlyList<string> AllowedPrefixes(PolicyEngine engine)
    {
        var byId = engine.CidrIdentities().ToDictionary(kv => kv.Value, kv => kv.Key.ToString());
        return engine.PolicyOf(s_client)!.Entries
            .Where(e => !e.Verdict.Deny && e.Key.Direction == TrafficDirection.Egress && byId.ContainsKey(e.Key.Identity))
            .Select(e => byId[e.Key.Identity]).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void Dns_rules_of_egress_allows_become_the_endpoints_dns_rules()
    {
        var engine = Engine();
        var dns = engine.PolicyOf(s_client)!.Dns;
        Assert.NotNull(dns);
        Assert.True(dns.Allows("www.example.com"));
        Assert.False(dns.Allows("example.com"));
        Assert.False(dns.Allows("evil.example.org."));
        // An endpoint no policy selects is not proxied at all.
        Assert.Null(engine.PolicyOf(new EndpointId(2))!.Dns);
    }

    [Fact]
    public void Answers_for_selected_names_open_their_addresses_and_others_stay_closed()
    {
        var engine = Engine();
        Assert.Empty(AllowedPrefixes(engine));

        var changed = engine.UpdateFqdnNames(Names(
            ("api.example.com.", "198.18.0.10"),
            ("img.cdn.example.net.", "198.18.0.11"),
            // A name no toFQDNs selector matches, and an answer pointing at an address outside the allowed set.
            ("evil.example.org.", "198.18.0.12"),
            ("deep.img.cdn.example.net.", "198.18.0.13")));

        Assert.Contains(s_client, changed.Select(c => c.Endpoint));
        Assert.Equal(["198.18.0.10/32", "198.18.0.11/32"], AllowedPrefixes(engine));
        // Only selected addresses get identities (and ipcache entries).
        Assert.Equal(["198.18.0.10/32", "198.18.0.11/32"], engine.CidrIdentities().Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal));
        // Other endpoints are not opened by the client's policy.
        Assert.DoesNotContain(engine.PolicyOf(new EndpointId(2))!.Entries, e => e.Key.Direction == TrafficDirection.Egress && e.Key.Identity.IsLocalScope);
    }

    [Fact]
    public void Expired_names_close_their_addresses_and_release_the_identities()
    {
        var engine = Engine();
        engine.UpdateFqdnNames(Names(("api.example.com.", "198.18.0.10"), ("img.cdn.example.net.", "198.18.0.11")));
        engine.UpdateFqdnNames(Names(("img.cdn.example.net.", "198.18.0.11")));
        Assert.Equal(["198.18.0.11/32"], AllowedPrefixes(engine));
        engine.UpdateFqdnNames(Names());
        Assert.Empty(AllowedPrefixes(engine));
        Assert.Empty(engine.CidrIdentities());
    }

    [Fact]
    public void A_name_whose_address_changes_follows_the_new_answer()
    {
        var engine = Engine();
        engine.UpdateFqdnNames(Names(("api.example.com.", "198.18.0.10")));
        engine.UpdateFqdnNames(Names(("api.example.com.", "198.18.0.20")));
        Assert.Equal(["198.18.0.20/32"], AllowedPrefixes(engine));
    }

    [Fact]
    public void Deleting_the_policy_releases_what_its_selectors_held()
    {
        var engine = Engine();
        engine.UpdateFqdnNames(Names(("api.example.com.", "198.18.0.10")));
        engine.Delete("CiliumNetworkPolicy", "default", "fqdn");
        Assert.Empty(engine.CidrIdentities());
        Assert.Null(engine.PolicyOf(s_client)!.Dns);
    }
}
