using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Contract.Kubernetes.Tables;
using LabSite.Clusters.Netns.Store;
using static LabSite.Testing.StoreFixture;

namespace LabSite.Clusters.Netns.Tests.Store;

/// <summary>The store's scheduler and Node objects: pods spread over nodes, nodeName and nodeSelector honoured, no fit is Pending.</summary>
public sealed class PodSchedulerTests
{
    private static ObjectStore TwoNodes()
    {
        var store = NewStore();
        store.RegisterNodes([
            new LabNodeSpec("lab", "10.1.0.0/18", "10.1.0.1", ControlPlane: true),
            new LabNodeSpec("lab-worker", "10.1.64.0/18", "10.1.64.1", ControlPlane: false),
        ]);
        return store;
    }

    private static string Pod(string name, string spec = "") =>
        $"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n{spec}  containers: [{{name: c, image: nginx}}]\n---\n";

    private static string? NodeOf(ObjectStore store, string pod) => (string?)store.Find(ResourceKinds.Pod, "default", pod)!.Json["spec"]?["nodeName"];

    [Fact]
    public void Pods_go_round_robin_in_name_order()
    {
        var store = TwoNodes();
        Assert.True(store.Apply(Yaml(Pod("a") + Pod("b") + Pod("c") + Pod("d")), ApplyMode.Apply).Succeeded);

        Assert.Equal(["lab", "lab-worker", "lab", "lab-worker"], new[] { "a", "b", "c", "d" }.Select(p => NodeOf(store, p)));
    }

    [Fact]
    public void NodeName_and_nodeSelector_are_honoured_and_kept_on_reapply()
    {
        var store = TwoNodes();
        var manifest = Yaml(Pod("pinned", "  nodeName: lab-worker\n") + Pod("cp", "  nodeSelector: {node-role.kubernetes.io/control-plane: \"\"}\n") + Pod("free"));
        Assert.True(store.Apply(manifest, ApplyMode.Apply).Succeeded);

        // pinned counts on the worker before anything is placed; cp then fills the control plane, and free breaks the tie to the first node.
        Assert.Equal(("lab-worker", "lab", "lab"), (NodeOf(store, "pinned"), NodeOf(store, "cp"), NodeOf(store, "free")));
        // Applying the same manifest again changes nothing: the scheduler's choice is part of the stored pod.
        Assert.Equal(["pod/pinned unchanged", "pod/cp unchanged", "pod/free unchanged"], store.Apply(manifest, ApplyMode.Apply).Lines);
        Assert.Equal("lab", NodeOf(store, "free"));
    }

    [Fact]
    public void A_pod_no_node_fits_is_pending_with_a_failed_scheduling_event()
    {
        var store = TwoNodes();
        Assert.True(store.Apply(Yaml(Pod("picky", "  nodeSelector: {disktype: ssd}\n")), ApplyMode.Apply).Succeeded);

        var pod = store.Find(ResourceKinds.Pod, "default", "picky")!;
        Assert.Null(NodeOf(store, "picky"));
        Assert.Equal("Pending", (string?)pod.Json["status"]?["phase"]);
        Assert.Equal("Unschedulable", (string?)pod.Json["status"]?["conditions"]?[0]?["reason"]);
        var events = store.Events.List("default", null).Where(e => (string?)e.Json["reason"] == "FailedScheduling").ToList();
        var e = Assert.Single(events);
        Assert.Equal(("Warning", "default-scheduler"), ((string?)e.Json["type"], (string?)e.Json["source"]?["component"]));
        Assert.Equal(
            "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
            (string?)e.Json["message"]);

        // Another commit does not record it again.
        Assert.True(store.Apply(Yaml(Pod("other")), ApplyMode.Apply).Succeeded);
        Assert.Single(store.Events.List("default", null), x => (string?)x.Json["reason"] == "FailedScheduling");
    }

    [Fact]
    public void A_store_without_nodes_schedules_nothing()
    {
        var store = NewStore();
        Assert.True(store.Apply(Yaml(Pod("a")), ApplyMode.Apply).Succeeded);

        Assert.Null(NodeOf(store, "a"));
        Assert.Equal("Pending", (string?)store.Find(ResourceKinds.Pod, "default", "a")!.Json["status"]?["phase"]);
        Assert.DoesNotContain(store.Events.List("default", null), e => (string?)e.Json["reason"] == "FailedScheduling");
    }

    [Fact]
    public void Nodes_are_listed_as_kubectl_get_nodes_prints_them_and_cannot_be_written()
    {
        var store = TwoNodes();
        var nodes = store.Get(new ObjectQuery("no"));
        var table = ResourceTables.For(ResourceKinds.Node);
        var now = DateTimeOffset.Parse((string)nodes[0].Json["metadata"]!["creationTimestamp"]!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(["NAME", "STATUS", "ROLES", "AGE", "VERSION"], table.Headers);
        Assert.Equal(["lab", "Ready", "control-plane", "0s", LabNodeSpec.KubeletVersion], table.Row(nodes[0], now));
        Assert.Equal(["lab-worker", "Ready", "<none>", "0s", LabNodeSpec.KubeletVersion], table.Row(nodes[1], now));
        Assert.Equal("10.1.64.1", table.Wide(nodes[1], now)[0]);
        Assert.Equal("10.1.64.0/18", (string?)nodes[1].Json["spec"]?["podCIDR"]);

        var create = store.Apply(Yaml("apiVersion: v1\nkind: Node\nmetadata: {name: evil}\n"), ApplyMode.Apply);
        Assert.Contains("Node objects are managed by the lab cluster (from the lab's nodes: front matter)", Assert.Single(create.Errors));
        var delete = store.Delete("node", null, "lab-worker");
        Assert.Equal("Error from server (Forbidden): nodes \"lab-worker\" is forbidden: a lab cluster's nodes come with it and cannot be deleted", Assert.Single(delete.Errors));
        Assert.Equal(2, store.Get(new ObjectQuery("nodes")).Count);
    }
}
