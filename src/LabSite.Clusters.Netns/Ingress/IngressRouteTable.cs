using System.Net;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store.Kinds;

namespace LabSite.Clusters.Netns.Ingress;

/// <summary>One listener's routes, in precedence order, and the ready endpoints of the Services they name.</summary>
internal sealed record ListenerRoutes(IReadOnlyList<RouteEntry> Routes, IReadOnlyDictionary<(string Namespace, string Service, int Port), IReadOnlyList<IPEndPoint>> Endpoints);

/// <summary>
/// The routing table of a lab's ingress listeners, built from the store: per LoadBalancer frontend (address, port) of a
/// Cilium Ingress or Gateway Service, the entries of the Ingresses (dedicated: its own; shared: all shared ones) or
/// of the HTTPRoutes accepted by that Gateway's listeners on that port. Immutable; rebuilt on every relevant change.
/// </summary>
internal sealed class IngressRouteTable
{
    /// <summary>The most entries one listener holds (a lab's cap; beyond it the newest routes are left out and logged).</summary>
    public const int MaxEntriesPerListener = 4096;

    public static IngressRouteTable Empty { get; } = new(new Dictionary<(IPAddress, int), ListenerRoutes>(), []);

    private IngressRouteTable(IReadOnlyDictionary<(IPAddress Ip, int Port), ListenerRoutes> listeners, IReadOnlyList<string> warnings) =>
        (Listeners, Warnings) = (listeners, warnings);

    public IReadOnlyDictionary<(IPAddress Ip, int Port), ListenerRoutes> Listeners { get; }

    /// <summary>A table of given listeners (tests that supply endpoints without running pods).</summary>
    internal static IngressRouteTable ForTests(IReadOnlyDictionary<(IPAddress Ip, int Port), ListenerRoutes> listeners) => new(listeners, []);

    /// <summary>What the build left out (entries over the cap).</summary>
    public IReadOnlyList<string> Warnings { get; }

    public static IngressRouteTable Build(ObjectView view)
    {
        var result = new Dictionary<(IPAddress, int), ListenerRoutes>();
        var warnings = new List<string>();
        var shared = new List<RouteEntry>();
        foreach (var (key, ingress) in view.OfKind(ResourceKinds.Ingress).Where(kv => CiliumIngressNames.IsCiliumIngress(kv.Value)))
        {
            var entries = IngressEntries(view, key, ingress);
            if (CiliumIngressNames.IsShared(ingress))
            {
                shared.AddRange(entries);
                continue;
            }
            Add(result, view, new ObjectKey(ResourceKinds.Service.Kind, key.Namespace, CiliumIngressNames.IngressServiceName(key.Name)), 80, entries, warnings);
        }
        Add(result, view, new ObjectKey(ResourceKinds.Service.Kind, CiliumIngressNames.SharedNamespace, CiliumIngressNames.SharedServiceName), 80, shared, warnings);

        var routes = view.OfKind(ResourceKinds.HTTPRoute).ToList();
        foreach (var (key, gateway) in view.OfKind(ResourceKinds.Gateway).Where(kv => IsOurs(view, kv.Value)))
        {
            var listeners = (gateway["spec"]?["listeners"] as JsonArray ?? []).OfType<JsonObject>().Where(l => (string?)l["protocol"] == "HTTP").ToList();
            foreach (var port in listeners.Select(l => l["port"].AsInt() ?? 0).Distinct())
            {
                var entries = new List<RouteEntry>();
                foreach (var listener in listeners.Where(l => l["port"].AsInt() == port))
                {
                    foreach (var (routeKey, route) in routes)
                    {
                        var attached = GatewayRouting.ParentRefs(routeKey, route).Any(p => p.IsGateway && p.Namespace == key.Namespace && p.Name == key.Name
                            && p.Accepts(listener) && GatewayRouting.AllowsRoute(view, key.Namespace, listener, routeKey.Namespace));
                        if (attached)
                        {
                            entries.AddRange(RouteEntries(view, routeKey, route, (string?)listener["hostname"]));
                        }
                    }
                }
                Add(result, view, new ObjectKey(ResourceKinds.Service.Kind, key.Namespace, CiliumIngressNames.GatewayServiceName(key.Name)), port, entries, warnings);
            }
        }
        return new IngressRouteTable(result, warnings);
    }

    private static bool IsOurs(ObjectView view, JsonObject gateway) =>
        (string?)gateway["spec"]?["gatewayClassName"] is { } className
        && (string?)view.Get(new ObjectKey(ResourceKinds.GatewayClass.Kind, "", className))?["spec"]?["controllerName"] == CiliumIngressNames.GatewayController;

    private static void Add(Dictionary<(IPAddress, int), ListenerRoutes> into, ObjectView view, ObjectKey serviceKey, int port, List<RouteEntry> entries, List<string> warnings)
    {
        if (view.Get(serviceKey) is not { } service || LoadBalancerAddress(service) is not { } ip || port is <= 0 or > 65535)
        {
            return; // no Service or no address yet: nothing listens
        }
        entries.Sort(RouteEntry.Compare);
        if (entries.Count > MaxEntriesPerListener)
        {
            warnings.Add($"{serviceKey.Namespace}/{serviceKey.Name}:{port}: {entries.Count} route matches, only the first {MaxEntriesPerListener} by precedence are served");
            entries = entries[..MaxEntriesPerListener];
        }
        var endpoints = new Dictionary<(string, string, int), IReadOnlyList<IPEndPoint>>();
        foreach (var b in entries.SelectMany(e => e.Backends).Where(b => b.Problem is null))
        {
            endpoints.TryAdd((b.Namespace, b.Name, b.Port), ReadyEndpoints(view, b.Namespace, b.Name, b.Port));
        }
        into[(ip, port)] = new ListenerRoutes(entries, endpoints);
    }

    private static IPAddress? LoadBalancerAddress(JsonObject service) =>
        IPAddress.TryParse((string?)service["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"], out var ip) ? ip : null;

    private static List<RouteEntry> IngressEntries(ObjectView view, ObjectKey key, JsonObject ingress)
    {
        var created = (string?)ingress["metadata"]?["creationTimestamp"] ?? "";
        var origin = $"ingress {key.Namespace}/{key.Name}";
        var entries = new List<RouteEntry>();
        var rules = (ingress["spec"]?["rules"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        for (var i = 0; i < rules.Count; i++)
        {
            IReadOnlyList<string> hosts = (string?)rules[i]["host"] is { Length: > 0 } h ? [h] : [];
            var paths = (rules[i]["http"]?["paths"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            for (var j = 0; j < paths.Count; j++)
            {
                // ImplementationSpecific is served as Prefix (documented in docs/formats.md).
                var exact = (string?)paths[j]["pathType"] == "Exact";
                var backend = IngressBackend(view, key.Namespace, paths[j]["backend"] as JsonObject);
                entries.Add(new RouteEntry(hosts, false, exact, (string?)paths[j]["path"] ?? "/", null, [], [backend], created, origin, i, j));
            }
        }
        if (ingress["spec"]?["defaultBackend"] is JsonObject defaultBackend)
        {
            entries.Add(new RouteEntry([], false, false, "/", null, [], [IngressBackend(view, key.Namespace, defaultBackend)], created, origin, rules.Count, 0, IsDefaultBackend: true));
        }
        return entries;
    }

    /// <summary>An Ingress backend: the Service's port by number or by name; a missing Service fails its requests (503 as Envoy's "no healthy upstream").</summary>
    private static BackendTarget IngressBackend(ObjectView view, string ns, JsonObject? backend)
    {
        var name = (string?)backend?["service"]?["name"] ?? "";
        var service = view.Get(new ObjectKey(ResourceKinds.Service.Kind, ns, name));
        var port = backend?["service"]?["port"]?["number"].AsInt()
            ?? (service?["spec"]?["ports"] as JsonArray ?? []).FirstOrDefault(p => (string?)p?["name"] == (string?)backend?["service"]?["port"]?["name"])?["port"].AsInt()
            ?? 0;
        return new BackendTarget(ns, name, port, 1, null);
    }

    private static List<RouteEntry> RouteEntries(ObjectView view, ObjectKey key, JsonObject route, string? listenerHostname)
    {
        var created = (string?)route["metadata"]?["creationTimestamp"] ?? "";
        var origin = $"httproute {key.Namespace}/{key.Name}";
        IReadOnlyList<string> hostnames = (route["spec"]?["hostnames"] as JsonArray ?? []).Select(h => (string?)h).OfType<string>().ToList();
        if (listenerHostname is { Length: > 0 })
        {
            // The listener's hostname narrows the route's: only the intersection is served.
            hostnames = hostnames.Count == 0 ? [listenerHostname] : [.. hostnames.Where(h => Intersects(h, listenerHostname))];
            if (hostnames.Count == 0)
            {
                return [];
            }
        }
        var (backends, _) = GatewayRouting.ResolveBackends(view, key, route);
        var entries = new List<RouteEntry>();
        var rules = (route["spec"]?["rules"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        for (var i = 0; i < rules.Count; i++)
        {
            var matches = (rules[i]["matches"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            if (matches.Count == 0)
            {
                matches = [new JsonObject()]; // no matches: the default, PathPrefix "/"
            }
            for (var j = 0; j < matches.Count; j++)
            {
                var path = matches[j]["path"];
                var exact = (string?)path?["type"] == "Exact";
                var headers = (matches[j]["headers"] as JsonArray ?? []).OfType<JsonObject>()
                    .Select(h => new KeyValuePair<string, string>((string?)h["name"] ?? "", (string?)h["value"] ?? "")).ToList();
                entries.Add(new RouteEntry(hostnames, true, exact, (string?)path?["value"] ?? "/", (string?)matches[j]["method"], headers, backends[i], created, origin, i, j));
            }
        }
        return entries;
    }

    private static bool Intersects(string a, string b)
    {
        static bool Covers(string wildcard, string host) => wildcard.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(wildcard[1..], StringComparison.OrdinalIgnoreCase);
        return string.Equals(a, b, StringComparison.OrdinalIgnoreCase) || Covers(a, b) || Covers(b, a);
    }

    /// <summary>The ready addresses of a Service's port, through its Endpoints (the port's name picks the target port).</summary>
    private static IReadOnlyList<IPEndPoint> ReadyEndpoints(ObjectView view, string ns, string name, int port)
    {
        var service = view.Get(new ObjectKey(ResourceKinds.Service.Kind, ns, name));
        var servicePort = (service?["spec"]?["ports"] as JsonArray ?? []).FirstOrDefault(p => p?["port"].AsInt() == port);
        if (servicePort is null)
        {
            return [];
        }
        var portName = (string?)servicePort["name"];
        var result = new List<IPEndPoint>();
        foreach (var subset in (view.Get(new ObjectKey(ResourceKinds.Endpoints.Kind, ns, name))?["subsets"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var ports = (subset["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            var target = (ports.Count == 1 && portName is null ? ports[0] : ports.FirstOrDefault(p => (string?)p["name"] == portName))?["port"].AsInt();
            if (target is not { } t)
            {
                continue;
            }
            foreach (var address in (subset["addresses"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (IPAddress.TryParse((string?)address["ip"], out var ip))
                {
                    result.Add(new IPEndPoint(ip, t));
                }
            }
        }
        return result;
    }
}
