using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store.Events;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Store.Events;

/// <summary>The lab's Events: recorded as client-go's recorder does (repeats counted), bounded by age and number, and the controllers' own.</summary>
public sealed class EventLogTests
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);

    private static KubeObject Pod(string name) => new(new JsonObject
    {
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["uid"] = $"uid-{name}", ["resourceVersion"] = "3" },
    });

    [Fact]
    public void A_repeat_counts_on_the_same_event_with_a_new_resource_version()
    {
        var clock = new ManualClock(s_start);
        var rv = 10L;
        var log = new EventLog(clock, () => ++rv);

        log.Record(Pod("web"), ResourceKinds.Pod, EventType.Warning, "Failed", "image not found", "kubelet", "spec.containers{main}");
        clock.Now += TimeSpan.FromSeconds(30);
        log.Record(Pod("web"), ResourceKinds.Pod, EventType.Warning, "Failed", "image not found", "kubelet", "spec.containers{main}");
        log.Record(Pod("web"), ResourceKinds.Pod, EventType.Normal, "Scheduled", "Successfully assigned default/web to node", "default-scheduler");

        var events = log.List("default", null);
        Assert.Equal(2, events.Count);
        var failed = events.Single(e => (string?)e.Json["reason"] == "Failed").Json;
        Assert.Equal(2, (int?)failed["count"]);
        Assert.Equal("2026-12-06T03:00:00Z", (string?)failed["firstTimestamp"]);
        Assert.Equal("2026-12-06T03:00:30Z", (string?)failed["lastTimestamp"]);
        Assert.Equal("12", (string?)failed["metadata"]!["resourceVersion"]);
        Assert.Equal("Pod", (string?)failed["involvedObject"]!["kind"]);
        Assert.Equal("uid-web", (string?)failed["involvedObject"]!["uid"]);
        Assert.Equal("spec.containers{main}", (string?)failed["involvedObject"]!["fieldPath"]);
        Assert.StartsWith("web.", (string?)failed["metadata"]!["name"]);
        Assert.Empty(log.List("kube-system", null));
    }

    [Fact]
    public void Events_older_than_an_hour_are_dropped()
    {
        var clock = new ManualClock(s_start);
        var rv = 0L;
        var log = new EventLog(clock, () => ++rv);
        log.Record(Pod("old"), ResourceKinds.Pod, EventType.Normal, "Started", "Started container main", "kubelet");
        clock.Now += TimeSpan.FromMinutes(59);
        log.Record(Pod("new"), ResourceKinds.Pod, EventType.Normal, "Started", "Started container main", "kubelet");

        clock.Now += TimeSpan.FromMinutes(2);

        Assert.Equal(["new"], log.List("*", null).Select(e => (string)e.Json["involvedObject"]!["name"]!));
    }

    [Fact]
    public void Past_the_capacity_the_least_recently_seen_go_first()
    {
        var clock = new ManualClock(s_start);
        var rv = 0L;
        var log = new EventLog(clock, () => ++rv);

        for (var i = 0; i < EventLog.Capacity + 5; i++)
        {
            clock.Now += TimeSpan.FromSeconds(1);
            log.Record(Pod($"p{i}"), ResourceKinds.Pod, EventType.Normal, "Started", "Started container main", "kubelet");
        }

        var names = log.List("*", null).Select(e => (string)e.Json["involvedObject"]!["name"]!).ToHashSet();
        Assert.Equal(EventLog.Capacity, names.Count);
        Assert.DoesNotContain("p4", names);
        Assert.Contains("p5", names);
        Assert.Contains($"p{EventLog.Capacity + 4}", names);
    }

    [Fact]
    public void The_store_lists_events_and_records_its_controllers_scaling_and_pod_creation()
    {
        var store = StoreFixture.NewStore();
        var before = store.ResourceVersion;
        Assert.True(store.Apply(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Apply).Succeeded);
        var scaled = store.Apply(StoreFixture.Yaml(File.ReadAllText(RepositoryPaths.StarWarsManifest("http-sw-app.yaml")).Replace("replicas: 2", "replicas: 3")), ApplyMode.Apply);
        Assert.True(scaled.Succeeded, string.Join("\n", scaled.Errors));

        var events = store.Get(new ObjectQuery("events"));
        var messages = events.Select(e => $"{e.Json["involvedObject"]!["kind"]} {e.Json["reason"]} {e.Json["message"]}").ToList();

        Assert.True(messages.Any(m => m.StartsWith("Deployment ScalingReplicaSet Scaled up replica set deathstar-", StringComparison.Ordinal) && m.EndsWith(" from 0 to 2", StringComparison.Ordinal)), string.Join("\n", messages));
        Assert.Contains(messages, m => m.StartsWith("Deployment ScalingReplicaSet Scaled up replica set deathstar-", StringComparison.Ordinal) && m.EndsWith(" from 2 to 3", StringComparison.Ordinal));
        Assert.Equal(3, messages.Count(m => m.StartsWith("ReplicaSet SuccessfulCreate Created pod: deathstar-", StringComparison.Ordinal)));
        Assert.All(events, e => Assert.True(long.Parse((string)e.Json["metadata"]!["resourceVersion"]!) > before));
        Assert.Empty(store.Get(new ObjectQuery("ev", LabelSelector: "app=x")));
        Assert.NotEmpty(store.Get(new ObjectQuery("Event", Namespace: "*")));
    }
}
