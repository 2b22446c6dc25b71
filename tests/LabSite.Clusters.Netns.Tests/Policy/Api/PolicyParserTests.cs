using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Store.Validation;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Policy.Api;

public class PolicyParserTests
{
    // The Star Wars lab's sw_l3_l4_policy.yaml, shared with the shell tests.
    private static readonly string s_rule1 = StarWarsObjects.L3L4Policy;

    [Fact]
    public void Star_wars_rule1_parses_into_a_namespaced_rule()
    {
        var p = PolicyParser.Parse(YamlObjects.One(s_rule1));
        var rule = Assert.Single(p.Rules);
        Assert.Equal(new PolicySource("CiliumNetworkPolicy", "rule1", "default"), p.Source);
        Assert.Equal("any:class=deathstar; any:org=empire; k8s:io.kubernetes.pod.namespace=default", rule.Subject.Key);
        var peer = Assert.Single(rule.Ingress!);
        Assert.Equal("any:org=empire; k8s:io.kubernetes.pod.namespace=default", Assert.Single(peer.Endpoints!).Key);
        Assert.Equal(new PortProtocol(80, null, 0, L4Protocol.TCP), Assert.Single(Assert.Single(peer.ToPorts!).Ports));
        Assert.Null(rule.Egress);
        Assert.True(rule.EnforcesDefaultDeny(TrafficDirection.Ingress));
        Assert.False(rule.EnforcesDefaultDeny(TrafficDirection.Egress));
    }

    [Fact]
    public void Clusterwide_peers_get_an_exists_namespace_requirement_and_reserved_selectors_stay()
    {
        var p = PolicyParser.Parse(YamlObjects.One("""
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: cw}
            specs:
            - endpointSelector: {}
              ingress:
              - fromEndpoints: [{}, {matchLabels: {"reserved:host": ""}}]
            """));
        var eps = p.Rules[0].Ingress![0].Endpoints!;
        Assert.Equal("k8s:io.kubernetes.pod.namespace Exists", eps[0].Key);
        Assert.Equal("reserved:host=", eps[1].Key);
        Assert.Null(p.Source.Namespace);
    }

    [Fact]
    public void Knp_translates_selectors_ports_and_default_deny()
    {
        var p = PolicyParser.Parse(YamlObjects.One("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: web}}
              policyTypes: [Ingress, Egress]
              ingress:
              - from:
                - namespaceSelector: {matchLabels: {team: red}}
                  podSelector: {matchLabels: {role: client}}
                - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
                ports:
                - port: 8080
                  endPort: 8090
            """));
        var rule = Assert.Single(p.Rules);
        Assert.Equal("any:app=web; k8s:io.kubernetes.pod.namespace=shop", rule.Subject.Key);
        var peer = Assert.Single(rule.Ingress!);
        Assert.Equal(
            "any:io.cilium.k8s.namespace.labels.team=red; any:role=client; k8s:io.cilium.k8s.policy.cluster=default",
            Assert.Single(peer.Endpoints!).Key);
        Assert.Equal("10.1.0.0/16", Assert.Single(Assert.Single(peer.Cidrs!).Except).ToString());
        Assert.Equal(new PortProtocol(8080, null, 8090, L4Protocol.TCP), peer.ToPorts![0].Ports[0]);
        // Egress listed without rules: one empty rule, default deny, nothing allowed.
        var egress = Assert.Single(rule.Egress!);
        Assert.False(egress.HasPeers || egress.HasL4);
        Assert.True(rule.EnforcesDefaultDeny(TrafficDirection.Egress));
    }

    public static TheoryData<string, string> BadPolicies => new()
    {
        { "spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"http!\"}]}]}]}", "spec.ingress[0].toPorts[0].ports[0].port: \"http!\" is neither a port number nor a valid port name" },
        { "spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"70000\"}]}]}]}", "spec.ingress[0].toPorts[0].ports[0].port: 70000 is out of range 0-65535" },
        { "spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"80\", protocol: QUIC}]}]}]}", "spec.ingress[0].toPorts[0].ports[0].protocol: unknown protocol \"QUIC\"" },
        { "spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"90\", endPort: 80}]}]}]}", "spec.ingress[0].toPorts[0].ports[0].endPort: 80 is below port 90" },
        { "spec: {endpointSelector: {}, ingress: [{fromEntitys: [world]}]}", "spec.ingress[0].fromEntitys: unknown field \"fromEntitys\"" },
        { "spec: {endpointSelector: {}, ingress: [{fromEntities: [wrld]}]}", "spec.ingress[0].fromEntities[0]: unknown entity \"wrld\"" },
        { "spec: {endpointSelector: {}, egress: [{toCIDR: [10.0.0.300/8]}]}", "spec.egress[0].toCIDR[0]: \"10.0.0.300/8\" is not a CIDR" },
        { "spec: {endpointSelector: {}, egress: [{toCIDR: [10.0.0.0/33]}]}", "spec.egress[0].toCIDR[0]: \"10.0.0.0/33\" is not a CIDR" },
        { "spec: {endpointSelector: {}, egress: [{toCIDR: [010.0.0.0/8]}]}", "spec.egress[0].toCIDR[0]: \"010.0.0.0/8\" is not a CIDR" },
        { "spec: {endpointSelector: {}, ingress: [{fromCIDR: [world]}]}", "spec.ingress[0].fromCIDR[0]: \"world\" is not a CIDR" },
        { "spec: {endpointSelector: {}, ingress: [{fromCIDRSet: [{cidr: 10.0.0.0/-8}]}]}", "spec.ingress[0].fromCIDRSet[0].cidr: \"10.0.0.0/-8\" is not a CIDR" },
        { "spec: {endpointSelector: {}, egress: [{toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/]}]}]}", "spec.egress[0].toCIDRSet[0].except[0]: \"10.1.0.0/\" is not a CIDR" },
        { "spec: {endpointSelector: {}, egress: [{toCIDRSet: [{cidr: 10.0.0.0/16, except: [192.168.0.0/24]}]}]}", "spec.egress[0].toCIDRSet[0].except[0]: 192.168.0.0/24 is not inside 10.0.0.0/16" },
        { "spec: {endpointSelector: {}, ingress: [{toFQDNs: [{matchName: cilium.io}]}]}", "spec.ingress[0].toFQDNs: toFQDNs is an egress peer" },
        { "spec: {endpointSelector: {}, egressDeny: [{toFQDNs: [{matchName: cilium.io}]}]}", "spec.egressDeny[0].toFQDNs: toFQDNs is not allowed in egressDeny" },
        { "spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"53\"}], rules: {dns: [{matchName: x}]}}]}]}", "spec.ingress[0].toPorts[0].rules.dns: DNS rules apply to egress only" },
        { "spec: {endpointSelector: {}, egress: [{toPorts: [{ports: [{port: \"5353\", protocol: UDP}], rules: {dns: [{matchName: x}]}}]}]}", "spec.egress[0].toPorts[0].ports: DNS rules police the lab's DNS server on port 53" },
        { "spec: {endpointSelector: {}, egress: [{toPorts: [{ports: [{port: \"53\"}], rules: {dns: []}}]}]}", "spec.egress[0].toPorts[0].rules.dns: is empty" },
        { "spec: {endpointSelector: {}, egress: [{toPorts: [{ports: [{port: \"53\"}], rules: {dns: [{matchName: x}], http: [{}]}}]}]}", "spec.egress[0].toPorts[0].rules: only one kind of L7 rules" },
        { "spec: {endpointSelector: {}, egress: [{toFQDNs: [{matchName: \"*.empire.example\"}]}]}", "spec.egress[0].toFQDNs[0].matchName: invalid character '*' in \"*.empire.example\"" },
        { "spec: {endpointSelector: {}, egress: [{toFQDNs: [{matchName: a.example, matchPattern: \"*.example\"}]}]}", "spec.egress[0].toFQDNs[0]: only one of matchName or matchPattern may be set" },
        { "spec: {endpointSelector: {}, egress: [{toFQDNs: [{}]}]}", "spec.egress[0].toFQDNs[0]: one of matchName or matchPattern is required" },
        { "spec: {endpointSelector: {}, egress: [{toFQDNs: [{matchPatern: \"*.example\"}]}]}", "spec.egress[0].toFQDNs[0].matchPatern: unknown field \"matchPatern\"" },
        { "spec: {endpointSelector: {}, egress: [{toPorts: [{ports: [{port: \"53\", protocol: ANY}], rules: {dns: [{matchPattern: \"[a-z]+.example\"}]}}]}]}", "spec.egress[0].toPorts[0].rules.dns[0].matchPattern: invalid character '['" },
        { "spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"9092\"}], rules: {kafka: [{}]}}]}]}", "spec.ingress[0].toPorts[0].rules.kafka: kafka rules are not supported by the netns backend (only http and dns)" },
        { "spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"80\"}], rules: {htp: [{}]}}]}]}", "spec.ingress[0].toPorts[0].rules.htp: unknown field \"htp\"" },
        { "spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"80\"}], rules: {http: []}}]}]}", "spec.ingress[0].toPorts[0].rules.http: is empty; write [{}] to allow all HTTP" },
        { "spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"80\"}], rules: {http: [{verb: GET}]}}]}]}", "spec.ingress[0].toPorts[0].rules.http[0].verb: unknown field \"verb\"" },
        { "spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"80\"}], rules: {http: [{path: \"/v1/(\"}]}}]}]}", "spec.ingress[0].toPorts[0].rules.http[0].path:" },
        { "spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"80\", protocol: UDP}], rules: {http: [{}]}}]}]}", "spec.ingress[0].toPorts[0].ports: HTTP rules need single TCP ports; 80/UDP is not one" },
        { "spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"80\", endPort: 90}], rules: {http: [{}]}}]}]}", "spec.ingress[0].toPorts[0].ports: HTTP rules need single TCP ports; 80-90/Any is not one" },
        { "spec: {endpointSelector: {}, ingress: [{toPorts: [{rules: {http: [{}]}}]}]}", "spec.ingress[0].toPorts[0].ports: HTTP rules need at least one port" },
        { "spec: {endpointSelector: {}, ingressDeny: [{toPorts: [{ports: [{port: \"80\"}], rules: {http: [{}]}}]}]}", "spec.ingressDeny[0].toPorts[0].rules: deny rules cannot carry L7 rules" },
        { "spec: {ingress: [{}]}", "spec.endpointSelector: required" },
        { "spec: {endpointSelector: {matchExpressions: [{key: a, operator: Has}]}}", "spec.endpointSelector.matchExpressions[0].operator: \"Has\" is not In, NotIn, Exists or DoesNotExist" },
        { "spec: {endpointSelector: {matchExpressions: [{key: a, operator: In}]}}", "spec.endpointSelector.matchExpressions[0].values: In needs at least one value" },
        { "spec: {endpointSelector: {}, ingress: [{icmps: [{fields: [{type: Ping}]}]}]}", "spec.ingress[0].icmps[0].fields[0].type: unknown ICMP type \"Ping\"" },
        { "spec: {endpointSelector: {}, ingress: [{icmps: [{fields: [{type: 8}]}], toPorts: [{ports: [{port: \"80\"}]}]}]}", "spec.ingress[0].icmps: icmps may only be used without toPorts" },
        { "spec: {endpointSelector: {}, enableDefaultDeny: {ingress: maybe}}", "spec.enableDefaultDeny.ingress: expected true or false, got \"maybe\"" },
        { "spec: {nodeSelector: {}}", "spec.nodeSelector: nodeSelector is only allowed in a CiliumClusterwideNetworkPolicy" },
        { "spec: {endpointSelector: {}, ingress: {fromEndpoints: []}}", "spec.ingress: expected a list, got an object" },
        { "metadata: {name: x}", "spec: required" },
    };

    [Theory]
    [MemberData(nameof(BadPolicies))]
    public void Bad_policies_are_rejected_naming_the_field(string specYaml, string expected)
    {
        var yaml = "kind: CiliumNetworkPolicy\n" + (specYaml.StartsWith("metadata", StringComparison.Ordinal) ? specYaml : "metadata: {name: bad, namespace: ns1}\n" + specYaml);
        var ex = Assert.Throws<PolicyValidationException>(() => PolicyParser.Parse(YamlObjects.One(yaml)));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("CiliumNetworkPolicy ", ex.Message);
    }

    public static TheoryData<string, string, string> HostBitCidrs => new()
    {
        // (policy lines, warned field, masked network the rule uses)
        { "kind: CiliumNetworkPolicy\nspec: {endpointSelector: {}, egress: [{toCIDR: [10.1.0.2/4]}]}", "spec.egress[0].toCIDR[0]", "0.0.0.0/4" },
        { "kind: CiliumNetworkPolicy\nspec: {endpointSelector: {}, ingress: [{fromCIDR: [192.168.7.9/24]}]}", "spec.ingress[0].fromCIDR[0]", "192.168.7.0/24" },
        { "kind: CiliumNetworkPolicy\nspec: {endpointSelector: {}, egress: [{toCIDRSet: [{cidr: 10.9.9.9/8}]}]}", "spec.egress[0].toCIDRSet[0].cidr", "10.0.0.0/8" },
        { "kind: CiliumNetworkPolicy\nspec: {endpointSelector: {}, ingress: [{fromCIDRSet: [{cidr: \"fd00::1/64\"}]}]}", "spec.ingress[0].fromCIDRSet[0].cidr", "fd00::/64" },
        { "kind: NetworkPolicy\nspec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 172.16.3.4/12}}]}]}", "spec.ingress[0].from[0].ipBlock.cidr", "172.16.0.0/12" },
        { "kind: NetworkPolicy\nspec: {podSelector: {}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 10.1.0.2/4}}]}]}", "spec.egress[0].to[0].ipBlock.cidr", "0.0.0.0/4" },
    };

    [Theory]
    [MemberData(nameof(HostBitCidrs))]
    public void Cidrs_with_host_bits_use_the_masked_network_and_warn(string policy, string path, string masked)
    {
        var parsed = PolicyParser.Parse(YamlObjects.One(policy.Replace("\nspec", "\nmetadata: {name: p, namespace: ns1}\nspec", StringComparison.Ordinal)));

        var rule = Assert.Single(parsed.Rules);
        var peer = Assert.Single((rule.Ingress ?? rule.Egress)!);
        Assert.Equal(masked, Assert.Single(peer.Cidrs!).Cidr.ToString());
        var warning = Assert.Single(parsed.Warnings);
        Assert.Equal(path, warning.Path);
        Assert.StartsWith("CIDR value \"", warning.Message);
        Assert.Contains($"is ambiguous in this context (should be \"{masked}\" or ", warning.Message);
    }

    [Fact]
    public void Except_entries_with_host_bits_are_masked_warned_and_checked_against_the_masked_cidr()
    {
        var parsed = PolicyParser.Parse(YamlObjects.One("""
            kind: CiliumNetworkPolicy
            metadata: {name: p, namespace: ns1}
            spec:
              endpointSelector: {}
              egress: [{toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.2.3/16]}]}]
              ingress: [{fromCIDRSet: [{cidr: 10.0.0.0/8, except: [10.2.0.0/16]}]}]
            """));

        var cidr = Assert.Single(Assert.Single(Assert.Single(parsed.Rules).Egress!).Cidrs!);
        Assert.Equal("10.1.0.0/16", Assert.Single(cidr.Except).ToString());
        Assert.Equal(
            new PolicyError("spec.egress[0].toCIDRSet[0].except[0]", "CIDR value \"10.1.2.3/16\" is ambiguous in this context (should be \"10.1.0.0/16\" or \"10.1.2.3/32\"?)"),
            Assert.Single(parsed.Warnings));
    }

    [Fact]
    public void Canonical_cidrs_and_bare_addresses_do_not_warn()
    {
        var check = new PolicyValidator().Validate(YamlObjects.One("""
            kind: CiliumNetworkPolicy
            metadata: {name: p, namespace: ns1}
            spec:
              endpointSelector: {}
              egress: [{toCIDR: [10.0.0.0/8, 192.168.1.7, "fd00::/64"]}]
            """));

        Assert.Empty(check.Errors);
        Assert.Empty(check.Warnings);
    }

    [Fact]
    public void Validator_passes_warnings_to_the_store_next_to_no_errors()
    {
        PolicyCheck check = new PolicyValidator().Validate(YamlObjects.One("""
            kind: NetworkPolicy
            metadata: {name: p, namespace: ns1}
            spec:
              podSelector: {}
              ingress: [{from: [{ipBlock: {cidr: 10.1.0.2/4}}]}]
            """));

        Assert.Empty(check.Errors);
        Assert.Equal(
            "spec.ingress[0].from[0].ipBlock.cidr: CIDR value \"10.1.0.2/4\" is ambiguous in this context (should be \"0.0.0.0/4\" or \"10.1.0.2/32\"?)",
            Assert.Single(check.Warnings).ToString());
    }

    [Fact]
    public void Validator_returns_all_errors_for_the_store()
    {
        var errors = new PolicyValidator().Validate(YamlObjects.One("""
            kind: CiliumNetworkPolicy
            metadata: {name: two-errors}
            spec:
              endpointSelector: {}
              ingress: [{fromEntities: [nope]}]
              egress: [{toPorts: [{ports: [{port: "-1"}]}]}]
            """)).Errors;
        Assert.Equal(["spec.ingress[0].fromEntities[0]", "spec.egress[0].toPorts[0].ports[0].port"], errors.Select(e => e.Path));
    }

    [Fact]
    public void Http_rules_are_parsed_onto_their_port_rule()
    {
        var policy = PolicyParser.Parse(YamlObjects.One(StarWarsL7));
        var port = Assert.Single(Assert.Single(Assert.Single(policy.Rules).Ingress!).ToPorts!);
        Assert.Equal(80, Assert.Single(port.Ports).Port);
        var http = Assert.Single(port.Http!);
        Assert.Equal(("POST", "/v1/request-landing"), (http.Method, http.Path));
    }

    [Fact]
    public void Validator_accepts_http_rules_in_ingress_and_egress()
    {
        var check = new PolicyValidator().Validate(YamlObjects.One(StarWarsL7));
        Assert.Empty(check.Errors);
        Assert.Empty(check.Warnings);

        var egress = YamlObjects.One(EgressL7(StarWarsL7));
        var egressCheck = new PolicyValidator().Validate(egress);
        Assert.Empty(egressCheck.Errors);
        Assert.Empty(egressCheck.Warnings);
        var port = Assert.Single(Assert.Single(Assert.Single(PolicyParser.Parse(egress).Rules).Egress!).ToPorts!);
        var http = Assert.Single(port.Http!);
        Assert.Equal(("POST", "/v1/request-landing"), (http.Method, http.Path));
    }

    [Fact]
    public void Validator_refuses_http_rules_in_egress_deny_naming_the_field()
    {
        var deny = EgressL7(StarWarsL7).Replace("egress:", "egressDeny:");
        var error = Assert.Single(new PolicyValidator().Validate(YamlObjects.One(deny)).Errors);
        Assert.StartsWith("spec.egressDeny[0].toPorts[0]", error.Path, StringComparison.Ordinal);
    }

    private static string EgressL7(string ingressPolicy) => ingressPolicy
        .Replace("endpointSelector: {matchLabels: {org: empire, class: deathstar}}", "endpointSelector: {matchLabels: {class: tiefighter}}")
        .Replace("ingress:", "egress:").Replace("fromEndpoints", "toEndpoints");

    private const string StarWarsL7 = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: rule1}
        spec:
          endpointSelector: {matchLabels: {org: empire, class: deathstar}}
          ingress:
          - fromEndpoints: [{matchLabels: {org: empire}}]
            toPorts:
            - ports: [{port: "80", protocol: TCP}]
              rules:
                http: [{method: POST, path: /v1/request-landing}]
        """;

    [Fact]
    public void Numbers_from_code_built_json_are_read_like_parsed_ones()
    {
        var obj = YamlObjects.One("kind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}}");
        obj.Json["metadata"]!["generation"] = 7;
        Assert.Equal(7ul, PolicyParser.Parse(obj).Source.Revision);
    }
}
