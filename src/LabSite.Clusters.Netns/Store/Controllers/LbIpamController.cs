using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store.Kinds;
using LabSite.Clusters.Netns.Store.Selectors;

namespace LabSite.Clusters.Netns.Store.Controllers;

/// <summary>
/// Cilium's LB-IPAM: every Service of <c>type: LoadBalancer</c> gets one address from the first enabled
/// <c>CiliumLoadBalancerIPPool</c> (by name) whose <c>serviceSelector</c> matches it, written to
/// <c>status.loadBalancer.ingress[0].ip</c> (what <c>kubectl get svc</c> shows as EXTERNAL-IP). An address already
/// assigned stays while its pool still offers it; <c>spec.loadBalancerIP</c> asks for a specific one. Without a
/// matching pool, or when the pools are exhausted, the Service stays pending (empty <c>status.loadBalancer</c>).
/// </summary>
internal static class LbIpamController
{
    /// <summary>The most addresses read out of one block, so a /16 costs no more than a lab needs.</summary>
    private const int MaxAddressesPerBlock = 1024;

    public static void Reconcile(StoreTransaction tx)
    {
        var pools = tx.OfKind(ResourceKinds.CiliumLoadBalancerIPPool)
            .Where(kv => (bool?)kv.Value["spec"]?["disabled"] != true)
            .Select(kv => (Selector: kv.Value["spec"]?["serviceSelector"] is JsonObject s ? LabelSelector.FromJson(s) : LabelSelector.Everything, Addresses: Addresses(kv.Value)))
            .ToList();
        var services = tx.OfKind(ResourceKinds.Service).ToList();
        var taken = new HashSet<IPAddress>();
        var wanted = new Dictionary<ObjectKey, IPAddress?>();

        // Keep what is assigned and still offered first, so a new pool or service never moves an existing address.
        foreach (var (key, svc) in services.Where(kv => IsLoadBalancer(kv.Value)))
        {
            if (Assigned(svc) is { } ip && Offering(pools, svc).Any(p => p.Contains(ip)) && taken.Add(ip))
            {
                wanted[key] = ip;
            }
        }
        foreach (var (key, svc) in services.Where(kv => IsLoadBalancer(kv.Value) && !wanted.ContainsKey(kv.Key)))
        {
            var offered = Offering(pools, svc).SelectMany(a => a).Where(a => !taken.Contains(a));
            IPAddress? ip = (string?)svc["spec"]?["loadBalancerIP"] is { } requested && IPAddress.TryParse(requested, out var r)
                ? offered.FirstOrDefault(a => a.Equals(r))
                : offered.FirstOrDefault();
            if (ip is not null)
            {
                taken.Add(ip);
            }
            wanted[key] = ip;
        }

        foreach (var (key, svc) in services)
        {
            var ip = wanted.GetValueOrDefault(key);
            var current = svc["status"]?["loadBalancer"];
            var next = ip is null ? new JsonObject() : new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = ip.ToString() }) };
            if (!IsLoadBalancer(svc) && current is null || current is not null && JsonNode.DeepEquals(current, next))
            {
                continue;
            }
            var updated = (JsonObject)svc.DeepClone();
            var status = updated["status"] as JsonObject ?? [];
            status["loadBalancer"] = next;
            updated["status"] = status;
            tx.Put(key, updated);
        }
    }

    private static bool IsLoadBalancer(JsonObject svc) => (string?)svc["spec"]?["type"] == "LoadBalancer";

    private static IPAddress? Assigned(JsonObject svc) =>
        (string?)svc["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"] is { } text && IPAddress.TryParse(text, out var ip) ? ip : null;

    private static IEnumerable<List<IPAddress>> Offering(List<(LabelSelector Selector, List<IPAddress> Addresses)> pools, JsonObject svc)
    {
        var labels = LabelSelector.LabelsOf(svc);
        return pools.Where(p => p.Selector.Matches(labels)).Select(p => p.Addresses);
    }

    /// <summary>A pool's addresses in order: each CIDR without its network and broadcast address (/30 and wider), or start..stop.</summary>
    internal static List<IPAddress> Addresses(JsonObject pool)
    {
        var result = new List<IPAddress>();
        foreach (var block in (pool["spec"]?["blocks"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((string?)block["cidr"] is { } cidr && IPNetwork.TryParse(cidr, out var net) && net.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
            {
                var first = ToUInt(net.BaseAddress);
                var size = 1L << (32 - net.PrefixLength);
                var (from, to) = size >= 4 ? (first + 1, first + size - 2) : (first, first + size - 1);
                Add(result, from, to);
            }
            else if ((string?)block["start"] is { } start && IPAddress.TryParse(start, out var a)
                && IPAddress.TryParse((string?)block["stop"] ?? start, out var b) && a.AddressFamily == AddressFamily.InterNetwork)
            {
                Add(result, ToUInt(a), ToUInt(b));
            }
        }
        return result;
    }

    private static void Add(List<IPAddress> into, long from, long to)
    {
        for (var n = from; n <= to && n < from + MaxAddressesPerBlock; n++)
        {
            into.Add(new IPAddress([(byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n]));
        }
    }

    private static long ToUInt(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return ((long)b[0] << 24) | ((long)b[1] << 16) | ((long)b[2] << 8) | b[3];
    }
}
