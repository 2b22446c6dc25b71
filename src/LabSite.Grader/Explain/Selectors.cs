using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Contract.Kubernetes.Tables;

namespace LabSite.Grader.Explain;

/// <summary>Label selectors (<c>matchLabels</c>, <c>matchExpressions</c>) over <see cref="PeerLabels"/>, keys with or without a source.</summary>
public static class Selectors
{
    private const string NamespaceKey = "io.kubernetes.pod.namespace";

    public static bool Matches(JsonObject selector, PeerLabels labels)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var (key, value) in selector["matchLabels"] as JsonObject ?? [])
        {
            if (!labels.Labels.TryGetValue(StripSource(key), out var have) || have != (string?)value)
            {
                return false;
            }
        }
        foreach (var e in KubeJson.Array(selector, "matchExpressions").OfType<JsonObject>())
        {
            var key = StripSource(KubeJson.Str(e, "key"));
            var values = KubeJson.Array(e, "values").Select(v => (string?)v).ToHashSet();
            var present = labels.Labels.TryGetValue(key, out var have);
            var ok = KubeJson.Str(e, "operator") switch
            {
                "In" => present && values.Contains(have),
                "NotIn" => !present || !values.Contains(have),
                "Exists" => present,
                "DoesNotExist" => !present,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A peer selector of a namespaced policy also requires the policy's namespace unless it names one itself, as Cilium
    /// adds <c>k8s:io.kubernetes.pod.namespace</c>. Reserved peers (world, host) have no labels a selector matches.
    /// </summary>
    public static bool MatchesPeer(JsonObject selector, PeerLabels peer, string? policyNamespace)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (new NumericIdentity(peer.Identity).IsReserved && peer.Identity != 0)
        {
            return false;
        }
        var namesNamespace = Keys(selector).Contains(NamespaceKey);
        return (policyNamespace is null || namesNamespace || peer.Namespace == policyNamespace) && Matches(selector, peer);
    }

    /// <summary>The keys a selector constrains, without their source.</summary>
    public static IReadOnlyList<string> Keys(JsonObject selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var keys = (selector["matchLabels"] as JsonObject ?? []).Select(kv => StripSource(kv.Key)).ToList();
        keys.AddRange(KubeJson.Array(selector, "matchExpressions").Select(e => StripSource(KubeJson.Str(e, "key"))));
        return keys;
    }

    /// <summary><c>org=empire</c>, <c>class in (a,b)</c>; <c>{}</c> (every endpoint) as "any endpoint".</summary>
    public static string Text(JsonObject selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var parts = (selector["matchLabels"] as JsonObject ?? []).Select(kv => $"{StripSource(kv.Key)}={(string?)kv.Value}").ToList();
        parts.AddRange(KubeJson.Array(selector, "matchExpressions").Select(e =>
            $"{StripSource(KubeJson.Str(e, "key"))} {KubeJson.Str(e, "operator")} ({string.Join(",", KubeJson.Array(e, "values").Select(v => (string?)v))})"));
        return parts.Count == 0 ? "any endpoint" : string.Join(",", parts);
    }

    /// <summary><c>k8s:org=empire</c> → <c>org=empire</c>; <c>any:class</c> → <c>class</c>; <c>app.kubernetes.io/name</c> unchanged.</summary>
    public static string StripSource(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var colon = label.IndexOf(':', StringComparison.Ordinal);
        var equals = label.IndexOf('=', StringComparison.Ordinal);
        return colon >= 0 && (equals < 0 || colon < equals) ? label[(colon + 1)..] : label;
    }
}

/// <summary>Cilium's entities (<c>fromEntities</c>/<c>toEntities</c>) by reserved identity.</summary>
public static class Entities
{
    public static bool Matches(string entity, PeerLabels peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var id = peer.Identity;
        return entity switch
        {
            "all" => true,
            "world" => id == NumericIdentity.World.Value || id == NumericIdentity.WorldIPv4.Value || id == NumericIdentity.WorldIPv6.Value,
            "host" => id == NumericIdentity.Host.Value,
            "remote-node" => id == NumericIdentity.RemoteNode.Value,
            "kube-apiserver" => id == NumericIdentity.KubeApiServer.Value,
            "health" => id == NumericIdentity.Health.Value,
            "init" => id == NumericIdentity.Init.Value,
            "ingress" => id == NumericIdentity.Ingress.Value,
            "cluster" => !(id == NumericIdentity.World.Value || id == NumericIdentity.WorldIPv4.Value || id == NumericIdentity.WorldIPv6.Value),
            _ => false,
        };
    }

    /// <summary>The entity a fix should name for a reserved peer (<c>world</c>, <c>host</c>), or null for a pod.</summary>
    public static string? For(uint identity) => new NumericIdentity(identity) switch
    {
        var n when n == NumericIdentity.WorldIPv4 || n == NumericIdentity.WorldIPv6 || n == NumericIdentity.World => "world",
        var n when n.IsReserved && n.Value != 0 => n.ReservedName,
        _ => null,
    };
}
