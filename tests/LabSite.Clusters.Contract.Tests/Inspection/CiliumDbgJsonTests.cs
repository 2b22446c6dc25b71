using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Clusters.Contract.Tests.Inspection;

/// <summary>
/// <c>cilium-dbg -o json</c> shapes. The inputs follow Cilium's <c>api/v1/models</c> (Endpoint, EndpointStatus,
/// EndpointIdentifiers, EndpointNetworking/AddressPair, EndpointPolicy's <c>policy-enabled</c>, Identity, Service
/// with FrontendAddress/BackendAddress) and <c>cilium-dbg/cmd/bpf_ipcache_list.go</c> (a map of prefix to value texts),
/// with fields we do not model left in to show they are skipped.
/// </summary>
public class CiliumDbgJsonTests
{
    private const string Endpoints = """
        [
          {
            "id": 232,
            "spec": { "label-configuration": { "user": [] }, "options": { "Debug": "Disabled" } },
            "status": {
              "controllers": [ { "name": "resolve-identity-232", "status": { "success-count": 1 } } ],
              "external-identifiers": { "container-id": "3f1c", "k8s-namespace": "default", "k8s-pod-name": "deathstar-689f66b57d-4rwkf", "pod-name": "default/deathstar-689f66b57d-4rwkf" },
              "health": { "bpf": "OK", "connected": true, "overallHealth": "OK", "policy": "OK" },
              "identity": { "id": 31028, "labels": [ "k8s:class=deathstar", "k8s:org=empire" ], "labelsSHA256": "9b2e" },
              "labels": { "realized": { "user": [] }, "security-relevant": [ "k8s:class=deathstar", "k8s:io.kubernetes.pod.namespace=default", "k8s:org=empire" ] },
              "networking": { "addressing": [ { "ipv4": "10.244.1.17", "ipv6": "fd00:10:244:1::a1" } ], "host-mac": "aa:bb", "interface-index": 12, "interface-name": "lxc1234" },
              "policy": { "proxy-statistics": [], "realized": { "allowed-ingress-identities": null, "policy-enabled": "ingress", "policy-revision": 7 }, "spec": { "policy-enabled": "ingress" } },
              "state": "ready"
            }
          },
          {
            "id": 3012,
            "status": {
              "identity": { "id": 1, "labels": [ "reserved:host" ] },
              "labels": { "security-relevant": [ "reserved:host" ] },
              "networking": { "addressing": [ {} ] },
              "policy": { "realized": { "policy-enabled": "audit-egress" } },
              "state": "ready"
            }
          }
        ]
        """;

    [Fact]
    public void Reads_the_endpoint_list_of_a_real_agent()
    {
        var list = CiliumDbgJson.ReadEndpoints(Endpoints);

        Assert.Equal(2, list.Count);
        var deathstar = list[0];
        Assert.Equal((ushort)232, deathstar.Id);
        Assert.Equal(31028u, deathstar.Identity);
        Assert.Equal(["k8s:class=deathstar", "k8s:io.kubernetes.pod.namespace=default", "k8s:org=empire"], deathstar.Labels);
        Assert.Equal(("10.244.1.17", "fd00:10:244:1::a1"), (deathstar.IPv4, deathstar.IPv6));
        Assert.Equal(("Enabled", "Disabled", "ready"), (deathstar.IngressEnforcement, deathstar.EgressEnforcement, deathstar.Status));
        Assert.Equal(("default", "deathstar-689f66b57d-4rwkf"), (deathstar.Namespace, deathstar.PodName));
        var host = list[1];
        Assert.Equal(("", "", ""), (host.IPv4, host.Namespace, host.PodName));
        Assert.Equal(("Disabled", "Disabled (Audit)"), (host.IngressEnforcement, host.EgressEnforcement));
    }

    [Fact]
    public void What_the_lab_shell_writes_reads_back_the_same()
    {
        EndpointModel[] endpoints =
        [
            new(17, 31028, ["k8s:class=deathstar", "k8s:org=empire"], "10.0.1.5", "", "Enabled", "Enabled", "ready", "default", "deathstar-1"),
            new(18, 4, ["reserved:health"], "10.0.1.9", "", "Disabled", "Disabled (Audit)", "ready"),
        ];
        IdentityModel[] identities = [new(1, ["reserved:host"]), new(16777217, ["cidr:10.0.0.0/8", "reserved:world"])];
        IpcacheEntry[] ipcache = [new("10.244.0.139/32", 4, 0, "172.18.0.3", "hastunnel"), new("0.0.0.0/0", 2)];
        ServiceModel[] services = [new(15, "10.96.0.10:53/UDP", "ClusterIP", ["10.244.1.82:53/UDP (active)", "10.244.1.102:53/UDP (terminating)"])];

        var e = CiliumDbgJson.ReadEndpoints(CiliumDbgJson.WriteEndpoints(endpoints));
        var i = CiliumDbgJson.ReadIdentities(CiliumDbgJson.WriteIdentities(identities));
        var c = CiliumDbgJson.ReadIpcache(CiliumDbgJson.WriteIpcache(ipcache));
        var s = CiliumDbgJson.ReadServices(CiliumDbgJson.WriteServices(services));

        Assert.Equal(EndpointModel.ToText(endpoints), EndpointModel.ToText(e));
        Assert.Equal([17, 18], e.Select(x => (int)x.Id));
        Assert.Equal(("default", "deathstar-1"), (e[0].Namespace, e[0].PodName));
        Assert.Equal(IdentityModel.ToText(identities), IdentityModel.ToText(i));
        Assert.Equal(IpcacheEntry.ToText(ipcache.OrderBy(x => x.Prefix, StringComparer.Ordinal)), IpcacheEntry.ToText(c));
        Assert.Equal(ServiceModel.ToText(services), ServiceModel.ToText(s));
    }

    [Fact]
    public void Writes_cilium_field_names_indented_by_two_spaces()
    {
        var json = CiliumDbgJson.WriteEndpoints([new(5, 31028, ["k8s:org=empire"], "10.0.1.5", "", "Enabled", "Disabled", "ready", "default", "ds")]);

        Assert.StartsWith("[\n  {\n    \"id\": 5,\n    \"status\": {\n", json, StringComparison.Ordinal);
        Assert.Contains("\"external-identifiers\"", json, StringComparison.Ordinal);
        Assert.Contains("\"policy-enabled\": \"ingress\"", json, StringComparison.Ordinal);
        Assert.Contains("\"security-relevant\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_identities_ipcache_and_services_as_cilium_prints_them()
    {
        var identities = CiliumDbgJson.ReadIdentities("""[{"id":1,"labels":["reserved:host"],"labelsSHA256":"x"},{"id":323,"labels":["k8s:class=xwing","k8s:org=alliance"]}]""");
        var ipcache = CiliumDbgJson.ReadIpcache("""{"10.244.0.139/32":["identity=4 encryptkey=0 tunnelendpoint=172.18.0.3 flags=hastunnel"],"0.0.0.0/0":["identity=2 encryptkey=0 tunnelendpoint=0.0.0.0 flags=<none>"]}""");
        var services = CiliumDbgJson.ReadServices("""
            [{"spec":{"backend-addresses":[{"ip":"172.18.0.4","nodeName":"kind-control-plane","port":6443,"protocol":"TCP","state":"active","weight":100}],
              "flags":{"name":"kubernetes","namespace":"default","trafficPolicy":"Cluster","type":"ClusterIP"},
              "frontend-address":{"ip":"10.96.0.1","port":443,"protocol":"TCP","scope":"external"},"id":1},
              "status":{"realized":{"id":1}}},
             {"spec":{"backend-addresses":[],"frontend-address":{"ip":"fd00:10:96::a","port":53},"id":2}}]
            """);

        Assert.Equal([(1u, "reserved:host"), (323u, "k8s:class=xwing")], identities.Select(i => (i.Id, i.Labels[0])));
        Assert.Equal("identity=4 encryptkey=0 tunnelendpoint=172.18.0.3 flags=hastunnel", ipcache.Single(e => e.Prefix == "10.244.0.139/32").ValueText());
        Assert.Equal(2u, ipcache.Single(e => e.Prefix == "0.0.0.0/0").Identity);
        Assert.Equal(("10.96.0.1:443/TCP", "ClusterIP", "172.18.0.4:6443/TCP (active)"), (services[0].Frontend, services[0].Type, services[0].Backends.Single()));
        Assert.Equal(("[fd00:10:96::a]:53", 0), (services[1].Frontend, services[1].Backends.Count));
    }

    [Fact]
    public void Reads_a_policy_map_dump_back_to_host_order()
    {
        // FORMATS §3's derived -o json entry: an L4 allow of identity 31028 to 80/TCP, ingress, ports in network order
        var dump = CiliumDbgJson.ReadPolicyMap(232, """
            [{"ProxyPortNetwork":0,"Flags":192,"AuthRequirement":0,"ProxyPortPriority":0,"Pad1":0,"Pad2":0,"Packets":10,"Bytes":1146,
              "Key":{"Prefixlen":64,"Identity":31028,"TrafficDirection":0,"Nexthdr":6,"DestPortNetwork":20480}},
             {"ProxyPortNetwork":36923,"Flags":1,"AuthRequirement":0,"ProxyPortPriority":0,"Pad1":0,"Pad2":0,"Packets":18446744073709551615,"Bytes":18446744073709551615,"Cookie":0,
              "Key":{"Prefixlen":40,"Identity":0,"TrafficDirection":1,"Nexthdr":0,"DestPortNetwork":0}}]
            """);

        var allow = dump.Entries[0];
        Assert.Equal((false, false, 31028u, (byte)6, (ushort)80, (byte)24, (ulong?)10, (ulong?)1146),
            (allow.Deny, allow.Egress, allow.Identity, allow.Protocol, allow.Port, allow.PortPrefixLength, allow.Packets, allow.Bytes));
        var deny = dump.Entries[1];
        Assert.Equal((true, true, (byte)0, (ushort)15248, (ulong?)null), (deny.Deny, deny.Egress, deny.PortPrefixLength, deny.ProxyPort, deny.Packets));
        Assert.Equal(dump.ToJson(), CiliumDbgJson.ReadPolicyMap(232, dump.ToJson()).ToJson());
    }

    [Fact]
    public void Reads_conntrack_lines()
    {
        var entries = CiliumDbgJson.ReadConntrack(
            "TCP OUT 10.244.2.148:38566 -> 10.244.0.34:4240 expires=19462 Packets=0 Bytes=0 RxFlagsSeen=0x1a LastRxReport=11462 TxFlagsSeen=0x1a LastTxReport=11462 Flags=0x0010 [ SeenNonSyn ] RevNAT=0 SourceSecurityID=0 BackendID=0 NatPort=0\n\n");

        var e = Assert.Single(entries);
        Assert.Equal(("TCP", "OUT", "10.244.2.148:38566", "10.244.0.34:4240", 19462ul, (byte)0x1a, (ushort)0x10), (e.Protocol, e.Direction, e.Source, e.Destination, e.Expires, e.RxFlagsSeen, e.Flags));
        Assert.Equal("TCP OUT 10.244.2.148:38566 -> 10.244.0.34:4240 expires=19462 Packets=0 Bytes=0 RxFlagsSeen=0x1a LastRxReport=0 TxFlagsSeen=0x1a LastTxReport=0 Flags=0x0010 [ SeenNonSyn ] RevNAT=0 SourceSecurityID=0 BackendID=0 NatPort=0", e.ToText());
    }

    [Theory]
    [InlineData("{", "not JSON")]
    [InlineData("{}", "expected an array")]
    [InlineData("""[{"id":1}]""", "endpoint list [0]: status: missing")]
    [InlineData("""[{"id":"one","status":{}}]""", "endpoint list [0]: id: \"one\" is not an integer")]
    [InlineData("""[{"id":70000,"status":{}}]""", "endpoint list [0]: id: 70000 is out of range")]
    [InlineData("""[{"id":1,"status":{"policy":{"realized":{"policy-enabled":"sometimes"}}}}]""", "\"sometimes\" is none of")]
    [InlineData("""[{"id":1,"status":{"labels":{"security-relevant":[1]}}}]""", "status.labels.security-relevant[0]: 1 is not a string")]
    public void Bad_endpoint_output_names_what_is_wrong(string json, string message)
    {
        var e = Assert.Throws<FormatException>(() => CiliumDbgJson.ReadEndpoints(json));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ipcache_value_without_an_identity_is_refused_naming_the_prefix()
    {
        var e = Assert.Throws<FormatException>(() => CiliumDbgJson.ReadIpcache("""{"10.0.0.1/32":["encryptkey=0"]}"""));

        Assert.Contains("10.0.0.1/32", e.Message, StringComparison.Ordinal);
    }
}
