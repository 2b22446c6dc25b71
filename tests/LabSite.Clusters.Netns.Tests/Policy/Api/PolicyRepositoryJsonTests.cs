using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Policy.Api;

public class PolicyRepositoryJsonTests
{
    [Fact]
    public void Star_wars_rule1_prints_as_cilium_policy_get_with_sources_namespace_and_labels()
    {
        var rule1 = PolicyParser.Parse(YamlObjects.One(StarWarsObjects.L3L4Policy));
        var json = PolicyRepositoryJson.Write([rule1], s => s.Name == "rule1" ? "6d2c1b0e-0000-4000-8000-000000000001" : null);
        Assert.Equal("""
            [
              {
                "endpointSelector": {
                  "matchLabels": {
                    "any:class": "deathstar",
                    "any:org": "empire",
                    "k8s:io.kubernetes.pod.namespace": "default"
                  }
                },
                "ingress": [
                  {
                    "fromEndpoints": [
                      {
                        "matchLabels": {
                          "any:org": "empire",
                          "k8s:io.kubernetes.pod.namespace": "default"
                        }
                      }
                    ],
                    "toPorts": [
                      {
                        "ports": [
                          {
                            "port": "80",
                            "protocol": "TCP"
                          }
                        ]
                      }
                    ]
                  }
                ],
                "labels": [
                  {
                    "key": "io.cilium.k8s.policy.derived-from",
                    "value": "CiliumNetworkPolicy",
                    "source": "k8s"
                  },
                  {
                    "key": "io.cilium.k8s.policy.name",
                    "value": "rule1",
                    "source": "k8s"
                  },
                  {
                    "key": "io.cilium.k8s.policy.namespace",
                    "value": "default",
                    "source": "k8s"
                  },
                  {
                    "key": "io.cilium.k8s.policy.uid",
                    "value": "6d2c1b0e-0000-4000-8000-000000000001",
                    "source": "k8s"
                  }
                ],
                "description": "L3-L4 policy to restrict deathstar access to empire ships only"
              }
            ]
            """, json);
    }

    [Fact]
    public void L7_rules_entities_cidrs_and_clusterwide_peers_keep_cilium_field_names_and_order()
    {
        var policy = PolicyParser.Parse(YamlObjects.One("""
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: cw}
            spec:
              endpointSelector: {matchLabels: {"k8s:app": web}}
              ingress:
              - fromEndpoints: [{}]
                toPorts:
                - ports: [{port: "8080", protocol: TCP}]
                  rules:
                    http: [{method: GET, path: "/public"}]
              egress:
              - toEntities: [world]
              - toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]
            """));
        var json = PolicyRepositoryJson.Write([policy], _ => null);
        Assert.Contains("\"k8s:app\": \"web\"", json);
        Assert.DoesNotContain("io.kubernetes.pod.namespace\": ", json.Split("\"ingress\"")[0]);
        Assert.Matches("\"matchExpressions\": \\[\\s+\\{\\s+\"key\": \"k8s:io.kubernetes.pod.namespace\",\\s+\"operator\": \"Exists\"\\s+\\}", json);
        // PortRuleHTTP declares path before method.
        Assert.Matches("\"path\": \"/public\",\\s+\"method\": \"GET\"", json);
        Assert.Contains("\"toEntities\": [\n          \"world\"\n        ]", json);
        Assert.Contains("\"toCIDRSet\": [", json);
        Assert.Contains("\"except\": [\n              \"10.1.0.0/16\"", json);
        Assert.DoesNotContain("io.cilium.k8s.policy.namespace", json);
        Assert.DoesNotContain("io.cilium.k8s.policy.uid", json);
    }

    [Fact]
    public void An_empty_repository_is_an_empty_list()
    {
        Assert.Equal("[]", PolicyRepositoryJson.Write([], _ => null));
    }
}
