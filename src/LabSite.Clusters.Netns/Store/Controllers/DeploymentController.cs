using System.Globalization;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Store.Kinds;

namespace LabSite.Clusters.Netns.Store.Controllers;

/// <summary>
/// Deployment → ReplicaSet → pods, as the Kubernetes controllers do it, in one step: the current template's
/// ReplicaSet (<c>&lt;deploy&gt;-&lt;pod-template-hash&gt;</c>) gets <c>spec.replicas</c> pods named
/// <c>&lt;rs&gt;-&lt;5 chars&gt;</c>; older ReplicaSets are scaled to 0 and kept (rollout history), their pods deleted.
/// A rollout is immediate, not rolling: lab clusters have no traffic worth protecting.
/// </summary>
internal static class DeploymentController
{
    private const string HashLabel = "pod-template-hash";
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    public static void Reconcile(StoreTransaction tx, Random random)
    {
        foreach (var (key, deployment) in tx.OfKind(ResourceKinds.Deployment).ToList())
        {
            ReconcileOne(tx, key, deployment, random);
        }
    }

    private static void ReconcileOne(StoreTransaction tx, ObjectKey key, JsonObject deployment, Random random)
    {
        var spec = (JsonObject)deployment["spec"]!;
        var replicas = spec["replicas"].AsInt() ?? 1;
        var template = (JsonObject)spec["template"]!;
        var hash = PodTemplateHash.Compute(template);
        var deploymentUid = (string)deployment["metadata"]!["uid"]!;

        var owned = tx.OfKind(ResourceKinds.ReplicaSet, key.Namespace)
            .Where(kv => Reconciler.OwnerUid(kv.Value, "Deployment") == deploymentUid)
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var currentKey = new ObjectKey(ResourceKinds.ReplicaSet.Kind, key.Namespace, $"{key.Name}-{hash}");
        var revision = owned.TryGetValue(currentKey, out var currentRs)
            ? Revision(currentRs)
            : owned.Values.Select(Revision).DefaultIfEmpty(0).Max() + 1;

        var rs = BuildReplicaSet(tx, currentKey, deployment, template, hash, replicas, revision, currentRs, random);
        var rsUid = (string)rs["metadata"]!["uid"]!;
        foreach (var (oldKey, old) in owned.Where(kv => kv.Key != currentKey))
        {
            var scaled = (JsonObject)old.DeepClone();
            scaled["spec"]!["replicas"] = 0;
            scaled["status"] = new JsonObject { ["observedGeneration"] = old["metadata"]?["generation"].AsLong() ?? 1, ["replicas"] = 0 };
            Reconciler.PutIfChanged(tx, oldKey, scaled);
        }

        // Pods: drop those of older templates, then scale the current set to `replicas`.
        var ownedUids = owned.Values.Select(o => (string?)o["metadata"]?["uid"]).Append(rsUid).ToHashSet();
        var pods = tx.OfKind(ResourceKinds.Pod, key.Namespace)
            .Where(kv => Reconciler.OwnerUid(kv.Value, "ReplicaSet") is { } owner && ownedUids.Contains(owner))
            .ToList();
        foreach (var (podKey, _) in pods.Where(kv => Reconciler.OwnerUid(kv.Value, "ReplicaSet") != rsUid))
        {
            tx.Remove(podKey);
        }
        var current = pods.Where(kv => Reconciler.OwnerUid(kv.Value, "ReplicaSet") == rsUid).ToList();
        // Scale down as the ReplicaSet controller prefers: not-ready pods first, then the newest.
        foreach (var (podKey, _) in current
            .OrderBy(kv => Reconciler.IsReady(kv.Value))
            .ThenByDescending(kv => (string?)kv.Value["metadata"]?["creationTimestamp"], StringComparer.Ordinal)
            .ThenByDescending(kv => kv.Key.Name, StringComparer.Ordinal)
            .Take(Math.Max(0, current.Count - replicas)).ToList())
        {
            tx.Remove(podKey);
        }
        for (var i = current.Count; i < replicas; i++)
        {
            var podKey = UniquePodKey(tx, currentKey, random);
            tx.Put(podKey, BuildPod(tx, podKey, template, hash, currentKey.Name, rsUid, random));
        }

        var live = tx.OfKind(ResourceKinds.Pod, key.Namespace)
            .Where(kv => Reconciler.OwnerUid(kv.Value, "ReplicaSet") == rsUid).Select(kv => kv.Value).ToList();
        var ready = live.Count(Reconciler.IsReady);
        var generation = deployment["metadata"]?["generation"].AsLong() ?? 1;

        var rsUpdated = (JsonObject)rs.DeepClone();
        rsUpdated["status"] = Status(generation: rs["metadata"]?["generation"].AsLong() ?? 1, live.Count, ready, rsStatus: true);
        Reconciler.PutIfChanged(tx, currentKey, rsUpdated);

        var updated = (JsonObject)deployment.DeepClone();
        var annotations = updated["metadata"]!["annotations"] as JsonObject ?? [];
        annotations[RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture);
        updated["metadata"]!["annotations"] = annotations;
        var status = Status(generation, live.Count, ready, rsStatus: false);
        if (live.Count > 0)
        {
            status["updatedReplicas"] = live.Count;
        }
        if (live.Count - ready > 0)
        {
            status["unavailableReplicas"] = live.Count - ready;
        }
        status["conditions"] = DeploymentConditions.Build(deployment, currentKey.Name, replicas, live.Count, ready, tx.Now);
        updated["status"] = status;
        Reconciler.PutIfChanged(tx, key, updated);
    }

    private static JsonObject Status(long generation, int replicas, int ready, bool rsStatus)
    {
        // Zero counts are omitted, as the API server's JSON omits them.
        var status = new JsonObject { ["observedGeneration"] = generation };
        if (replicas > 0)
        {
            status["replicas"] = replicas;
        }
        if (rsStatus && replicas > 0)
        {
            status["fullyLabeledReplicas"] = replicas;
        }
        if (ready > 0)
        {
            status["readyReplicas"] = ready;
            status["availableReplicas"] = ready;
        }
        if (rsStatus)
        {
            status["replicas"] = replicas;
        }
        return status;
    }

    private static int Revision(JsonObject rs) =>
        int.TryParse((string?)rs["metadata"]?["annotations"]?[RevisionAnnotation], CultureInfo.InvariantCulture, out var r) ? r : 0;

    private static JsonObject BuildReplicaSet(StoreTransaction tx, ObjectKey rsKey, JsonObject deployment, JsonObject template,
        string hash, int replicas, int revision, JsonObject? existing, Random random)
    {
        var labels = WithHash(template["metadata"]?["labels"] as JsonObject, hash);
        var selector = (JsonObject)deployment["spec"]!["selector"]!.DeepClone();
        selector["matchLabels"] = WithHash(selector["matchLabels"] as JsonObject, hash);
        var podTemplate = (JsonObject)template.DeepClone();
        var templateMetadata = podTemplate["metadata"] as JsonObject ?? [];
        templateMetadata["labels"] = labels.DeepClone();
        podTemplate["metadata"] = templateMetadata;

        var rs = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["annotations"] = new JsonObject
                {
                    ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(CultureInfo.InvariantCulture),
                    ["deployment.kubernetes.io/max-replicas"] = (replicas + (int)Math.Ceiling(replicas * 0.25)).ToString(CultureInfo.InvariantCulture),
                    [RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture),
                },
                ["creationTimestamp"] = existing?["metadata"]?["creationTimestamp"]?.DeepClone() ?? tx.Now,
                ["generation"] = existing?["metadata"]?["generation"]?.DeepClone() ?? 1,
                ["labels"] = labels,
                ["name"] = rsKey.Name,
                ["namespace"] = rsKey.Namespace,
                ["ownerReferences"] = OwnerReference("apps/v1", "Deployment", deployment),
                ["resourceVersion"] = "0",
                ["uid"] = existing?["metadata"]?["uid"]?.DeepClone() ?? ObjectFactory.NewUid(random),
            },
            ["spec"] = new JsonObject { ["replicas"] = replicas, ["selector"] = selector, ["template"] = podTemplate },
            ["status"] = existing?["status"]?.DeepClone() ?? new JsonObject { ["replicas"] = 0 },
        };
        if (existing is not null && !JsonNode.DeepEquals(existing["spec"], rs["spec"]))
        {
            rs["metadata"]!["generation"] = (existing["metadata"]?["generation"].AsLong() ?? 1) + 1;
        }
        Reconciler.PutIfChanged(tx, rsKey, rs);
        return tx.Get(rsKey)!;
    }

    private static JsonObject BuildPod(StoreTransaction tx, ObjectKey podKey, JsonObject template, string hash, string rsName, string rsUid, Random random)
    {
        var metadata = new JsonObject();
        if (template["metadata"]?["annotations"] is JsonObject annotations)
        {
            metadata["annotations"] = annotations.DeepClone();
        }
        metadata["creationTimestamp"] = tx.Now;
        metadata["generateName"] = rsName + "-";
        metadata["labels"] = WithHash(template["metadata"]?["labels"] as JsonObject, hash);
        metadata["name"] = podKey.Name;
        metadata["namespace"] = podKey.Namespace;
        metadata["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["blockOwnerDeletion"] = true,
            ["controller"] = true,
            ["kind"] = "ReplicaSet",
            ["name"] = rsName,
            ["uid"] = rsUid,
        });
        metadata["resourceVersion"] = "0";
        metadata["uid"] = ObjectFactory.NewUid(random);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = template["spec"]?.DeepClone(),
            ["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = "BestEffort" },
        };
    }

    private static ObjectKey UniquePodKey(StoreTransaction tx, ObjectKey rsKey, Random random)
    {
        // 27^5 names per ReplicaSet: a clash is rare, and a hundred in a row means the random source is broken.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var key = new ObjectKey(ResourceKinds.Pod.Kind, rsKey.Namespace, $"{rsKey.Name}-{PodTemplateHash.Suffix(random)}");
            if (tx.Get(key) is null)
            {
                return key;
            }
        }
        throw new InvalidOperationException($"no free pod name for ReplicaSet {rsKey.Namespace}/{rsKey.Name} after 100 draws");
    }

    private static JsonObject WithHash(JsonObject? labels, string hash)
    {
        var copy = labels?.DeepClone() as JsonObject ?? [];
        copy[HashLabel] = hash;
        return copy;
    }

    private static JsonArray OwnerReference(string apiVersion, string kind, JsonObject owner) =>
        new(new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["blockOwnerDeletion"] = true,
            ["controller"] = true,
            ["kind"] = kind,
            ["name"] = (string?)owner["metadata"]?["name"],
            ["uid"] = (string?)owner["metadata"]?["uid"],
        });
}
