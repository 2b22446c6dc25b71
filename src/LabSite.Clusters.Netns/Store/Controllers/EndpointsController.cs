using System.Text.Json;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Store.Kinds;
using LabSite.Clusters.Netns.Store.Selectors;

namespace LabSite.Clusters.Netns.Store.Controllers;

/// <summary>
/// Keeps one Endpoints object per Service with a selector: the selected pods that have an IP, ready ones under
/// <c>addresses</c>, others under <c>notReadyAddresses</c>, with each service port's target resolved per pod
/// (a named <c>targetPort</c> looks up the pod's container port of that name; pods without it are left out of
/// that port). Pods with identical resolved ports share a subset, as in Kubernetes.
/// </summary>
internal static class EndpointsController
{
    public static void Reconcile(StoreTransaction tx, Random random)
    {
        var wanted = new HashSet<ObjectKey>();
        foreach (var (key, service) in tx.OfKind(ResourceKinds.Service).ToList())
        {
            if (service["spec"]?["selector"] is not JsonObject { Count: > 0 } selector)
            {
                continue; // selectorless services have user-managed endpoints; labs do not use them
            }
            var epKey = new ObjectKey(ResourceKinds.Endpoints.Kind, key.Namespace, key.Name);
            wanted.Add(epKey);
            Reconciler.PutIfChanged(tx, epKey, Build(tx, key, service, LabelSelector.FromMap(selector), tx.Get(epKey), random));
        }
        foreach (var (key, _) in tx.OfKind(ResourceKinds.Endpoints).Where(kv => !wanted.Contains(kv.Key)).ToList())
        {
            tx.Remove(key);
        }
    }

    private static JsonObject Build(StoreTransaction tx, ObjectKey serviceKey, JsonObject service, LabelSelector selector, JsonObject? existing, Random random)
    {
        var servicePorts = (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var subsets = new Dictionary<string, (JsonArray Ports, List<JsonObject> Ready, List<JsonObject> NotReady)>();
        foreach (var (_, pod) in tx.OfKind(ResourceKinds.Pod, serviceKey.Namespace))
        {
            var ip = (string?)pod["status"]?["podIP"];
            var phase = (string?)pod["status"]?["phase"];
            if (ip is null || phase is "Succeeded" or "Failed" || !selector.Matches(LabelSelector.LabelsOf(pod)))
            {
                continue;
            }
            var ports = ResolvePorts(servicePorts, pod);
            var signature = ports.ToJsonString();
            if (!subsets.TryGetValue(signature, out var subset))
            {
                subset = (ports, [], []);
                subsets[signature] = subset;
            }
            (Reconciler.IsReady(pod) ? subset.Ready : subset.NotReady).Add(Address(ip, pod));
        }

        var metadata = new JsonObject
        {
            ["creationTimestamp"] = existing?["metadata"]?["creationTimestamp"]?.DeepClone() ?? tx.Now,
        };
        if (service["metadata"]?["labels"] is JsonObject labels)
        {
            metadata["labels"] = labels.DeepClone();
        }
        metadata["name"] = serviceKey.Name;
        metadata["namespace"] = serviceKey.Namespace;
        metadata["resourceVersion"] = "0";
        metadata["uid"] = existing?["metadata"]?["uid"]?.DeepClone() ?? ObjectFactory.NewUid(random);
        var endpoints = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Endpoints", ["metadata"] = metadata };
        if (subsets.Count > 0)
        {
            endpoints["subsets"] = new JsonArray(subsets
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => (JsonNode)Subset(kv.Value.Ports, kv.Value.Ready, kv.Value.NotReady))
                .ToArray());
        }
        return endpoints;
    }

    private static JsonObject Subset(JsonArray ports, List<JsonObject> ready, List<JsonObject> notReady)
    {
        // Sorted by IP so results and tests are stable whatever order pods were created in.
        static JsonArray Sorted(List<JsonObject> addresses) =>
            new(addresses.OrderBy(a => System.Net.IPAddress.Parse((string)a["ip"]!).GetAddressBytes(), ByteOrder.Instance).Select(a => (JsonNode)a).ToArray());
        var subset = new JsonObject();
        if (ready.Count > 0)
        {
            subset["addresses"] = Sorted(ready);
        }
        if (notReady.Count > 0)
        {
            subset["notReadyAddresses"] = Sorted(notReady);
        }
        subset["ports"] = ports.DeepClone();
        return subset;
    }

    private static JsonArray ResolvePorts(List<JsonObject> servicePorts, JsonObject pod)
    {
        var resolved = new JsonArray();
        foreach (var port in servicePorts)
        {
            var target = port["targetPort"];
            long? number = target is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.AsLong() : NamedPort(pod, (string?)target);
            if (number is null)
            {
                continue;
            }
            var entry = new JsonObject();
            if ((string?)port["name"] is { Length: > 0 } name)
            {
                entry["name"] = name;
            }
            entry["port"] = number;
            entry["protocol"] = (string?)port["protocol"] ?? "TCP";
            resolved.Add(entry);
        }
        return resolved;
    }

    private static long? NamedPort(JsonObject pod, string? name) =>
        (pod["spec"]?["containers"] as JsonArray ?? [])
            .SelectMany(c => c?["ports"] as JsonArray ?? [])
            .Where(p => (string?)p?["name"] == name)
            .Select(p => p?["containerPort"].AsLong())
            .FirstOrDefault();

    private static JsonObject Address(string ip, JsonObject pod)
    {
        var address = new JsonObject { ["ip"] = ip };
        if ((string?)pod["spec"]?["nodeName"] is { } node)
        {
            address["nodeName"] = node;
        }
        address["targetRef"] = new JsonObject
        {
            ["kind"] = "Pod",
            ["name"] = (string?)pod["metadata"]?["name"],
            ["namespace"] = (string?)pod["metadata"]?["namespace"],
            ["uid"] = (string?)pod["metadata"]?["uid"],
        };
        return address;
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => ((ReadOnlySpan<byte>)x).SequenceCompareTo(y);
    }
}
