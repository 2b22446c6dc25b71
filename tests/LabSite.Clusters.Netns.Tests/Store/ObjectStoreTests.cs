using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Store;
using static LabSite.Testing.StoreFixture;

namespace LabSite.Clusters.Netns.Tests.Store;

public class ObjectStoreTests
{
    [Fact]
    public void Create_star_wars_prints_kubectl_lines_and_makes_two_deathstar_pods()
    {
        var store = NewStore();
        var result = store.Apply(Data("http-sw-app.yaml"), ApplyMode.Create);

        Assert.Empty(result.Errors);
        Assert.Equal(["service/deathstar created", "deployment.apps/deathstar created", "pod/tiefighter created", "pod/xwing created"], result.Lines);
        var pods = store.Get(new ObjectQuery("pods"));
        Assert.Equal(4, pods.Count);
        var deathstars = pods.Where(p => p.Name.StartsWith("deathstar-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, deathstars.Count);
        foreach (var pod in deathstars)
        {
            var hash = pod.Labels["pod-template-hash"];
            Assert.Matches("^deathstar-" + hash + "-[bcdfghjklmnpqrstvwxz2456789]{5}$", pod.Name);
            Assert.Equal("empire", pod.Labels["org"]);
            Assert.Equal("Pending", (string?)pod.Json["status"]?["phase"]);
        }
        var svc = store.Get(new ObjectQuery("svc", Name: "deathstar")).Single();
        Assert.Equal("10.96.0.1", (string?)svc.Json["spec"]?["clusterIP"]);
        Assert.Equal(80, svc.Json["spec"]?["ports"]?[0]?["targetPort"].AsInt());
    }

    [Fact]
    public void Create_twice_is_AlreadyExists_and_changes_nothing()
    {
        var store = NewStore();
        store.Apply(Data("http-sw-app.yaml"), ApplyMode.Create);
        var version = store.ResourceVersion;

        var again = store.Apply(Data("http-sw-app.yaml"), ApplyMode.Create);

        Assert.Empty(again.Lines);
        Assert.Equal("Error from server (AlreadyExists): error when creating \"http-sw-app.yaml\": services \"deathstar\" already exists at line 7", again.Errors[0]);
        Assert.Contains("Error from server (AlreadyExists): error when creating \"http-sw-app.yaml\": deployments.apps \"deathstar\" already exists at line 21", again.Errors);
        Assert.Equal(version, store.ResourceVersion);
    }

    [Fact]
    public void Apply_creates_then_reports_unchanged_then_configured()
    {
        var store = NewStore();
        Assert.Equal("ciliumnetworkpolicy.cilium.io/rule1 created", store.Apply(Data("sw_l3_l4_policy.yaml"), ApplyMode.Apply).Lines.Single());
        Assert.Equal("ciliumnetworkpolicy.cilium.io/rule1 unchanged", store.Apply(Data("sw_l3_l4_policy.yaml"), ApplyMode.Apply).Lines.Single());
        Assert.Equal("ciliumnetworkpolicy.cilium.io/rule1 configured", store.Apply(Data("sw_l3_l4_l7_policy.yaml"), ApplyMode.Apply).Lines.Single());

        var rule = store.Get(new ObjectQuery("cnp")).Single();
        Assert.Equal(2, rule.Json["metadata"]?["generation"].AsInt());
        Assert.Equal("default", rule.Namespace);
        Assert.Equal("POST", (string?)rule.Json["spec"]?["ingress"]?[0]?["toPorts"]?[0]?["rules"]?["http"]?[0]?["method"]);
    }

    [Fact]
    public void Delete_removes_deployment_with_its_pods_and_reports_NotFound_after()
    {
        var store = NewStore();
        store.Apply(Data("http-sw-app.yaml"), ApplyMode.Create);

        var deleted = store.Apply(Data("http-sw-app.yaml"), ApplyMode.Delete);

        Assert.Equal(["service \"deathstar\" deleted", "deployment.apps \"deathstar\" deleted", "pod \"tiefighter\" deleted", "pod \"xwing\" deleted"], deleted.Lines);
        Assert.Empty(store.Get(new ObjectQuery("pods")));
        Assert.Empty(store.Get(new ObjectQuery("rs")));
        Assert.Empty(store.Get(new ObjectQuery("ep")));
        var again = store.Apply(Data("sw_l3_l4_policy.yaml"), ApplyMode.Delete);
        Assert.Equal("Error from server (NotFound): error when deleting \"sw_l3_l4_policy.yaml\": ciliumnetworkpolicies.cilium.io \"rule1\" not found at line 5", again.Errors.Single());
    }

    [Fact]
    public void Subscribers_see_pods_then_endpoints_follow_pod_status()
    {
        var store = NewStore();
        var changes = new List<ObjectChange>();
        using var _ = store.Subscribe(changes.Add, replayExisting: false);
        store.Apply(Data("http-sw-app.yaml"), ApplyMode.Create);
        Assert.Equal(4, changes.Count(c => c.Kind.Kind == "Pod" && c.Type == ChangeType.Added));
        Assert.Contains(changes, c => c.Kind.Kind == "Endpoints" && c.Object.Name == "deathstar" && c.Type == ChangeType.Added);

        changes.Clear();
        var pod = store.Get(new ObjectQuery("pods", LabelSelector: "class=deathstar"))[0];
        Assert.True(store.UpdatePodStatus("default", pod.Name, PodStatus.Running(pod, "10.0.0.5", "10.0.0.1", DateTimeOffset.UnixEpoch)));

        var endpoints = changes.Single(c => c.Kind.Kind == "Endpoints").Object.Json;
        Assert.Equal("10.0.0.5", (string?)endpoints["subsets"]?[0]?["addresses"]?[0]?["ip"]);
        Assert.Equal(pod.Name, (string?)endpoints["subsets"]?[0]?["addresses"]?[0]?["targetRef"]?["name"]);
        Assert.Equal(80, endpoints["subsets"]?[0]?["ports"]?[0]?["port"].AsInt());
        var deployment = changes.Single(c => c.Kind.Kind == "Deployment").Object.Json;
        Assert.Equal(1, deployment["status"]?["readyReplicas"].AsInt());
    }
}
