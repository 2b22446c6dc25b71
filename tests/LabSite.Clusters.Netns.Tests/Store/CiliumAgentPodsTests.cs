using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Store;
using static LabSite.Testing.StoreFixture;

namespace LabSite.Clusters.Netns.Tests.Store;

/// <summary>
/// The lab's Cilium agents as objects: DaemonSet kube-system/cilium and one Running hostNetwork pod per node, which
/// users may read but not change, and which leave the default namespace's pods alone.
/// </summary>
public class CiliumAgentPodsTests
{
    private static ObjectStore TwoNodes()
    {
        var store = NewStore();
        store.RegisterNodes([new LabNodeSpec("lab", "10.244.0.0/24", "172.31.0.2", true), new LabNodeSpec("lab-worker", "10.244.1.0/24", "172.31.0.3", false)]);
        return store;
    }

    private static IReadOnlyList<KubeObject> Agents(ObjectStore store) =>
        store.Get(new ObjectQuery("pods", "kube-system", "k8s-app=cilium"));

    [Fact]
    public void Each_node_gets_one_running_host_network_agent_pod_owned_by_the_daemonset()
    {
        var store = TwoNodes();

        var pods = Agents(store);
        var ds = Assert.Single(store.Get(new ObjectQuery("ds", "kube-system")));

        Assert.Equal(["lab", "lab-worker"], pods.Select(p => (string?)p.Json["spec"]!["nodeName"]).Order().ToArray());
        Assert.All(pods, p =>
        {
            Assert.Matches("^cilium-[bcdfghjklmnpqrstvwxz2456789]{5}$", p.Name);
            Assert.Equal("Running", (string?)p.Json["status"]!["phase"]);
            Assert.True((bool?)p.Json["spec"]!["hostNetwork"]);
            Assert.Equal("cilium-agent", (string?)p.Json["spec"]!["containers"]![0]!["name"]);
            Assert.Equal("cilium-agent", p.Labels["app.kubernetes.io/name"]);
            Assert.Equal((string?)p.Json["status"]!["hostIP"], (string?)p.Json["status"]!["podIP"]);
            Assert.Equal((string?)ds.Json["metadata"]!["uid"], (string?)p.Json["metadata"]!["ownerReferences"]![0]!["uid"]);
        });
        Assert.Equal("172.31.0.3", (string?)pods.Single(p => (string?)p.Json["spec"]!["nodeName"] == "lab-worker").Json["status"]!["podIP"]);
        Assert.Equal("cilium", ds.Name);
        Assert.Equal(2, (int?)ds.Json["status"]!["desiredNumberScheduled"]);
        Assert.Equal(2, (int?)ds.Json["status"]!["numberReady"]);
        Assert.Empty(store.Get(new ObjectQuery("pods")));
    }

    [Fact]
    public void Agent_pods_stay_put_across_other_commits()
    {
        var store = TwoNodes();
        var before = Agents(store).Select(p => p.Name).Order().ToArray();

        Assert.True(store.Apply(Data("http-sw-app.yaml"), ApplyMode.Create).Succeeded);

        Assert.Equal(before, Agents(store).Select(p => p.Name).Order().ToArray());
        Assert.DoesNotContain(store.Get(new ObjectQuery("pods")), p => p.Name.StartsWith("cilium-", StringComparison.Ordinal));
    }

    [Fact]
    public void A_store_without_nodes_or_with_agent_pods_off_has_none()
    {
        var off = new ObjectStore(new StoreOptions { ServiceCidr = "10.96.0.0/16", CiliumAgentPods = false });
        off.RegisterNodes([new LabNodeSpec("lab", "10.244.0.0/24", "172.31.0.2", true)]);

        Assert.Empty(Agents(NewStore()));
        Assert.Empty(NewStore().Get(new ObjectQuery("ds", "kube-system")));
        Assert.Empty(Agents(off));
        // such a store stands in for another cluster's API, whose own DaemonSet would make agent pods: the label is free
        Assert.True(off.Apply(Yaml("""
            apiVersion: v1
            kind: Pod
            metadata: {name: cilium-x7k2p, namespace: kube-system, labels: {k8s-app: cilium}}
            spec:
              containers: [{name: cilium-agent, image: x}]
            """), ApplyMode.Create).Succeeded);
    }

    [Fact]
    public void Deleting_or_changing_an_agent_pod_is_forbidden()
    {
        var store = TwoNodes();
        var name = Agents(store)[0].Name;

        var deleted = store.Delete("pod", "kube-system", name);
        var relabelled = store.Apply(Yaml($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              namespace: kube-system
              labels: {k8s-app: other}
            spec:
              containers: [{name: cilium-agent, image: x}]
            """), ApplyMode.Apply);
        var fromFile = store.Apply(Yaml($"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: kube-system}}\n"), ApplyMode.Delete);

        Assert.Equal([$"Error from server (Forbidden): pods \"{name}\" is forbidden: the lab's Cilium agent pods belong to DaemonSet kube-system/cilium and cannot be changed or deleted"], deleted.Errors);
        Assert.Contains("is forbidden: the lab's Cilium agent pods belong to DaemonSet kube-system/cilium", Assert.Single(relabelled.Errors), StringComparison.Ordinal);
        Assert.StartsWith("Error from server (Forbidden): error when deleting \"test.yaml\"", Assert.Single(fromFile.Errors), StringComparison.Ordinal);
        Assert.Equal(2, Agents(store).Count);
    }

    [Fact]
    public void The_daemonset_cannot_be_deleted_or_made_and_the_agents_label_is_kept_for_them()
    {
        var store = TwoNodes();

        var deleted = store.Delete("ds", "kube-system", "cilium");
        var made = store.Apply(Yaml("""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: spy, namespace: default}
            spec:
              selector: {matchLabels: {app: spy}}
              template:
                metadata: {labels: {app: spy}}
                spec: {containers: [{name: spy, image: x}]}
            """), ApplyMode.Create);
        var impostor = store.Apply(Yaml("""
            apiVersion: v1
            kind: Pod
            metadata: {name: cilium-fake1, namespace: kube-system, labels: {k8s-app: cilium}}
            spec:
              containers: [{name: cilium-agent, image: x}]
            """), ApplyMode.Create);

        Assert.Equal(["Error from server (Forbidden): daemonsets.apps \"cilium\" is forbidden: the lab's Cilium agent DaemonSet comes with the lab cluster and cannot be changed"], deleted.Errors);
        Assert.Contains("DaemonSet objects are managed by the lab cluster (from the lab's Cilium agents, one per node; a lab runs no other DaemonSet)", Assert.Single(made.Errors), StringComparison.Ordinal);
        Assert.Contains("the label k8s-app=cilium in kube-system is kept for the lab's Cilium agent pods", Assert.Single(impostor.Errors), StringComparison.Ordinal);
        Assert.Equal(2, Agents(store).Count);
    }
}
