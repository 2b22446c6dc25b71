namespace LabSite.Testing;

/// <summary>The Star Wars demo's objects as a cluster reports them (shapes of kubectl get -o json), created at fixed times.</summary>
public static class StarWarsObjects
{
    /// <summary>"Now" in these tests: 107 s after the deathstar pods were created.</summary>
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T12:01:47Z");

    public static FakeLabCluster Cluster()
    {
        var cluster = new FakeLabCluster();
        cluster.Add(Pod("deathstar-6fb5694d48-5hmds", "10.0.0.147", """{"app.kubernetes.io/name":"deathstar","class":"deathstar","org":"empire","pod-template-hash":"6fb5694d48"}""", "2026-11-22T12:00:00Z"));
        cluster.Add(Pod("deathstar-6fb5694d48-dk7fz", "10.0.0.148", """{"app.kubernetes.io/name":"deathstar","class":"deathstar","org":"empire","pod-template-hash":"6fb5694d48"}""", "2026-11-22T12:00:00Z"));
        cluster.Add(Pod("tiefighter", "10.0.0.112", """{"app.kubernetes.io/name":"tiefighter","class":"tiefighter","org":"empire"}""", "2026-11-22T11:58:45Z"));
        cluster.Add(Pod("xwing", "10.0.0.30", """{"app.kubernetes.io/name":"xwing","class":"xwing","org":"alliance"}""", "2026-11-20T11:00:00Z"));
        cluster.Add("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"deathstar","namespace":"default","creationTimestamp":"2026-11-22T12:00:00Z","labels":{"app.kubernetes.io/name":"deathstar"}},
             "spec":{"clusterIP":"10.96.12.7","clusterIPs":["10.96.12.7"],"ports":[{"port":80,"protocol":"TCP","targetPort":80}],"selector":{"class":"deathstar","org":"empire"},"type":"ClusterIP"}}
            """);
        cluster.Add("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"deathstar","namespace":"default","creationTimestamp":"2026-11-22T12:00:00Z","labels":{"app.kubernetes.io/name":"deathstar"}},
             "spec":{"replicas":2,"selector":{"matchLabels":{"class":"deathstar","org":"empire"}},"template":{"metadata":{"labels":{"class":"deathstar","org":"empire"}},"spec":{"containers":[{"name":"deathstar","image":"quay.io/cilium/starwars:v2.3"}]}}},
             "status":{"availableReplicas":2,"readyReplicas":2,"replicas":2,"updatedReplicas":2}}
            """);
        cluster.Add("""
            {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"deathstar","namespace":"default","creationTimestamp":"2026-11-22T12:00:00Z"},
             "subsets":[{"addresses":[{"ip":"10.0.0.147"},{"ip":"10.0.0.148"}],"ports":[{"port":80,"protocol":"TCP"}]}]}
            """);
        cluster.Add("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default","creationTimestamp":"2026-11-22T10:00:00Z"},"status":{"phase":"Active"}}""");
        cluster.Add("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kube-system","creationTimestamp":"2026-11-22T10:00:00Z"},"status":{"phase":"Active"}}""");
        return cluster;
    }

    public static string Pod(string name, string ip, string labels, string created) => """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"@NAME","namespace":"default","creationTimestamp":"@CREATED","labels":@LABELS},
         "spec":{"containers":[{"name":"spaceship","image":"quay.io/cilium/json-mock:v1.3.8"}],"nodeName":"lab-node"},
         "status":{"phase":"Running","podIP":"@IP","podIPs":[{"ip":"@IP"}],"hostIP":"10.0.0.1","startTime":"@CREATED",
           "conditions":[{"type":"Ready","status":"True"}],
           "containerStatuses":[{"name":"spaceship","ready":true,"restartCount":0,"started":true,"state":{"running":{"startedAt":"@CREATED"}}}]}}
        """.Replace("@NAME", name).Replace("@CREATED", created).Replace("@IP", ip).Replace("@LABELS", labels);

    /// <summary>The Star Wars lab's sw_l3_l4_policy.yaml (rule1: only empire ships reach the Death Star on 80/TCP).</summary>
    public static string L3L4Policy => File.ReadAllText(RepositoryPaths.StarWarsManifest("sw_l3_l4_policy.yaml"));
}
