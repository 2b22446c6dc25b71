using System.Net;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Ingress;
using LabSite.Clusters.Netns.Proxy.Flows;
using LabSite.Clusters.Netns.Proxy.Http;
using LabSite.Clusters.Netns.Proxy.Routing;
using LabSite.Clusters.Netns.Store;
using static LabSite.Testing.StoreFixture;

namespace LabSite.Clusters.Netns.Tests.Ingress;

/// <summary>
/// Cilium's ingress and Gateway API controllers without the kernel: the LoadBalancer Services they create, the status
/// they write (Ingress addresses, Gateway/HTTPRoute conditions), and the routing table the listeners route by.
/// </summary>
public sealed class IngressStoreTests
{
    private const string Pool = """
        apiVersion: cilium.io/v2
        kind: CiliumLoadBalancerIPPool
        metadata: {name: lab}
        spec:
          blocks: [{cidr: 172.31.0.0/28}]
        """;

    private const string Backends = """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api}
        spec: {selector: {app: api}, ports: [{port: 8080}]}
        """;

    private const string GatewayClass = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: cilium}
        spec: {controllerName: io.cilium/gateway-controller}
        """;

    private const string Gateway = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec:
          gatewayClassName: cilium
          listeners: [{name: http, protocol: HTTP, port: 80}]
        """;

    private static string Route(string name, string rules, string ns = "default") => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
          parentRefs: [{name: gw, namespace: default}]
          rules:
        {{rules}}
        """;

    private static void Apply(ObjectStore store, string yaml)
    {
        var r = store.Apply(Yaml(yaml), ApplyMode.Apply);
        Assert.True(r.Succeeded, string.Join("\n", r.Errors));
    }

    private static JsonObject Get(ObjectStore store, string kind, string name, string ns = "default") =>
        store.Get(new ObjectQuery(kind, ns, Name: name)).Single().Json;

    private static JsonNode? Condition(JsonNode? holder, string type) =>
        (holder?["conditions"] as JsonArray ?? []).Single(c => (string?)c?["type"] == type);

    [Fact]
    public void AnIngressOfClassCiliumGetsALoadBalancerServiceAndItsAddressOnceAPoolOffersOne()
    {
        var store = NewStore();
        Apply(store, Backends);
        Apply(store, """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: shop}
            spec:
              ingressClassName: cilium
              rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: other}
            spec:
              ingressClassName: nginx
              defaultBackend: {service: {name: web, port: {number: 80}}}
            """);
        var service = Get(store, "services", "cilium-ingress-shop");
        Assert.Equal("LoadBalancer", (string?)service["spec"]?["type"]);
        Assert.Equal("true", (string?)service["metadata"]?["labels"]?["cilium.io/ingress"]);
        Assert.Equal("Ingress", (string?)service["metadata"]?["ownerReferences"]?[0]?["kind"]);
        Assert.Empty(store.Get(new ObjectQuery("services", "default", Name: "cilium-ingress-other"))); // not Cilium's class
        // No pool: pending, as in Cilium without LB-IPAM.
        Assert.Null(Get(store, "ingresses", "shop")["status"]?["loadBalancer"]?["ingress"]);

        Apply(store, Pool);
        Assert.Equal("172.31.0.1", (string?)Get(store, "ingresses", "shop")["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]);

        Assert.True(store.Delete("ingresses", "default", "shop").Succeeded);
        Assert.Empty(store.Get(new ObjectQuery("services", "default", Name: "cilium-ingress-shop")));
    }

    [Fact]
    public void SharedModeIngressesShareOneServiceInKubeSystem()
    {
        var store = NewStore();
        Apply(store, Pool);
        Apply(store, Backends);
        foreach (var name in new[] { "a", "b" })
        {
            Apply(store, $$$$$"""
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: {{{{{name}}}}}, annotations: {ingress.cilium.io/loadbalancer-mode: shared}}
                spec:
                  ingressClassName: cilium
                  rules:
                  - host: {{{{{name}}}}}.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
                """);
        }
        var shared = (string?)Get(store, "services", "cilium-ingress", "kube-system")["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"];
        Assert.NotNull(shared);
        Assert.Equal(shared, (string?)Get(store, "ingresses", "a")["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]);
        Assert.Equal(shared, (string?)Get(store, "ingresses", "b")["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]);
        var table = IngressRouteTable.Build(ObjectView.Snapshot(store));
        Assert.Equal(2, table.Listeners[(IPAddress.Parse(shared), 80)].Routes.Count);
    }

    [Fact]
    public void AGatewayIsProgrammedOnlyWithAnAddressAndRoutesReportResolvedRefs()
    {
        var store = NewStore();
        Apply(store, Backends);
        Apply(store, GatewayClass);
        Apply(store, Gateway);
        Assert.Equal("True", (string?)Condition(Get(store, "gatewayclasses", "cilium", "")["status"], "Accepted")?["status"]);
        var gateway = Get(store, "gateways", "gw");
        Assert.Equal("True", (string?)Condition(gateway["status"], "Accepted")?["status"]);
        var programmed = Condition(gateway["status"], "Programmed");
        Assert.Equal(("False", "AddressNotAssigned"), ((string?)programmed?["status"], (string?)programmed?["reason"]));
        Assert.Equal("LoadBalancer", (string?)Get(store, "services", "cilium-gateway-gw")["spec"]?["type"]);

        Apply(store, Pool);
        gateway = Get(store, "gateways", "gw");
        Assert.Equal("True", (string?)Condition(gateway["status"], "Programmed")?["status"]);
        Assert.Equal("172.31.0.1", (string?)gateway["status"]?["addresses"]?[0]?["value"]);

        Apply(store, Route("good", "  - backendRefs: [{name: web, port: 80}]"));
        Apply(store, Route("missing", "  - backendRefs: [{name: nowhere, port: 80}]"));
        var good = Get(store, "httproutes", "good")["status"]?["parents"]?[0];
        Assert.Equal("io.cilium/gateway-controller", (string?)good?["controllerName"]);
        Assert.Equal("True", (string?)Condition(good, "Accepted")?["status"]);
        Assert.Equal("True", (string?)Condition(good, "ResolvedRefs")?["status"]);
        var missing = Condition(Get(store, "httproutes", "missing")["status"]?["parents"]?[0], "ResolvedRefs");
        Assert.Equal(("False", "BackendNotFound"), ((string?)missing?["status"], (string?)missing?["reason"]));
        Assert.Equal(2, (int?)Get(store, "gateways", "gw")["status"]?["listeners"]?[0]?["attachedRoutes"]);
    }

    [Fact]
    public void ACrossNamespaceBackendNeedsAReferenceGrantAndAForeignRouteNeedsAllowedRoutes()
    {
        var store = NewStore();
        Apply(store, "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        Apply(store, Backends);
        Apply(store, GatewayClass);
        Apply(store, Gateway);
        Apply(store, Route("cross", "  - backendRefs: [{name: api, namespace: shop, port: 8080}]"));
        Apply(store, "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec: {selector: {app: api}, ports: [{port: 8080}]}\n");
        var resolved = Condition(Get(store, "httproutes", "cross")["status"]?["parents"]?[0], "ResolvedRefs");
        Assert.Equal(("False", "RefNotPermitted"), ((string?)resolved?["status"], (string?)resolved?["reason"]));

        Apply(store, """
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: {name: from-default, namespace: shop}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: default}]
              to: [{group: "", kind: Service}]
            """);
        Assert.Equal("True", (string?)Condition(Get(store, "httproutes", "cross")["status"]?["parents"]?[0], "ResolvedRefs")?["status"]);

        // A route in another namespace is not allowed by a listener that keeps the default (Same).
        Apply(store, Route("foreign", "  - backendRefs: [{name: api, port: 8080}]", ns: "shop"));
        var accepted = Condition(Get(store, "httproutes", "foreign", "shop")["status"]?["parents"]?[0], "Accepted");
        Assert.Equal(("False", "NotAllowedByListeners"), ((string?)accepted?["status"], (string?)accepted?["reason"]));
    }

    [Fact]
    public void RoutesFollowGatewayApiPrecedenceAndTheOldestOfTwoConflictingRoutesWins()
    {
        var time = new SteppedTime();
        var store = NewStore(time: time);
        Apply(store, Pool);
        Apply(store, Backends);
        Apply(store, GatewayClass);
        Apply(store, Gateway);
        // "z-old" is created first, "a-new" a minute later with the very same match: the older one wins despite its name.
        Apply(store, Route("z-old", "  - matches: [{path: {type: PathPrefix, value: /same}}]\n    backendRefs: [{name: web, port: 80}]"));
        time.Advance(TimeSpan.FromMinutes(1));
        Apply(store, Route("a-new", "  - matches: [{path: {type: PathPrefix, value: /same}}]\n    backendRefs: [{name: api, port: 8080}]"));
        Apply(store, Route("precedence", """
              - matches: [{path: {type: PathPrefix, value: /}}]
                backendRefs: [{name: web, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /api}}]
                backendRefs: [{name: api, port: 8080}]
              - matches: [{path: {type: Exact, value: /api/exact}}]
                backendRefs: [{name: web, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /api}, headers: [{name: x-canary, value: "yes"}]}]
                backendRefs: [{name: web, port: 80}]
            """));
        var router = Router(store);

        Assert.Equal("httproute default/z-old → default/web:80", Reason(router, "/same/x"));
        Assert.Equal("httproute default/precedence → default/api:8080", Reason(router, "/api/items"));
        Assert.Equal("httproute default/precedence → default/web:80", Reason(router, "/apis")); // element-wise: /api does not cover /apis
        Assert.Equal("httproute default/precedence → default/web:80", Reason(router, "/api/exact"));
        Assert.Equal("httproute default/precedence → default/web:80", Reason(router, "/api/items", ("x-canary", "yes")));
        Assert.Equal("httproute default/precedence → default/api:8080", Reason(router, "/api/items", ("x-canary", "no")));
    }

    [Fact]
    public void WeightsSplitRequestsAndUnmatchedOrUnresolvedRequestsGetEnvoysLocalAnswers()
    {
        var store = NewStore();
        Apply(store, Pool);
        Apply(store, Backends);
        Apply(store, GatewayClass);
        Apply(store, Gateway);
        Apply(store, Route("canary", """
              - matches: [{path: {type: PathPrefix, value: /shop}}]
                backendRefs: [{name: web, port: 80, weight: 90}, {name: api, port: 8080, weight: 10}]
              - matches: [{path: {type: PathPrefix, value: /broken}}]
                backendRefs: [{name: nowhere, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /off}}]
                backendRefs: [{name: web, port: 80, weight: 0}]
            """));
        var router = Router(store, seed: 42);
        const int n = 2000;
        var web = Enumerable.Range(0, n).Count(_ => Reason(router, "/shop") == "httproute default/canary → default/web:80");
        // Binomial(2000, 0.9): mean 1800, standard deviation 13.4; ±80 is six deviations (and the seed is fixed).
        Assert.InRange(web, 1720, 1880);

        var notFound = Route(router, "/elsewhere");
        Assert.Equal((404, ""), (notFound.LocalStatus, notFound.LocalBody));
        Assert.Equal(500, Route(router, "/broken").LocalStatus);
        Assert.Equal(500, Route(router, "/off").LocalStatus);
    }

    [Fact]
    public void HostnamesMatchCaseInsensitivelyWithoutPortsAndWildcardsFollowEachApi()
    {
        var store = NewStore();
        Apply(store, Pool);
        Apply(store, Backends);
        Apply(store, GatewayClass);
        Apply(store, Gateway);
        Apply(store, """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: hosts}
            spec:
              parentRefs: [{name: gw}]
              hostnames: ["*.example.com", "shop.example.com"]
              rules: [{backendRefs: [{name: web, port: 80}]}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: exact-api}
            spec:
              parentRefs: [{name: gw}]
              hostnames: [api.example.com]
              rules: [{backendRefs: [{name: api, port: 8080}]}]
            """);
        var router = Router(store);

        Assert.Equal("httproute default/hosts → default/web:80", RouteTo(router, "SHOP.Example.com:8080", "/x?q=/api").Reason);
        Assert.Equal("httproute default/exact-api → default/api:8080", RouteTo(router, "api.example.com", "/").Reason); // exact host beats the wildcard
        Assert.Equal("httproute default/hosts → default/web:80", RouteTo(router, "a.b.example.com", "/").Reason); // a Gateway wildcard spans labels
        Assert.Equal(404, RouteTo(router, "example.com", "/").LocalStatus); // the wildcard needs a label in front
        Assert.Equal(404, RouteTo(router, "[::1]:80", "/").LocalStatus);
        Assert.Equal(404, RouteTo(router, "", "/").LocalStatus);

        // An Ingress wildcard covers exactly one label.
        var entry = new RouteEntry(["*.example.com"], WildcardSpansLabels: false, false, "/", null, [], [], "", "ingress default/x", 0, 0);
        Assert.NotNull(entry.HostScore("a.example.com"));
        Assert.Null(entry.HostScore("a.b.example.com"));
    }

    private static L7Route RouteTo(IngressRouter router, string host, string target)
    {
        var request = new HttpRequestHead { Method = "GET", Target = target, Version = HttpWireVersion.Http11, Headers = new HttpHeaderList { { "Host", host } } };
        var client = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 40000);
        var frontend = new IPEndPoint(IPAddress.Parse("172.31.0.1"), 80);
        return router.Route(new L7Exchange(client, NumericIdentity.World, frontend, NumericIdentity.World, Contract.Flows.TrafficDirection.INGRESS, 80), request);
    }

    private static IngressRouter Router(ObjectStore store, int seed = 1)
    {
        var table = IngressRouteTable.Build(ObjectView.Snapshot(store));
        // Endpoints need running pods; give every backend one address so routing reaches the endpoint choice.
        var listeners = table.Listeners.ToDictionary(kv => kv.Key, kv => kv.Value with
        {
            Endpoints = kv.Value.Routes.SelectMany(r => r.Backends).Where(b => b.Problem is null).DistinctBy(b => (b.Namespace, b.Name, b.Port))
                .ToDictionary(b => (b.Namespace, b.Name, b.Port), b => (IReadOnlyList<IPEndPoint>)[new IPEndPoint(IPAddress.Parse("10.0.0.9"), b.Port)]),
        });
        return new IngressRouter(() => IngressRouteTable.ForTests(listeners), _ => NumericIdentity.World, new Random(seed));
    }

    private static L7Route Route(IngressRouter router, string path, params (string Name, string Value)[] headers)
    {
        var list = new HttpHeaderList { { "Host", "shop.example.com" } };
        foreach (var (name, value) in headers)
        {
            list.Add(name, value);
        }
        var request = new HttpRequestHead { Method = "GET", Target = path, Version = HttpWireVersion.Http11, Headers = list };
        var client = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 40000);
        var frontend = new IPEndPoint(IPAddress.Parse("172.31.0.1"), 80);
        return router.Route(new L7Exchange(client, NumericIdentity.World, frontend, NumericIdentity.World, Contract.Flows.TrafficDirection.INGRESS, 80), request);
    }

    private static string Reason(IngressRouter router, string path, params (string Name, string Value)[] headers) => Route(router, path, headers).Reason;

    private sealed class SteppedTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
