using System.Text.Json.Nodes;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Kubectl;

/// <summary>
/// <c>kubectl get -w</c> over an in-memory cluster whose objects change between polls: each test scripts what the cluster
/// holds at each poll and cancels the line (Ctrl-C) at the last one, so nothing depends on wall time.
/// </summary>
public class KubectlWatchTests
{
    private const string NewPod = "deathstar-54c4d4bdf9-x9k2p";

    [Fact]
    public async Task Watch_prints_the_table_then_one_aligned_row_per_added_changed_and_deleted_pod()
    {
        var (status, output, err) = await WatchAsync("kubectl get pods -w", (poll, cluster) =>
        {
            switch (poll)
            {
                case 2: AddNewPod(cluster, running: false); break;
                case 3: cluster.SetPodStatus(NewPod, "10.0.0.149"); break;
                case 4: cluster.Delete("pods", "xwing"); break;
            }
        });
        Assert.Equal((130, ""), (status, err));
        Assert.Equal(
            """
            NAME                         READY   STATUS    RESTARTS   AGE
            deathstar-54c4d4bdf9-fwhtv   1/1     Running   0          107s
            deathstar-54c4d4bdf9-h99qf   1/1     Running   0          107s
            tiefighter                   1/1     Running   0          3m2s
            xwing                        1/1     Running   0          2d1h
            deathstar-54c4d4bdf9-x9k2p   0/1     ContainerCreating   0          0s
            deathstar-54c4d4bdf9-x9k2p   1/1     Running             0          0s
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
                case 1: AddNewPod(cluster, running: true); break;
                // An apply that changes nothing keeps the resourceVersion: the API server sends no event.
                case 2: cluster.Edit("pods", NewPod, _ => { }); break;
                case 3: cluster.SetPodStatus(NewPod, null, running: false); break;
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
                    AddNewPod(cluster, running: true);
                    cluster.AddPod("rebel", new Dictionary<string, string> { ["org"] = "alliance" }, "10.0.0.31");
                    break;
                case 3: cluster.Delete("pods", "tiefighter"); break;
            }
        });
        Assert.Equal(130, status);
        Assert.Equal(
            """
            pod/deathstar-54c4d4bdf9-fwhtv
            pod/deathstar-54c4d4bdf9-h99qf
            pod/tiefighter
            pod/deathstar-54c4d4bdf9-x9k2p
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
                // The third replica has not started yet.
                cluster.StartPods = false;
                cluster.Edit("deployments", "deathstar", d => d["spec"]!["replicas"] = 3);
            }
        });
        Assert.Equal(130, status);
        Assert.Equal(
            """
            EVENT      NAMESPACE   NAME        READY   UP-TO-DATE   AVAILABLE   AGE
            MODIFIED   default     deathstar   2/3     3            2           107s

            """, output);
    }

    [Fact]
    public async Task Json_and_yaml_print_one_object_per_event()
    {
        var (_, json, _) = await WatchAsync("kubectl get pod xwing -o json -w", (poll, cluster) =>
        {
            if (poll == 2)
            {
                cluster.Edit("pods", "xwing", p => p["metadata"]!["labels"]!["rank"] = "leader");
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
                cluster.Delete("pods", "xwing");
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
    private static async Task<(int Status, string Out, string Err)> WatchAsync(string line, Action<int, InMemoryCluster> script, int polls = 5)
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

    /// <summary>A new deathstar pod (labels class=deathstar-new, org=empire), Running with an IP or just scheduled.</summary>
    private static void AddNewPod(InMemoryCluster cluster, bool running) =>
        cluster.AddPod(NewPod, new Dictionary<string, string> { ["class"] = "deathstar-new", ["org"] = "empire" }, "10.0.0.149", running);
}
