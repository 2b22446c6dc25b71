using System.Text.Json;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Clusters.Netns.Store;

/// <summary>Builds stored objects in <c>kubectl get -o json</c> layout from what a manifest asked for.</summary>
internal static class ObjectFactory
{
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Kinds whose metadata carries a generation that moves when the spec changes.</summary>
    public static bool HasGeneration(ResourceKind kind) =>
        kind == ResourceKinds.Deployment || kind == ResourceKinds.ReplicaSet || kind == ResourceKinds.NetworkPolicy
        || kind == ResourceKinds.CiliumNetworkPolicy || kind == ResourceKinds.CiliumClusterwideNetworkPolicy
        || kind == ResourceKinds.TracingPolicy || kind == ResourceKinds.TracingPolicyNamespaced
        || kind == ResourceKinds.Ingress || kind == ResourceKinds.GatewayClass || kind == ResourceKinds.Gateway || kind == ResourceKinds.HTTPRoute;

    /// <summary>
    /// The object to store for <paramref name="desired"/> (a validated manifest object, namespace already set),
    /// keeping identity and status from <paramref name="existing"/> when it updates one. The last-applied annotation is
    /// <paramref name="desired"/> itself with <paramref name="recordApplied"/> (kubectl apply), else the existing one with
    /// <paramref name="keepApplied"/> (create, kubectl label), else whatever <paramref name="desired"/> carries (an API update).
    /// </summary>
    public static JsonObject Build(ResourceKind kind, JsonObject desired, JsonObject? existing, bool recordApplied, bool keepApplied, string now, Random random)
    {
        var source = (JsonObject)desired.DeepClone();
        ObjectDefaults.Apply(kind, source);
        var inMetadata = source["metadata"] as JsonObject ?? [];
        var metadata = new JsonObject();
        var annotations = inMetadata["annotations"] is JsonObject a ? (JsonObject)a.DeepClone() : new JsonObject();
        if (recordApplied)
        {
            annotations[LastAppliedAnnotation] = desired.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n";
        }
        else if (keepApplied && existing?["metadata"]?["annotations"]?[LastAppliedAnnotation] is { } kept)
        {
            annotations[LastAppliedAnnotation] = kept.DeepClone();
        }
        if (annotations.Count > 0)
        {
            metadata["annotations"] = annotations;
        }
        metadata["creationTimestamp"] = existing?["metadata"]?["creationTimestamp"]?.DeepClone() ?? now;
        if (HasGeneration(kind))
        {
            metadata["generation"] = existing?["metadata"]?["generation"]?.DeepClone() ?? 1;
        }
        if (inMetadata["labels"] is JsonObject labels && labels.Count > 0)
        {
            metadata["labels"] = labels.DeepClone();
        }
        if (kind == ResourceKinds.Namespace)
        {
            var nsLabels = metadata["labels"] as JsonObject ?? [];
            nsLabels["kubernetes.io/metadata.name"] = (string?)inMetadata["name"];
            metadata["labels"] = nsLabels;
        }
        metadata["name"] = (string?)inMetadata["name"];
        if (kind.Namespaced)
        {
            metadata["namespace"] = (string?)inMetadata["namespace"];
        }
        if (existing?["metadata"]?["ownerReferences"] is { } owners)
        {
            metadata["ownerReferences"] = owners.DeepClone();
        }
        metadata["resourceVersion"] = "0";
        metadata["uid"] = existing?["metadata"]?["uid"]?.DeepClone() ?? NewUid(random);

        var result = new JsonObject { ["apiVersion"] = kind.ApiVersion, ["kind"] = kind.Kind, ["metadata"] = metadata };
        foreach (var (key, value) in source)
        {
            if (key is not ("apiVersion" or "kind" or "metadata" or "status"))
            {
                result[key] = value?.DeepClone();
            }
        }
        // The scheduler's choice stays with the pod (kube refuses to change it); a manifest without one keeps it.
        if (kind == ResourceKinds.Pod && result["spec"] is JsonObject spec && spec["nodeName"] is null
            && existing?["spec"]?["nodeName"] is { } boundTo)
        {
            spec["nodeName"] = boundTo.DeepClone();
        }
        var status = existing?["status"]?.DeepClone() ?? InitialStatus(kind);
        if (status is not null)
        {
            result["status"] = status;
        }
        return result;
    }

    public static JsonObject Namespace(string name, string now) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject
        {
            ["creationTimestamp"] = now,
            ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = name },
            ["name"] = name,
            ["resourceVersion"] = "0",
            ["uid"] = NewUid(Random.Shared),
        },
        ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
        ["status"] = new JsonObject { ["phase"] = "Active" },
    };

    /// <summary>A node as kind's kubelet registers it: hostname/os/arch labels, its pod CIDR, its address, Ready.</summary>
    public static JsonObject Node(LabNodeSpec node, string now) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Node",
        ["metadata"] = new JsonObject
        {
            ["annotations"] = new JsonObject { ["node.alpha.kubernetes.io/ttl"] = "0" },
            ["creationTimestamp"] = now,
            ["labels"] = NodeLabels(node),
            ["name"] = node.Name,
            ["resourceVersion"] = "0",
            ["uid"] = NewUid(Random.Shared),
        },
        ["spec"] = new JsonObject { ["podCIDR"] = node.PodCidr, ["podCIDRs"] = new JsonArray(node.PodCidr), ["providerID"] = $"labsite://{node.Name}" },
        ["status"] = new JsonObject
        {
            ["addresses"] = new JsonArray(
                new JsonObject { ["type"] = "InternalIP", ["address"] = node.InternalIp },
                new JsonObject { ["type"] = "Hostname", ["address"] = node.Name }),
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Ready", ["status"] = "True", ["lastHeartbeatTime"] = now, ["lastTransitionTime"] = now,
                ["reason"] = "KubeletReady", ["message"] = "kubelet is posting ready status",
            }),
            ["nodeInfo"] = new JsonObject
            {
                ["architecture"] = "amd64", ["operatingSystem"] = "linux", ["osImage"] = "LabSite netns node",
                ["kernelVersion"] = Environment.OSVersion.Version.ToString(), ["containerRuntimeVersion"] = "labsite://netns",
                ["kubeletVersion"] = LabNodeSpec.KubeletVersion, ["kubeProxyVersion"] = LabNodeSpec.KubeletVersion,
            },
        },
    };

    private static JsonObject NodeLabels(LabNodeSpec node)
    {
        var labels = new JsonObject
        {
            ["beta.kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/hostname"] = node.Name,
            ["kubernetes.io/os"] = "linux",
        };
        if (node.ControlPlane)
        {
            labels["node-role.kubernetes.io/control-plane"] = "";
        }
        return labels;
    }

    private static JsonObject? InitialStatus(ResourceKind kind) =>
        kind == ResourceKinds.Pod ? new JsonObject { ["phase"] = "Pending", ["qosClass"] = "BestEffort" }
        : kind == ResourceKinds.Namespace ? new JsonObject { ["phase"] = "Active" }
        : kind == ResourceKinds.Service ? new JsonObject { ["loadBalancer"] = new JsonObject() }
        : kind == ResourceKinds.Deployment || kind == ResourceKinds.ReplicaSet ? new JsonObject()
        : null;

    /// <summary>A random (version 4) UUID from <paramref name="random"/>, so seeded tests get stable uids.</summary>
    public static string NewUid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(bytes);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    /// <summary>Whether two stored objects differ in what a user controls (labels, annotations, spec, data).</summary>
    public static bool SameUserContent(JsonObject a, JsonObject b)
    {
        static JsonObject Strip(JsonObject o)
        {
            var copy = new JsonObject();
            foreach (var (key, value) in o)
            {
                if (key is not ("metadata" or "status"))
                {
                    copy[key] = value?.DeepClone();
                }
            }
            copy["labels"] = o["metadata"]?["labels"]?.DeepClone();
            var annotations = (o["metadata"]?["annotations"] as JsonObject)?.DeepClone() as JsonObject;
            annotations?.Remove(LastAppliedAnnotation);
            copy["annotations"] = annotations is { Count: > 0 } ? annotations : null;
            return copy;
        }
        return JsonNode.DeepEquals(Strip(a), Strip(b));
    }
}
