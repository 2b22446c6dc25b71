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

    private static InMemoryCluster StarWars(bool running)
    {
        var cluster = new InMemoryCluster(now: s_created) { StartPods = false };
        cluster.Store.Apply(Data("http-sw-app.yaml"), ApplyMode.Create);
        var ip = 10;
        foreach (var pod in cluster.Store.Get(new ObjectQuery("pods")))
        {
            var status = running || pod.Name != "xwing"
                ? PodStatus.Running(pod, $"10.1.0.{ip++}", "10.1.0.1", s_created)
                : PodStatus.Waiting(pod, null, "10.1.0.1", s_created, "ErrImagePull", "unknown image");
            cluster.Store.UpdatePodStatus("default", pod.Name, status);
        }
        return cluster;
    }

    private static ShellHarness Shell(InMemoryCluster cluster) => new(cluster, clock: new FixedClock(s_later));

    [Fact]
    public async Task Pods_show_ready_status_restarts_and_age_with_a_waiting_reason_over_the_phase()
    {
        var cluster = StarWars(running: false);
        var deathstars = cluster.Store.Get(new ObjectQuery("pods")).Select(p => p.Name).Where(n => n.StartsWith("deathstar", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        using var shell = Shell(cluster);

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
        using var shell = Shell(StarWars(running: true));

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
        var cluster = new InMemoryCluster(now: s_created);
        cluster.Clock.Now = DateTimeOffset.Parse("2026-11-22T12:02:35Z");
        cluster.Apply("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: rebels}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: plans, namespace: rebels}
            data: {a: "1", b: "2"}
            """);
        using var shell = Shell(cluster);

        Assert.StartsWith("NAME              STATUS   AGE\ndefault           Active   3m20s\n", (await shell.RunAsync("kubectl get ns")).Out);
        Assert.Equal("NAMESPACE   NAME    DATA   AGE\nrebels      plans   2      45s\n", (await shell.RunAsync("kubectl get cm -A")).Out);
    }
}
