using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Store;
using static LabSite.Testing.StoreFixture;

namespace LabSite.Clusters.Netns.Tests.Store;

/// <summary>default/kubernetes's ClusterIP is the cluster's own: never allocated to a learner's Service, refused when asked for.</summary>
public class ReservedClusterIpTests
{
    private const string Service = """
        apiVersion: v1
        kind: Service
        metadata: {name: NAME}
        spec:
          CLUSTERIP
          ports: [{port: 80}]
        """;

    private static ObjectStore Store() => new(new StoreOptions { ServiceCidr = "10.96.0.0/20", ReservedClusterIps = ["10.96.0.1"] });

    [Fact]
    public void The_first_service_gets_the_address_after_the_reserved_one()
    {
        var store = Store();

        var result = store.Apply(Yaml(Service.Replace("NAME", "first").Replace("CLUSTERIP", "type: ClusterIP"), "svc.yaml"), ApplyMode.Apply);

        Assert.Empty(result.Errors);
        Assert.Equal("10.96.0.2", (string?)store.Get(new ObjectQuery("svc", Name: "first")).Single().Json["spec"]!["clusterIP"]);
    }

    [Fact]
    public void Asking_for_the_reserved_address_is_invalid_and_stores_nothing()
    {
        var store = Store();

        var result = store.Apply(Yaml(Service.Replace("NAME", "taken").Replace("CLUSTERIP", "clusterIP: 10.96.0.1"), "svc.yaml"), ApplyMode.Apply);

        var error = Assert.Single(result.Errors);
        Assert.Contains("failed to allocate IP 10.96.0.1: provided IP is already allocated", error);
        Assert.Empty(store.Get(new ObjectQuery("svc")));
    }
}
