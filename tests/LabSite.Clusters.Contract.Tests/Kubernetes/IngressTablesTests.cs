using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Contract.Kubernetes.Tables;

namespace LabSite.Clusters.Contract.Tests.Kubernetes;

/// <summary>kubectl get columns of Ingress (kubectl's printIngress) and the Gateway API CRDs' printer columns.</summary>
public sealed class IngressTablesTests
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 1, 0, 10, 0, TimeSpan.Zero);

    private static string[] Row(ResourceKind kind, string json) =>
        ResourceTables.For(kind).Row(new KubeObject((JsonObject)JsonNode.Parse(json)!), s_now);

    [Fact]
    public void Ingress_prints_class_hosts_address_and_ports()
    {
        var table = ResourceTables.For(ResourceKinds.Ingress);
        Assert.Equal(["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], table.Headers);
        Assert.Equal(["shop", "cilium", "shop.example.com,*", "172.31.0.1", "80", "10m"], Row(ResourceKinds.Ingress, """
            {"metadata": {"name": "shop", "creationTimestamp": "2026-01-01T00:00:00Z"},
             "spec": {"ingressClassName": "cilium", "rules": [{"host": "shop.example.com"}, {"http": {}}]},
             "status": {"loadBalancer": {"ingress": [{"ip": "172.31.0.1"}]}}}
            """));
        Assert.Equal(["bare", "<none>", "*", "", "80, 443", "10m"], Row(ResourceKinds.Ingress, """
            {"metadata": {"name": "bare", "creationTimestamp": "2026-01-01T00:00:00Z"}, "spec": {"tls": [{"hosts": ["a"]}]}}
            """));
    }

    [Fact]
    public void Gateway_api_kinds_print_their_crds_columns()
    {
        Assert.Equal(["NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE"], ResourceTables.For(ResourceKinds.Gateway).Headers);
        Assert.Equal(["gw", "cilium", "172.31.0.2", "True", "10m"], Row(ResourceKinds.Gateway, """
            {"metadata": {"name": "gw", "creationTimestamp": "2026-01-01T00:00:00Z"}, "spec": {"gatewayClassName": "cilium"},
             "status": {"addresses": [{"type": "IPAddress", "value": "172.31.0.2"}],
                        "conditions": [{"type": "Accepted", "status": "True"}, {"type": "Programmed", "status": "True"}]}}
            """));
        Assert.Equal(["NAME", "HOSTNAMES", "AGE"], ResourceTables.For(ResourceKinds.HTTPRoute).Headers);
        Assert.Equal(["canary", "[\"shop.example.com\"]", "10m"], Row(ResourceKinds.HTTPRoute, """
            {"metadata": {"name": "canary", "creationTimestamp": "2026-01-01T00:00:00Z"}, "spec": {"hostnames": ["shop.example.com"]}}
            """));
        Assert.Equal(["cilium", "io.cilium/gateway-controller", "True", "10m"], Row(ResourceKinds.GatewayClass, """
            {"metadata": {"name": "cilium", "creationTimestamp": "2026-01-01T00:00:00Z"}, "spec": {"controllerName": "io.cilium/gateway-controller"},
             "status": {"conditions": [{"type": "Accepted", "status": "True"}]}}
            """));
    }
}
