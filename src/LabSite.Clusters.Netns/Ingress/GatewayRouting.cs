using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store;
using LabSite.Clusters.Netns.Store.Kinds;
using LabSite.Clusters.Netns.Store.Selectors;

namespace LabSite.Clusters.Netns.Ingress;

/// <summary>The objects routing reads: a store transaction (status) or a snapshot of the store (the datapath).</summary>
internal sealed class ObjectView(Func<ObjectKey, JsonObject?> get, Func<ResourceKind, IEnumerable<KeyValuePair<ObjectKey, JsonObject>>> ofKind)
{
    public static ObjectView Of(StoreTransaction tx) => new(tx.Get, k => tx.OfKind(k));

    /// <summary>A snapshot of the kinds routing needs, read from the store now.</summary>
    public static ObjectView Snapshot(ObjectStore store)
    {
        var all = new Dictionary<ObjectKey, JsonObject>();
        foreach (var kind in (IEnumerable<ResourceKind>)[.. ResourceKinds.IngressRouting, ResourceKinds.Service, ResourceKinds.Endpoints, ResourceKinds.Namespace])
        {
            foreach (var o in store.Get(new ObjectQuery(kind.Plural, Namespace: "*")))
            {
                all[new ObjectKey(kind.Kind, kind.Namespaced ? o.Namespace ?? "" : "", o.Name)] = o.Json;
            }
        }
        return new(all.GetValueOrDefault, k => all.Where(kv => kv.Key.Kind == k.Kind));
    }

    public JsonObject? Get(ObjectKey key) => get(key);

    public IEnumerable<KeyValuePair<ObjectKey, JsonObject>> OfKind(ResourceKind kind) => ofKind(kind);
}

/// <summary>One <c>parentRefs</c> entry of an HTTPRoute, defaults filled in (kind Gateway, the route's namespace).</summary>
internal sealed record ParentRef(JsonObject Json, string Group, string Kind, string Namespace, string Name, string? SectionName, int? Port)
{
    public bool IsGateway => Group == "gateway.networking.k8s.io" && Kind == "Gateway";

    /// <summary>Whether the ref selects <paramref name="listener"/> (sectionName and port, when given, must match) and it serves HTTP.</summary>
    public bool Accepts(JsonObject listener) =>
        (string?)listener["protocol"] == "HTTP"
        && (SectionName is null || SectionName == (string?)listener["name"])
        && (Port is null || Port == listener["port"].AsInt());
}

/// <summary>One resolved <c>backendRefs</c> entry; <see cref="Problem"/> set when requests for it must fail (500).</summary>
internal sealed record BackendTarget(string Namespace, string Name, int Port, long Weight, RefProblem? Problem);

/// <summary>Why a backendRef does not resolve, as the ResolvedRefs condition's reason and message say it.</summary>
internal sealed record RefProblem(string Reason, string Message);

/// <summary>
/// Gateway API rules shared by the status writer and the router: parentRefs with defaults, listeners'
/// <c>allowedRoutes</c>, and backendRefs resolution (kind Service only; another namespace needs a ReferenceGrant
/// there, else RefNotPermitted; a missing Service is BackendNotFound).
/// </summary>
internal static class GatewayRouting
{
    public static IEnumerable<ParentRef> ParentRefs(ObjectKey route, JsonObject obj) =>
        (obj["spec"]?["parentRefs"] as JsonArray ?? []).OfType<JsonObject>().Select(p => new ParentRef(
            p,
            (string?)p["group"] ?? "gateway.networking.k8s.io",
            (string?)p["kind"] ?? "Gateway",
            (string?)p["namespace"] ?? route.Namespace,
            (string?)p["name"] ?? "",
            (string?)p["sectionName"],
            p["port"].AsInt()));

    public static bool AllowsRoute(StoreTransaction tx, string gatewayNamespace, JsonObject listener, string routeNamespace) =>
        AllowsRoute(ObjectView.Of(tx), gatewayNamespace, listener, routeNamespace);

    /// <summary>A listener's <c>allowedRoutes.namespaces.from</c>: Same (the default), All, or Selector on namespace labels.</summary>
    public static bool AllowsRoute(ObjectView view, string gatewayNamespace, JsonObject listener, string routeNamespace)
    {
        var namespaces = listener["allowedRoutes"]?["namespaces"];
        return ((string?)namespaces?["from"] ?? "Same") switch
        {
            "All" => true,
            "Selector" => namespaces?["selector"] is JsonObject selector
                && view.Get(new ObjectKey(ResourceKinds.Namespace.Kind, "", routeNamespace)) is { } ns
                && LabelSelector.FromJson(selector).Matches(LabelSelector.LabelsOf(ns)),
            _ => routeNamespace == gatewayNamespace,
        };
    }

    public static (IReadOnlyList<IReadOnlyList<BackendTarget>> Rules, RefProblem? Problem) ResolveBackends(StoreTransaction tx, ObjectKey route, JsonObject obj) =>
        ResolveBackends(ObjectView.Of(tx), route, obj);

    /// <summary>Each rule's backends, resolved; the first problem is what the ResolvedRefs condition reports.</summary>
    public static (IReadOnlyList<IReadOnlyList<BackendTarget>> Rules, RefProblem? Problem) ResolveBackends(ObjectView view, ObjectKey route, JsonObject obj)
    {
        RefProblem? first = null;
        var rules = new List<IReadOnlyList<BackendTarget>>();
        foreach (var rule in (obj["spec"]?["rules"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var targets = new List<BackendTarget>();
            foreach (var b in (rule["backendRefs"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var ns = (string?)b["namespace"] ?? route.Namespace;
                var name = (string?)b["name"] ?? "";
                var group = (string?)b["group"] ?? "";
                var kind = (string?)b["kind"] ?? "Service";
                RefProblem? problem = null;
                if (group != "" || kind != "Service")
                {
                    problem = new RefProblem("InvalidKind", $"Unsupported backendRef kind {(group.Length > 0 ? group + "/" : "")}{kind}: only core Services are supported");
                }
                else if (ns != route.Namespace && !ReferenceGranted(view, route.Namespace, ns, name))
                {
                    problem = new RefProblem("RefNotPermitted", $"Cross namespace references to Service {ns}/{name} are not allowed: no ReferenceGrant in {ns} permits HTTPRoutes from {route.Namespace}");
                }
                else if (view.Get(new ObjectKey(ResourceKinds.Service.Kind, ns, name)) is null)
                {
                    problem = new RefProblem("BackendNotFound", $"Service \"{ns}/{name}\" not found");
                }
                first ??= problem;
                targets.Add(new BackendTarget(ns, name, b["port"].AsInt() ?? 0, (long?)b["weight"].AsLong() ?? 1, problem));
            }
            rules.Add(targets);
        }
        return (rules, first);
    }

    /// <summary>A ReferenceGrant in <paramref name="toNamespace"/> lets HTTPRoutes from <paramref name="fromNamespace"/> reach Service <paramref name="name"/>.</summary>
    private static bool ReferenceGranted(ObjectView view, string fromNamespace, string toNamespace, string name) =>
        view.OfKind(ResourceKinds.ReferenceGrant).Where(kv => kv.Key.Namespace == toNamespace).Any(kv =>
            (kv.Value["spec"]?["from"] as JsonArray ?? []).Any(f => (string?)f?["group"] == "gateway.networking.k8s.io" && (string?)f?["kind"] == "HTTPRoute" && (string?)f?["namespace"] == fromNamespace)
            && (kv.Value["spec"]?["to"] as JsonArray ?? []).Any(t => ((string?)t?["group"] ?? "") == "" && (string?)t?["kind"] == "Service" && ((string?)t?["name"] is null || (string?)t?["name"] == name)));
}
