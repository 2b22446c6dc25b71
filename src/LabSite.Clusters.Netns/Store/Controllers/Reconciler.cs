using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store.Kinds;

namespace LabSite.Clusters.Netns.Store.Controllers;

/// <summary>
/// Runs the built-in controllers inside a transaction, after the user's writes and before commit, so a
/// commit is always consistent: owners' dependents collected, Deployments' pods in place, Endpoints current.
/// </summary>
internal static class Reconciler
{
    public static void Run(StoreTransaction tx, ServiceIpAllocator ips, Random random, bool ciliumAgentPods)
    {
        CollectOrphans(tx);
        DeploymentController.Reconcile(tx, random);
        if (ciliumAgentPods)
        {
            CiliumAgentPods.Reconcile(tx, random);
        }
        PodScheduler.Reconcile(tx);
        EndpointsController.Reconcile(tx, random);
        IngressController.Reconcile(tx, ips, random);
        LbIpamController.Reconcile(tx);
        IngressController.WriteStatus(tx);
    }

    /// <summary>Stores <paramref name="obj"/> unless it equals what is stored (ignoring resourceVersion): no empty changes.</summary>
    public static void PutIfChanged(StoreTransaction tx, ObjectKey key, JsonObject obj)
    {
        if (tx.Get(key) is { } current)
        {
            obj["metadata"]!["resourceVersion"] = (string?)current["metadata"]?["resourceVersion"];
            if (JsonNode.DeepEquals(current, obj))
            {
                return;
            }
        }
        tx.Put(key, obj);
    }

    public static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? [])
            .Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True");

    public static string? OwnerUid(JsonObject obj, string ownerKind) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray ?? [])
            .Where(o => (string?)o?["kind"] == ownerKind && (bool?)o?["controller"] == true)
            .Select(o => (string?)o?["uid"])
            .FirstOrDefault();

    /// <summary>The garbage collector's job: ReplicaSets whose Deployment is gone, then pods whose ReplicaSet is gone.</summary>
    private static void CollectOrphans(StoreTransaction tx)
    {
        var deployments = tx.OfKind(ResourceKinds.Deployment).Select(kv => (string?)kv.Value["metadata"]?["uid"]).ToHashSet();
        foreach (var (key, _) in tx.OfKind(ResourceKinds.ReplicaSet).Where(kv => !deployments.Contains(OwnerUid(kv.Value, "Deployment"))).ToList())
        {
            tx.Remove(key);
        }
        var replicaSets = tx.OfKind(ResourceKinds.ReplicaSet).Select(kv => (string?)kv.Value["metadata"]?["uid"]).ToHashSet();
        foreach (var (key, _) in tx.OfKind(ResourceKinds.Pod)
            .Where(kv => OwnerUid(kv.Value, "ReplicaSet") is { } owner && !replicaSets.Contains(owner)).ToList())
        {
            tx.Remove(key);
        }
    }
}
