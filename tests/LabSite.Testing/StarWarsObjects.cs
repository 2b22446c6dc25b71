using LabSite.Clusters.Contract;

namespace LabSite.Testing;

/// <summary>
/// The Star Wars lab's objects (content/labs/starwars/manifests/http-sw-app.yaml) in an <see cref="InMemoryCluster"/>,
/// as <c>kubectl create -f</c> makes them, at fixed times so ages print the same on every run, with fixed pod IPs.
/// </summary>
public static class StarWarsObjects
{
    /// <summary>"Now" in these tests: 107 s after the Death Star (service, deployment, pods) was created.</summary>
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T12:01:47Z");

    /// <summary>
    /// Namespaces from 10:00, xwing (10.0.0.30) from two days before, tiefighter (10.0.0.112) from 11:58:45, the Death
    /// Star from 12:00 (replicas 10.0.0.147 and .148 in name order); the clock then stands at <see cref="Now"/>, and
    /// pods created later start at once.
    /// </summary>
    public static InMemoryCluster Cluster()
    {
        var cluster = new InMemoryCluster(now: DateTimeOffset.Parse("2026-11-22T10:00:00Z")) { StartPods = false };
        var objects = YamlObjects.All(File.ReadAllText(RepositoryPaths.StarWarsManifest("http-sw-app.yaml")));
        void Create(string name, string at)
        {
            cluster.Clock.Now = DateTimeOffset.Parse(at);
            foreach (var o in objects.Where(o => o.Name == name))
            {
                cluster.Apply(o.Json.ToJsonString(), "http-sw-app.yaml", ApplyMode.Create);
            }
        }

        Create("xwing", "2026-11-20T11:00:00Z");
        cluster.SetPodStatus("xwing", "10.0.0.30");
        Create("tiefighter", "2026-11-22T11:58:45Z");
        cluster.SetPodStatus("tiefighter", "10.0.0.112");
        Create("deathstar", "2026-11-22T12:00:00Z");
        var replicas = cluster.Store.Get(new ObjectQuery("pods", LabelSelector: "class=deathstar"));
        cluster.SetPodStatus(replicas[0].Name, "10.0.0.147");
        cluster.SetPodStatus(replicas[1].Name, "10.0.0.148");
        cluster.Clock.Now = Now;
        cluster.StartPods = true;
        return cluster;
    }

    /// <summary>The Star Wars lab's sw_l3_l4_policy.yaml (rule1: only empire ships reach the Death Star on 80/TCP).</summary>
    public static string L3L4Policy => File.ReadAllText(RepositoryPaths.StarWarsManifest("sw_l3_l4_policy.yaml"));
}
