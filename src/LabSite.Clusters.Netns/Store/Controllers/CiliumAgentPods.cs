using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store.Kinds;

namespace LabSite.Clusters.Netns.Store.Controllers;

/// <summary>
/// The lab's Cilium agents as Kubernetes objects: the DaemonSet <c>kube-system/cilium</c> and one Running pod
/// <c>cilium-xxxxx</c> per node (hostNetwork, so its IP is the node's), labelled as Cilium's Helm chart labels them,
/// so <c>kubectl -n kube-system get pods -l k8s-app=cilium -o wide</c> reads as on a real cluster and the lab shell
/// can tell which node a <c>kubectl exec cilium-xxxxx</c> means. They stand for the lab's one agent process (the
/// lab shell answers such an exec for that node); the runtime starts nothing for them, and users may not change them.
/// </summary>
internal static class CiliumAgentPods
{
    public const string Namespace = "kube-system";
    public const string DaemonSetName = "cilium";
    public const string Container = "cilium-agent";

    /// <summary>What the pods run: the lab's own agent, not Cilium's image, and the name says so.</summary>
    public const string Image = "labsite/cilium-agent:netns";

    private static readonly ObjectKey s_daemonSet = new(ResourceKinds.DaemonSet.Kind, Namespace, DaemonSetName);

    /// <summary>One agent pod per Node object, none for nodes that are gone, the DaemonSet's status counting them.</summary>
    public static void Reconcile(StoreTransaction tx, Random random)
    {
        var nodes = tx.OfKind(ResourceKinds.Node).ToDictionary(kv => kv.Key.Name, kv => kv.Value, StringComparer.Ordinal);
        if (nodes.Count == 0)
        {
            return;
        }
        var daemonSet = tx.Get(s_daemonSet);
        if (daemonSet is null)
        {
            daemonSet = DaemonSet(tx.Now, random);
            tx.Put(s_daemonSet, daemonSet);
        }
        var uid = (string)daemonSet["metadata"]!["uid"]!;
        var pods = tx.OfKind(ResourceKinds.Pod, Namespace).Where(kv => Reconciler.OwnerUid(kv.Value, "DaemonSet") == uid).ToList();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, pod) in pods)
        {
            if ((string?)pod["spec"]?["nodeName"] is { } node && nodes.ContainsKey(node) && covered.Add(node))
            {
                continue;
            }
            tx.Remove(key);
        }
        foreach (var (name, node) in nodes.Where(n => !covered.Contains(n.Key)))
        {
            var key = UniqueKey(tx, random);
            tx.Put(key, Pod(tx, key.Name, name, NodeIp(node), uid, random));
            covered.Add(name);
        }
        var updated = (JsonObject)daemonSet.DeepClone();
        updated["status"] = new JsonObject
        {
            ["currentNumberScheduled"] = covered.Count,
            ["desiredNumberScheduled"] = nodes.Count,
            ["numberAvailable"] = covered.Count,
            ["numberMisscheduled"] = 0,
            ["numberReady"] = covered.Count,
            ["observedGeneration"] = 1,
            ["updatedNumberScheduled"] = covered.Count,
        };
        Reconciler.PutIfChanged(tx, s_daemonSet, updated);
    }

    /// <summary>An agent pod of the lab (kube-system, owned by the DaemonSet cilium): the runtime runs nothing for it.</summary>
    public static bool IsAgentPod(KubeObject pod) =>
        pod.Namespace == Namespace && IsOwnedByDaemonSet(pod.Json);

    /// <summary>Why a user's write of the DaemonSet <paramref name="key"/> is refused with a Forbidden; null when it is not the agents'.</summary>
    public static string? DaemonSetRefusal(ObjectKey key) =>
        key.Namespace == Namespace && key.Name == DaemonSetName
            ? $"daemonsets.apps \"{key.Name}\" is forbidden: the lab's Cilium agent DaemonSet comes with the lab cluster and cannot be changed"
            : null;

    /// <summary>
    /// Why a user's write of <paramref name="kind"/> <paramref name="key"/> is refused; null when it is not the agents'.
    /// The agents' label is kept for them only in a store that lists them (<paramref name="tx"/> holds their DaemonSet).
    /// </summary>
    public static string? Refusal(StoreTransaction tx, ResourceKind kind, ObjectKey key, JsonObject? existing, JsonObject? desired)
    {
        if (key.Namespace != Namespace)
        {
            return null;
        }
        if (kind == ResourceKinds.DaemonSet)
        {
            return DaemonSetRefusal(key);
        }
        if (kind != ResourceKinds.Pod)
        {
            return null;
        }
        if (existing is not null && IsOwnedByDaemonSet(existing))
        {
            return $"pods \"{key.Name}\" is forbidden: the lab's Cilium agent pods belong to DaemonSet {Namespace}/{DaemonSetName} and cannot be changed or deleted";
        }
        // A pod of the user's with the agents' label would be taken for an agent by `kubectl exec` and by selectors.
        return (string?)desired?["metadata"]?["labels"]?["k8s-app"] == "cilium" && tx.Get(s_daemonSet) is not null
            ? $"pods \"{key.Name}\" is forbidden: the label k8s-app=cilium in {Namespace} is kept for the lab's Cilium agent pods"
            : null;
    }

    private static bool IsOwnedByDaemonSet(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray ?? [])
            .Any(o => (string?)o?["kind"] == "DaemonSet" && (string?)o?["name"] == DaemonSetName && (bool?)o?["controller"] == true);

    private static ObjectKey UniqueKey(StoreTransaction tx, Random random)
    {
        while (true)
        {
            var key = new ObjectKey(ResourceKinds.Pod.Kind, Namespace, $"{DaemonSetName}-{PodTemplateHash.Suffix(random)}");
            if (tx.Get(key) is null)
            {
                return key;
            }
        }
    }

    private static string NodeIp(JsonObject node) =>
        (node["status"]?["addresses"] as JsonArray ?? []).Where(a => (string?)a?["type"] == "InternalIP").Select(a => (string?)a?["address"]).FirstOrDefault() ?? "";

    private static JsonObject Labels() => new()
    {
        ["app.kubernetes.io/name"] = "cilium-agent",
        ["app.kubernetes.io/part-of"] = "cilium",
        ["k8s-app"] = "cilium",
    };

    private static JsonObject PodSpec() => new()
    {
        ["containers"] = new JsonArray(new JsonObject
        {
            ["name"] = Container,
            ["image"] = Image,
            ["command"] = new JsonArray("cilium-agent"),
        }),
        ["hostNetwork"] = true,
        ["priorityClassName"] = "system-node-critical",
        ["restartPolicy"] = "Always",
        ["serviceAccountName"] = "cilium",
        ["tolerations"] = new JsonArray(new JsonObject { ["operator"] = "Exists" }),
    };

    private static JsonObject DaemonSet(string now, Random random) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "DaemonSet",
        ["metadata"] = new JsonObject
        {
            ["creationTimestamp"] = now,
            ["generation"] = 1,
            ["labels"] = Labels(),
            ["name"] = DaemonSetName,
            ["namespace"] = Namespace,
            ["uid"] = ObjectFactory.NewUid(random),
        },
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["k8s-app"] = "cilium" } },
            ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = Labels() }, ["spec"] = PodSpec() },
            ["updateStrategy"] = new JsonObject { ["type"] = "RollingUpdate" },
        },
    };

    private static JsonObject Pod(StoreTransaction tx, string name, string node, string nodeIp, string ownerUid, Random random)
    {
        var labels = Labels();
        labels["pod-template-generation"] = "1";
        var spec = PodSpec();
        spec["nodeName"] = node;
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["creationTimestamp"] = tx.Now,
                ["generateName"] = $"{DaemonSetName}-",
                ["labels"] = labels,
                ["name"] = name,
                ["namespace"] = Namespace,
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "apps/v1", ["blockOwnerDeletion"] = true, ["controller"] = true,
                    ["kind"] = "DaemonSet", ["name"] = DaemonSetName, ["uid"] = ownerUid,
                }),
                ["uid"] = ObjectFactory.NewUid(random),
            },
            ["spec"] = spec,
        };
        pod["status"] = PodStatus.Running(new KubeObject(pod), nodeIp, nodeIp, tx.Time.GetUtcNow());
        return pod;
    }
}
