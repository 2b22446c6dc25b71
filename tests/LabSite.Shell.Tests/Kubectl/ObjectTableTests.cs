using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Store;
using LabSite.Shell.Kubectl;
using static LabSite.Testing.StoreFixture;

namespace LabSite.Shell.Tests.Kubectl;

/// <summary>kubectl get's default tables, from objects the store made.</summary>
public class ObjectTableTests
{
    private static readonly DateTimeOffset s_created = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_later = s_created.AddMinutes(3).AddSeconds(20);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static ObjectStore StarWars(bool running)
    {
        var store = new ObjectStore(new StoreOptions { ServiceCidr = "10.96.0.0/16", Time = new FixedTime(s_created), Random = new Random(7) });
        store.Apply(Data("http-sw-app.yaml"), ApplyMode.Create);
        var ip = 10;
        foreach (var pod in store.Get(new ObjectQuery("pods")))
        {
            var status = running || pod.Name != "xwing"
                ? PodStatus.Running(pod, $"10.1.0.{ip++}", "10.1.0.1", DateTimeOffset.UtcNow)
                : PodStatus.Waiting(pod, null, "10.1.0.1", DateTimeOffset.UtcNow, "ErrImagePull", "unknown image");
            store.UpdatePodStatus("default", pod.Name, status);
        }
        return store;
    }

    [Fact]
    public void Pods_show_ready_status_restarts_and_age()
    {
        var store = StarWars(running: false);
        var pods = store.Get(new ObjectQuery("pods"));
        var deathstars = pods.Where(p => p.Name.StartsWith("deathstar", StringComparison.Ordinal)).Select(p => p.Name).ToList();

        var table = ObjectTable.Render("Pod", pods, s_later);

        Assert.Equal(
            $"NAME                         READY   STATUS         RESTARTS   AGE\n" +
            $"{deathstars[0]}   1/1     Running        0          3m20s\n" +
            $"{deathstars[1]}   1/1     Running        0          3m20s\n" +
            "tiefighter                   1/1     Running        0          3m20s\n" +
            "xwing                        0/1     ErrImagePull   0          3m20s\n",
            table);
    }

    [Fact]
    public void Services_deployments_and_endpoints_have_their_own_columns()
    {
        var store = StarWars(running: true);

        Assert.Equal(
            "NAME        TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n" +
            "deathstar   ClusterIP   10.96.0.1    <none>        80/TCP    3m20s\n",
            ObjectTable.Render("Service", store.Get(new ObjectQuery("svc")), s_later));
        Assert.Equal(
            "NAME        READY   UP-TO-DATE   AVAILABLE   AGE\n" +
            "deathstar   2/2     2            2           3m20s\n",
            ObjectTable.Render("Deployment", store.Get(new ObjectQuery("deploy")), s_later));
        Assert.Matches(@"^NAME        ENDPOINTS                   AGE\ndeathstar   10\.1\.0\.1\d:80,10\.1\.0\.1\d:80   3m20s\n$",
            ObjectTable.Render("Endpoints", store.Get(new ObjectQuery("ep")), s_later));
    }

    [Fact]
    public void All_namespaces_adds_a_namespace_column()
    {
        var store = new ObjectStore(new StoreOptions { ServiceCidr = "10.96.0.0/16", Time = new FixedTime(s_created) });
        var table = ObjectTable.Render("Namespace", store.Get(new ObjectQuery("ns")), s_later, allNamespaces: false);
        Assert.StartsWith("NAME              STATUS   AGE\ndefault           Active   3m20s\n", table);

        var cms = ObjectTable.Render("ConfigMap", [new KubeObject(System.Text.Json.Nodes.JsonNode.Parse(
            """{"kind":"ConfigMap","metadata":{"name":"plans","namespace":"rebels","creationTimestamp":"2020-01-01T00:00:00Z"},"data":{"a":"1","b":"2"}}""")!.AsObject())],
            new DateTimeOffset(2020, 1, 1, 0, 0, 45, TimeSpan.Zero), allNamespaces: true);
        Assert.Equal("NAMESPACE   NAME    DATA   AGE\nrebels      plans   2      45s\n", cms);
    }
}
