using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Store;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;
using static LabSite.Testing.StoreFixture;

namespace LabSite.Shell.Tests.Kubectl;

/// <summary>kubectl get's tables over objects as the netns object store makes them (not hand-written JSON).</summary>
public class KubectlGetStoreObjectsTests
{
    private static readonly DateTimeOffset s_created = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_later = s_created.AddMinutes(3).AddSeconds(20);

    private static ObjectStore StarWars(bool running)
    {
        var store = new ObjectStore(new StoreOptions { ServiceCidr = "10.96.0.0/16", Time = new FixedClock(s_created), Random = new Random(7) });
        store.Apply(Data("http-sw-app.yaml"), ApplyMode.Create);
        var ip = 10;
        foreach (var pod in store.Get(new ObjectQuery("pods")))
        {
            var status = running || pod.Name != "xwing"
                ? PodStatus.Running(pod, $"10.1.0.{ip++}", "10.1.0.1", s_created)
                : PodStatus.Waiting(pod, null, "10.1.0.1", s_created, "ErrImagePull", "unknown image");
            store.UpdatePodStatus("default", pod.Name, status);
        }
        return store;
    }

    private static ShellHarness Shell(ObjectStore store, params string[] kinds)
    {
        var cluster = new FakeLabCluster();
        cluster.Objects.AddRange(kinds.SelectMany(k => store.Get(new ObjectQuery(k, "*"))));
        return new ShellHarness(cluster, clock: new FixedClock(s_later));
    }

    [Fact]
    public async Task Pods_show_ready_status_restarts_and_age_with_a_waiting_reason_over_the_phase()
    {
        var store = StarWars(running: false);
        var deathstars = store.Get(new ObjectQuery("pods")).Select(p => p.Name).Where(n => n.StartsWith("deathstar", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        using var shell = Shell(store, "pods");

        Assert.Equal(
            (0,
            "NAME                         READY   STATUS         RESTARTS   AGE\n" +
            $"{deathstars[0]}   1/1     Running        0          3m20s\n" +
            $"{deathstars[1]}   1/1     Running        0          3m20s\n" +
            "tiefighter                   1/1     Running        0          3m20s\n" +
            "xwing                        0/1     ErrImagePull   0          3m20s\n", ""),
            await shell.RunAsync("kubectl get pods"));
    }

    [Fact]
    public async Task Services_deployments_and_endpoints_have_their_own_columns()
    {
        using var shell = Shell(StarWars(running: true), "services", "deployments", "endpoints");

        Assert.Equal(
            "NAME        TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n" +
            "deathstar   ClusterIP   10.96.0.1    <none>        80/TCP    3m20s\n",
            (await shell.RunAsync("kubectl get svc")).Out);
        Assert.Equal(
            "NAME        READY   UP-TO-DATE   AVAILABLE   AGE\n" +
            "deathstar   2/2     2            2           3m20s\n",
            (await shell.RunAsync("kubectl get deploy")).Out);
        Assert.Matches(@"^NAME        ENDPOINTS                   AGE\ndeathstar   10\.1\.0\.1\d:80,10\.1\.0\.1\d:80   3m20s\n$",
            (await shell.RunAsync("kubectl get ep")).Out);
    }

    [Fact]
    public async Task Namespaces_and_an_all_namespaces_listing_with_a_namespace_column()
    {
        var store = new ObjectStore(new StoreOptions { ServiceCidr = "10.96.0.0/16", Time = new FixedClock(s_created) });
        using var shell = Shell(store, "namespaces");
        shell.Cluster.Objects.Add(new KubeObject(JsonNode.Parse(
            """{"kind":"ConfigMap","metadata":{"name":"plans","namespace":"rebels","creationTimestamp":"2026-11-22T12:02:35Z"},"data":{"a":"1","b":"2"}}""")!.AsObject()));

        Assert.StartsWith("NAME              STATUS   AGE\ndefault           Active   3m20s\n", (await shell.RunAsync("kubectl get ns")).Out);
        Assert.Equal("NAMESPACE   NAME    DATA   AGE\nrebels      plans   2      45s\n", (await shell.RunAsync("kubectl get cm -A")).Out);
    }
}
