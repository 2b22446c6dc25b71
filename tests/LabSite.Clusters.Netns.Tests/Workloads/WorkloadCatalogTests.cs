using LabSite.Clusters.Netns.Workloads;

namespace LabSite.Clusters.Netns.Tests.Workloads;

public class WorkloadCatalogTests
{
    [Theory]
    [InlineData("quay.io/cilium/starwars@sha256:896dc536ec505778c03efedb73c3b7b83c8de11e74264c8c35291ff6d5fe8ada", typeof(DeathStarWorkload))]
    [InlineData("quay.io/cilium/starwars:v2.3", typeof(DeathStarWorkload))]
    [InlineData("docker.io/cilium/starwars", typeof(DeathStarWorkload))]
    [InlineData("quay.io/cilium/json-mock:v1.3.8@sha256:5aad04835eda9025fe4561ad31be77fd55309af8158ca8663a72f6abb78c2603", typeof(JsonMockWorkload))]
    [InlineData("nginx", typeof(NginxWorkload))]
    [InlineData("nginx:1.27-alpine", typeof(NginxWorkload))]
    [InlineData("docker.io/library/nginx:latest", typeof(NginxWorkload))]
    [InlineData("registry.k8s.io/e2e-test-images/agnhost:2.52", typeof(AgnhostWorkload))]
    [InlineData("curlimages/curl:8.10.1", typeof(ClientWorkload))]
    [InlineData("nicolaka/netshoot", typeof(ClientWorkload))]
    [InlineData("hashicorp/http-echo:1.0", typeof(EchoWorkload))]
    public void KnownImagesResolveWhateverTheTagOrDigest(string image, Type expected)
    {
        var workload = WorkloadCatalog.Resolve(image, out var error);
        Assert.Null(error);
        Assert.IsType(expected, workload);
    }

    [Theory]
    [InlineData("example.com/nope:1")]
    [InlineData("quay.io/cilium/starwars-evil")]
    [InlineData("cilium/json-mock-but-not")]
    [InlineData("")]
    public void UnknownImagesFailNamingTheBuiltIns(string image)
    {
        Assert.Null(WorkloadCatalog.Resolve(image, out var error));
        Assert.Contains($"\"{image}\"", error);
        Assert.Contains("quay.io/cilium/starwars", error);
        Assert.Contains("registry.k8s.io/e2e-test-images/agnhost", error);
    }

    [Theory]
    [InlineData("nginx", "docker.io/library/nginx")]
    [InlineData("bitnami/nginx:1", "docker.io/bitnami/nginx")]
    [InlineData("localhost:5000/app:dev", "localhost:5000/app")]
    [InlineData("Quay.IO/Cilium/StarWars@sha256:abc", "quay.io/cilium/starwars")]
    public void RepositoriesAreNormalised(string image, string repository) =>
        Assert.Equal(repository, WorkloadCatalog.Repository(image));
}
