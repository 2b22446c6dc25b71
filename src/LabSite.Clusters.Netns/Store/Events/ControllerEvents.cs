using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Clusters.Netns.Store.Events;

/// <summary>
/// The Events kube-controller-manager records for what the store's own controllers do: the deployment controller's
/// <c>ScalingReplicaSet</c> on a Deployment, the ReplicaSet controller's <c>SuccessfulCreate</c>/<c>SuccessfulDelete</c>
/// on a ReplicaSet; the scheduler's <c>FailedScheduling</c> on a pod no node fits. Read from the store's changes, after they are committed.
/// </summary>
internal static class ControllerEvents
{
    public static void OnChange(ObjectChange change, ObjectStore store)
    {
        var ns = change.Object.Namespace ?? ObjectStore.DefaultNamespace;
        if (change.Kind == ResourceKinds.ReplicaSet && Owner(change.Object, "Deployment") is { } deploymentName
            && store.Find(ResourceKinds.Deployment, ns, deploymentName) is { } deployment)
        {
            var before = change.Previous is { } previous ? Replicas(previous) : 0;
            var after = change.Type == ChangeType.Deleted ? 0 : Replicas(change.Object);
            if (before != after)
            {
                var direction = after > before ? "up" : "down";
                store.Events.Record(deployment, ResourceKinds.Deployment, EventType.Normal, "ScalingReplicaSet",
                    $"Scaled {direction} replica set {change.Object.Name} from {before} to {after}", "deployment-controller");
            }
        }
        if (change.Kind == ResourceKinds.Pod && change.Type != ChangeType.Deleted
            && Controllers.PodScheduler.UnschedulableMessage(change.Object.Json) is { } why
            && (change.Previous is null || !Controllers.PodScheduler.IsUnschedulable(change.Previous.Json)))
        {
            store.Events.Record(change.Object, ResourceKinds.Pod, EventType.Warning, "FailedScheduling", why, "default-scheduler");
        }
        if (change.Kind == ResourceKinds.Pod && change.Type != ChangeType.Modified && Owner(change.Object, "ReplicaSet") is { } replicaSetName
            && store.Find(ResourceKinds.ReplicaSet, ns, replicaSetName) is { } replicaSet)
        {
            var (reason, verb) = change.Type == ChangeType.Added ? ("SuccessfulCreate", "Created") : ("SuccessfulDelete", "Deleted");
            store.Events.Record(replicaSet, ResourceKinds.ReplicaSet, EventType.Normal, reason, $"{verb} pod: {change.Object.Name}", "replicaset-controller");
        }
    }

    private static string? Owner(KubeObject obj, string kind) =>
        (obj.Json["metadata"]?["ownerReferences"] as JsonArray ?? [])
            .Where(o => (string?)o?["kind"] == kind).Select(o => (string?)o?["name"]).FirstOrDefault();

    private static long Replicas(KubeObject rs) => rs.Json["spec"]?["replicas"].AsLong() ?? 1;
}
