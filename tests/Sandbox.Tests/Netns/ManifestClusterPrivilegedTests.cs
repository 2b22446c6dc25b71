namespace LabSite.Sandbox.Tests.Netns;

using LabSite.Sandbox;
using LabSite.Sandbox.Netns;
using LabSite.Sandbox.Tests.Netns.Store;
using Xunit;

/// <summary>The real demo manifest (http-sw-app.yaml) through the object store into the kernel and back.</summary>
[Trait("Category", "Privileged")]
public sealed class ManifestClusterPrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend backend = new(TestLabs.Options());
    private NetnsCluster cluster = null!;

    public async Task InitializeAsync()
    {
        await backend.StartAsync(CancellationToken.None);
        cluster = await backend.CreateAsync(new ClusterRequest("manifests"), null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await backend.DestroyAsync(cluster.Name, CancellationToken.None);
        foreach (var root in new[] { backend.Options.BpffsRoot, backend.Options.CgroupRoot, backend.Options.RunDirectory })
        {
            Directory.Delete(root);
        }
    }

    [Fact]
    public async Task CreateTheDemoThenLandThenDeleteIt()
    {
        var created = await cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Create, CancellationToken.None);
        Assert.Equal(["service/deathstar created", "deployment.apps/deathstar created", "pod/tiefighter created", "pod/xwing created"], created.Lines);
        await cluster.WaitUntilSettledAsync(CancellationToken.None);
        Assert.Null(cluster.LastRuntimeError);

        var pods = await cluster.GetAsync(new ObjectQuery("pods"), CancellationToken.None);
        Assert.Equal(4, pods.Count);
        Assert.All(pods, p => Assert.Equal("Running", (string?)p.Json["status"]!["phase"]));
        Assert.All(pods, p => Assert.Equal(cluster.FindPod("default", p.Name)!.Ip.ToString(), (string?)p.Json["status"]!["podIP"]));
        Assert.Equal(2, pods.Count(p => p.Name.StartsWith("deathstar-", StringComparison.Ordinal)));

        var svc = Assert.Single(await cluster.GetAsync(new ObjectQuery("svc", Name: "deathstar"), CancellationToken.None));
        var clusterIp = (string?)svc.Json["spec"]!["clusterIP"];
        Assert.Equal(clusterIp, cluster.ServiceEntries.Single().Frontend.ToString());
        Assert.Equal(2, cluster.ServiceEntries.Single().Backends.Count);

        foreach (var ship in new[] { "tiefighter", "xwing" })
        {
            var r = await TestLabs.ExecAsync(cluster, ship, "curl", "-s", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing");
            Assert.Equal("Ship landed\n", r.Stdout);
        }

        var deleted = await cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Delete, CancellationToken.None);
        Assert.True(deleted.Succeeded, string.Join("; ", deleted.Errors));
        await cluster.WaitUntilSettledAsync(CancellationToken.None);
        Assert.Empty(cluster.Pods);
        Assert.Empty(cluster.ServiceEntries);
        Assert.Equal([cluster.Names.NodeNetns], cluster.OwnedNamespaces);
        Assert.DoesNotContain(Directory.GetFiles("/run/netns").Select(Path.GetFileName), n => n!.StartsWith(backend.Options.NamePrefix + "-manifests-p", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownImageShowsErrImagePullInTheStore()
    {
        var yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: mystery\nspec:\n  containers:\n  - name: c\n    image: example.com/nope:1\n";
        Assert.True((await cluster.ApplyAsync(StoreFixture.Yaml(yaml), ApplyMode.Apply, CancellationToken.None)).Succeeded);
        await cluster.WaitUntilSettledAsync(CancellationToken.None);
        var pod = Assert.Single(await cluster.GetAsync(new ObjectQuery("pod", Name: "mystery"), CancellationToken.None));
        Assert.Equal("Pending", (string?)pod.Json["status"]!["phase"]);
        var waiting = pod.Json["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!;
        Assert.Equal("ErrImagePull", (string?)waiting["reason"]);
        Assert.Contains("built-in images: quay.io/cilium/starwars", (string?)waiting["message"]);
    }
}
