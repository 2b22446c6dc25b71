using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Kubectl;

/// <summary>
/// <c>kubectl get -w</c> over a fake cluster whose objects change between polls: each test scripts what the cluster
/// holds at each poll and cancels the line (Ctrl-C) at the last one, so nothing depends on wall time.
/// </summary>
public class KubectlWatchTests
{
    private const string NewPod = "deathstar-6fb5694d48-x9k2p";

    [Fact]
    public async Task Watch_prints_the_table_then_one_aligned_row_per_added_changed_and_deleted_pod()
    {
        var (status, output, err) = await WatchAsync("kubectl get pods -w", (poll, cluster) =>
        {
            switch (poll)
            {
                case 2: cluster.Add(Creating(NewPod)); break;
                case 3: Replace(cluster, NewPod, Running(NewPod)); break;
                case 4: cluster.Objects.RemoveAll(o => o.Name == "xwing"); break;
            }
        });
        Assert.Equal((130, ""), (status, err));
        Assert.Equal(
            """
            NAME                         READY   STATUS    RESTARTS   AGE
            deathstar-6fb5694d48-5hmds   1/1     Running   0          107s
            deathstar-6fb5694d48-dk7fz   1/1     Running   0          107s
            tiefighter                   1/1     Running   0          3m2s
            xwing                        1/1     Running   0          2d1h
            deathstar-6fb5694d48-x9k2p   0/1     ContainerCreating   0          0s
            deathstar-6fb5694d48-x9k2p   1/1     Running             0          0s
            xwing                        1/1     Running             0          2d1h

            """, output);
    }

    [Fact]
    public async Task An_unchanged_resource_version_prints_nothing_and_a_new_one_prints_a_row()
    {
        var (status, output, _) = await WatchAsync("kubectl get pods -l class=deathstar-new --no-headers -w", (poll, cluster) =>
        {
            switch (poll)
            {
                case 1: cluster.Add(Running(NewPod)); break;
                // Same resourceVersion: the API server sends no event, even though the status text differs.
                case 2: Replace(cluster, NewPod, Running(NewPod).Replace("\"Running\"", "\"Unknown\"")); break;
                case 3: Replace(cluster, NewPod, Creating(NewPod, rv: "7")); break;
            }
        });
        Assert.Equal(130, status);
        Assert.Equal($"{NewPod}   1/1   Running   0     0s\n{NewPod}   0/1   ContainerCreating   0     0s\n", output);
    }

    [Fact]
    public async Task Output_name_prints_one_line_per_event_and_a_selector_filters_the_events()
    {
        var (status, output, _) = await WatchAsync("kubectl get pods -l org=empire -o name -w", (poll, cluster) =>
        {
            switch (poll)
            {
                case 2:
                    cluster.Add(Running(NewPod));
                    cluster.Add(StarWarsObjects.Pod("rebel", "10.0.0.31", """{"org":"alliance"}""", "2026-11-22T12:01:47Z"));
                    break;
                case 3: cluster.Objects.RemoveAll(o => o.Name == "tiefighter"); break;
            }
        });
        Assert.Equal(130, status);
        Assert.Equal(
            """
            pod/deathstar-6fb5694d48-5hmds
            pod/deathstar-6fb5694d48-dk7fz
            pod/tiefighter
            pod/deathstar-6fb5694d48-x9k2p
            pod/tiefighter

            """, output);
    }

    [Fact]
    public async Task Watch_only_with_events_prints_the_header_with_the_first_event_and_an_event_column()
    {
        var (status, output, _) = await WatchAsync("kubectl get deploy --watch-only --output-watch-events -A", (poll, cluster) =>
        {
            if (poll == 2)
            {
                Change(cluster, "deathstar", "Deployment", d => d["spec"]!["replicas"] = 3);
            }
        });
        Assert.Equal(130, status);
        Assert.Equal(
            """
            EVENT      NAMESPACE   NAME        READY   UP-TO-DATE   AVAILABLE   AGE
            MODIFIED   default     deathstar   2/3     2            2           107s

            """, output);
    }

    [Fact]
    public async Task Json_and_yaml_print_one_object_per_event()
    {
        var (_, json, _) = await WatchAsync("kubectl get pod xwing -o json -w", (poll, cluster) =>
        {
            if (poll == 2)
            {
                Change(cluster, "xwing", "Pod", p => p["metadata"]!["labels"]!["rank"] = "leader");
            }
        });
        var documents = json.Split("}\n{");
        Assert.Equal(2, documents.Length);
        Assert.DoesNotContain("\"kind\": \"List\"", json);
        Assert.Equal("leader", (string?)JsonNode.Parse("{" + documents[1])!["metadata"]!["labels"]!["rank"]);

        var (_, yaml, _) = await WatchAsync("kubectl get pods xwing tiefighter -o yaml --output-watch-events -w", (poll, cluster) =>
        {
            if (poll == 2)
            {
                cluster.Objects.RemoveAll(o => o.Name == "xwing");
            }
        });
        var events = yaml.Split("---\n");
        Assert.Equal(3, events.Length);
        Assert.Equal(["type: ADDED", "type: ADDED", "type: DELETED"], events.Select(e => e.Split('\n').Single(l => l.StartsWith("type:", StringComparison.Ordinal))));
        Assert.Contains("  metadata:\n", events[2]);
        Assert.Contains("name: xwing", events[2]);
    }

    [Theory]
    [InlineData("kubectl get all -w", "error: you may only specify a single resource type")]
    [InlineData("kubectl get pods,svc --watch", "error: you may only specify a single resource type")]
    [InlineData("kubectl get pod/xwing svc/deathstar -w", "error: watch is only supported on individual resources and resource collections - more than 1 resource was found")]
    [InlineData("kubectl get starships -w", "error: the server doesn't have a resource type \"starships\"")]
    [InlineData("kubectl get pods falcon -w", "Error from server (NotFound): pods \"falcon\" not found")]
    [InlineData("kubectl get -w", "error: You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.")]
    [InlineData("kubectl get pods -w -o table", "error: unable to match a printer suitable for the output format \"table\", allowed formats are: json,jsonpath,name,wide,yaml")]
    [InlineData("kubectl get pods --watch=yes", "error: invalid argument \"yes\" for \"--watch\" flag: strconv.ParseBool: parsing \"yes\": invalid syntax")]
    public async Task Bad_watch_lines_fail_with_kubectls_words_before_printing_anything(string line, string error)
    {
        using var shell = new ShellHarness(clock: new InstantTimerClock(StarWarsObjects.Now));
        var (status, output, err) = await shell.RunAsync(line);
        Assert.Equal((1, ""), (status, output));
        Assert.Equal(error, err.Split('\n')[0]);
    }

    /// <summary>
    /// Runs a watch line; <paramref name="script"/> sees every pod poll (1 = the initial list) and may change the cluster
    /// before it is answered. The poll after the script's last case presses Ctrl-C.
    /// </summary>
    private static async Task<(int Status, string Out, string Err)> WatchAsync(string line, Action<int, FakeLabCluster> script, int polls = 5)
    {
        using var shell = new ShellHarness(clock: new InstantTimerClock(StarWarsObjects.Now));
        using var ctrlC = new CancellationTokenSource();
        var poll = 0;
        shell.Cluster.BeforeGet = query =>
        {
            script(++poll, shell.Cluster);
            if (poll == polls)
            {
                ctrlC.Cancel();
            }
        };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var status = await shell.Interpreter.RunAsync(line, stdout, stderr, ctrlC.Token);
        Assert.Equal(polls, poll);
        return (status, stdout.ToString(), stderr.ToString());
    }

    private static void Replace(FakeLabCluster cluster, string name, string json)
    {
        cluster.Objects.RemoveAll(o => o.Name == name);
        cluster.Add(json);
    }

    /// <summary>Replaces an object by an edited copy, as an API server answers each list with new objects.</summary>
    private static void Change(FakeLabCluster cluster, string name, string kind, Action<JsonObject> edit)
    {
        var index = cluster.Objects.FindIndex(o => o.Name == name && o.Kind == kind);
        var copy = (JsonObject)cluster.Objects[index].Json.DeepClone();
        edit(copy);
        cluster.Objects[index] = new KubeObject(copy);
    }

    /// <summary>A deathstar pod just scheduled: uid and resourceVersion as the API server gives them.</summary>
    private static string Creating(string name, string rv = "5") => Pod(name, """{"waiting":{"reason":"ContainerCreating"}}""", ready: false, rv);

    private static string Running(string name, string rv = "6") => Pod(name, """{"running":{"startedAt":"2026-11-22T12:01:47Z"}}""", ready: true, rv);

    private static string Pod(string name, string state, bool ready, string rv) => $$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"default","uid":"0b7a-{{{name}}}","resourceVersion":"{{{rv}}}",
           "creationTimestamp":"2026-11-22T12:01:47Z","labels":{"class":"deathstar-new","org":"empire"}},
         "spec":{"containers":[{"name":"deathstar","image":"quay.io/cilium/starwars:v2.3"}],"nodeName":"lab-node"},
         "status":{"phase":"{{{(ready ? "Running" : "Pending")}}}","containerStatuses":[{"name":"deathstar","ready":{{{(ready ? "true" : "false")}}},"restartCount":0,"state":{{{state}}}}]}}
        """;
}
