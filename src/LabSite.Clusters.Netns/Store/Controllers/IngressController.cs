using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Ingress;
using LabSite.Clusters.Netns.Store.Kinds;

namespace LabSite.Clusters.Netns.Store.Controllers;

/// <summary>
/// Cilium's ingress and Gateway API controllers, the store's part: every Ingress of class <c>cilium</c> gets a
/// LoadBalancer Service <c>cilium-ingress-NAME</c> (or, in shared mode, the one <c>kube-system/cilium-ingress</c>), and
/// every Gateway whose GatewayClass names <c>io.cilium/gateway-controller</c> gets <c>cilium-gateway-NAME</c>. LB-IPAM
/// (<see cref="LbIpamController"/>) gives those Services their address, as in Cilium; without a matching pool they stay
/// pending and so do the Ingress's address and the Gateway's Programmed condition. <see cref="Reconcile"/> runs before
/// LB-IPAM, <see cref="WriteStatus"/> after it. The datapath part (listeners and routing) is <c>Ingress/IngressAgent</c>.
/// </summary>
internal static class IngressController
{
    public static void Reconcile(StoreTransaction tx, ServiceIpAllocator ips, Random random)
    {
        var wanted = new Dictionary<ObjectKey, (JsonObject Labels, JsonArray? Owner, int[] Ports)>();
        var shared = false;
        foreach (var (key, ingress) in tx.OfKind(ResourceKinds.Ingress).Where(kv => CiliumIngressNames.IsCiliumIngress(kv.Value)))
        {
            if (CiliumIngressNames.IsShared(ingress))
            {
                shared = true;
                continue;
            }
            wanted[new ObjectKey(ResourceKinds.Service.Kind, key.Namespace, CiliumIngressNames.IngressServiceName(key.Name))] =
                (new JsonObject { [CiliumIngressNames.IngressServiceLabel] = "true" }, Owner("networking.k8s.io/v1", "Ingress", ingress), [80, 443]);
        }
        if (shared)
        {
            wanted[new ObjectKey(ResourceKinds.Service.Kind, CiliumIngressNames.SharedNamespace, CiliumIngressNames.SharedServiceName)] =
                (new JsonObject { [CiliumIngressNames.IngressServiceLabel] = "true" }, null, [80, 443]);
        }
        foreach (var (key, gateway) in tx.OfKind(ResourceKinds.Gateway).Where(kv => IsOurs(tx, kv.Value)))
        {
            var ports = (gateway["spec"]?["listeners"] as JsonArray ?? []).Where(l => (string?)l?["protocol"] == "HTTP")
                .Select(l => l?["port"].AsInt() ?? 0).Where(p => p is > 0 and <= 65535).Distinct().Order().ToArray();
            wanted[new ObjectKey(ResourceKinds.Service.Kind, key.Namespace, CiliumIngressNames.GatewayServiceName(key.Name))] =
                (new JsonObject { [CiliumIngressNames.GatewayServiceLabel] = key.Name, ["gateway.networking.k8s.io/gateway-name"] = key.Name },
                    Owner("gateway.networking.k8s.io/v1", "Gateway", gateway), ports);
        }

        foreach (var (key, _) in tx.OfKind(ResourceKinds.Service).Where(kv => IsControllerService(kv.Value) && !wanted.ContainsKey(kv.Key)).ToList())
        {
            tx.Remove(key);
        }
        var used = tx.OfKind(ResourceKinds.Service).Select(kv => (string?)kv.Value["spec"]?["clusterIP"]).OfType<string>().ToHashSet();
        foreach (var (key, want) in wanted)
        {
            var existing = tx.Get(key);
            if (existing is not null && !IsControllerService(existing))
            {
                continue; // a user's own Service of that name wins; the Ingress stays without an address
            }
            var clusterIp = (string?)existing?["spec"]?["clusterIP"] ?? ips.Allocate(used);
            if (clusterIp is null)
            {
                continue; // the service range is full: the Ingress stays pending
            }
            used.Add(clusterIp);
            var metadata = new JsonObject
            {
                ["creationTimestamp"] = existing?["metadata"]?["creationTimestamp"]?.DeepClone() ?? tx.Now,
                ["labels"] = want.Labels,
                ["name"] = key.Name,
                ["namespace"] = key.Namespace,
                ["resourceVersion"] = "0",
                ["uid"] = existing?["metadata"]?["uid"]?.DeepClone() ?? ObjectFactory.NewUid(random),
            };
            if (want.Owner is not null)
            {
                metadata["ownerReferences"] = want.Owner;
            }
            var service = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = metadata,
                ["spec"] = new JsonObject
                {
                    ["type"] = "LoadBalancer",
                    ["clusterIP"] = clusterIp,
                    ["clusterIPs"] = new JsonArray(clusterIp),
                    ["ports"] = new JsonArray([.. want.Ports.Select(p => (JsonNode)new JsonObject
                    {
                        ["name"] = p switch { 80 => "http", 443 => "https", _ => $"port-{p}" },
                        ["port"] = p,
                        ["protocol"] = "TCP",
                    })]),
                    ["sessionAffinity"] = "None",
                },
                ["status"] = existing?["status"]?.DeepClone() ?? new JsonObject { ["loadBalancer"] = new JsonObject() },
            };
            Reconciler.PutIfChanged(tx, key, service);
        }
    }

    /// <summary>Status after LB-IPAM ran: Ingress addresses, GatewayClass/Gateway conditions and HTTPRoute parent conditions.</summary>
    public static void WriteStatus(StoreTransaction tx)
    {
        foreach (var (key, ingress) in tx.OfKind(ResourceKinds.Ingress).Where(kv => CiliumIngressNames.IsCiliumIngress(kv.Value)).ToList())
        {
            var serviceKey = CiliumIngressNames.IsShared(ingress)
                ? new ObjectKey(ResourceKinds.Service.Kind, CiliumIngressNames.SharedNamespace, CiliumIngressNames.SharedServiceName)
                : new ObjectKey(ResourceKinds.Service.Kind, key.Namespace, CiliumIngressNames.IngressServiceName(key.Name));
            var loadBalancer = tx.Get(serviceKey)?["status"]?["loadBalancer"]?.DeepClone() as JsonObject ?? [];
            SetStatus(tx, key, ingress, new JsonObject { ["loadBalancer"] = loadBalancer });
        }
        foreach (var (key, gatewayClass) in tx.OfKind(ResourceKinds.GatewayClass)
            .Where(kv => (string?)kv.Value["spec"]?["controllerName"] == CiliumIngressNames.GatewayController).ToList())
        {
            var generation = Generation(gatewayClass);
            SetStatus(tx, key, gatewayClass, new JsonObject
            {
                ["conditions"] = new JsonArray(Condition(gatewayClass["status"], "Accepted", true, "Accepted", "Valid GatewayClass", generation, tx.Now)),
            });
        }
        var routes = tx.OfKind(ResourceKinds.HTTPRoute).ToList();
        foreach (var (key, gateway) in tx.OfKind(ResourceKinds.Gateway).Where(kv => IsOurs(tx, kv.Value)).ToList())
        {
            WriteGatewayStatus(tx, key, gateway, routes);
        }
        foreach (var (key, route) in routes)
        {
            WriteRouteStatus(tx, key, route);
        }
    }

    private static void WriteGatewayStatus(StoreTransaction tx, ObjectKey key, JsonObject gateway, List<KeyValuePair<ObjectKey, JsonObject>> routes)
    {
        var generation = Generation(gateway);
        var old = gateway["status"];
        var service = tx.Get(new ObjectKey(ResourceKinds.Service.Kind, key.Namespace, CiliumIngressNames.GatewayServiceName(key.Name)));
        var addresses = new JsonArray([.. (service?["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? [])
            .Select(i => (string?)i?["ip"]).OfType<string>().Select(ip => (JsonNode)new JsonObject { ["type"] = "IPAddress", ["value"] = ip })]);
        var programmed = addresses.Count > 0;
        var listeners = new JsonArray();
        foreach (var listener in (gateway["spec"]?["listeners"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = (string?)listener["name"] ?? "";
            var http = (string?)listener["protocol"] == "HTTP";
            var oldListener = (old?["listeners"] as JsonArray ?? []).FirstOrDefault(l => (string?)l?["name"] == name);
            var attached = routes.Count(r => GatewayRouting.ParentRefs(r.Key, r.Value)
                .Any(p => p.Namespace == key.Namespace && p.Name == key.Name && p.Accepts(listener) && GatewayRouting.AllowsRoute(tx, key.Namespace, listener, r.Key.Namespace)));
            listeners.Add(new JsonObject
            {
                ["name"] = name,
                ["supportedKinds"] = http ? new JsonArray(new JsonObject { ["group"] = "gateway.networking.k8s.io", ["kind"] = "HTTPRoute" }) : new JsonArray(),
                ["attachedRoutes"] = http ? attached : 0,
                ["conditions"] = http
                    ? new JsonArray(
                        Condition(oldListener, "Accepted", true, "Accepted", "Listener Accepted", generation, tx.Now),
                        Condition(oldListener, "Programmed", programmed, programmed ? "Programmed" : "Pending", programmed ? "Listener Programmed" : "Waiting for an address", generation, tx.Now),
                        Condition(oldListener, "ResolvedRefs", true, "ResolvedRefs", "Resolved Refs", generation, tx.Now))
                    : new JsonArray(
                        Condition(oldListener, "Accepted", false, "UnsupportedProtocol", $"{(string?)listener["protocol"]} listeners are not served by this lab's gateway; use HTTP", generation, tx.Now),
                        Condition(oldListener, "Programmed", false, "Invalid", "Listener not accepted", generation, tx.Now)),
            });
        }
        SetStatus(tx, key, gateway, new JsonObject
        {
            ["addresses"] = addresses,
            ["conditions"] = new JsonArray(
                Condition(old, "Accepted", true, "Accepted", "Gateway successfully scheduled", generation, tx.Now),
                Condition(old, "Programmed", programmed, programmed ? "Programmed" : "AddressNotAssigned",
                    programmed ? "Gateway successfully reconciled" : "No addresses have been assigned to the Gateway (no CiliumLoadBalancerIPPool offers one)", generation, tx.Now)),
            ["listeners"] = listeners,
        });
    }

    private static void WriteRouteStatus(StoreTransaction tx, ObjectKey key, JsonObject route)
    {
        var generation = Generation(route);
        var old = route["status"]?["parents"] as JsonArray ?? [];
        var parents = new JsonArray();
        var resolved = GatewayRouting.ResolveBackends(tx, key, route);
        foreach (var parent in GatewayRouting.ParentRefs(key, route))
        {
            var gatewayKey = new ObjectKey(ResourceKinds.Gateway.Kind, parent.Namespace, parent.Name);
            var gateway = parent.IsGateway ? tx.Get(gatewayKey) : null;
            if (gateway is not null && !IsOurs(tx, gateway))
            {
                continue; // another controller's Gateway: its status is not ours to write
            }
            var oldParent = old.FirstOrDefault(p => JsonNode.DeepEquals(p?["parentRef"], parent.Json));
            var (accepted, reason, message) = gateway is null
                ? (false, "NoMatchingParent", parent.IsGateway ? $"Gateway {parent.Namespace}/{parent.Name} not found" : $"parentRef kind {parent.Kind} is not supported")
                : !(gateway["spec"]?["listeners"] as JsonArray ?? []).OfType<JsonObject>().Any(parent.Accepts)
                    ? (false, "NoMatchingParent", "No listener matches the parentRef's sectionName or port")
                    : !(gateway["spec"]?["listeners"] as JsonArray ?? []).OfType<JsonObject>().Any(l => parent.Accepts(l) && GatewayRouting.AllowsRoute(tx, parent.Namespace, l, key.Namespace))
                        ? (false, "NotAllowedByListeners", $"No listener allows routes from namespace {key.Namespace} (allowedRoutes)")
                        : (true, "Accepted", "Accepted HTTPRoute");
            parents.Add(new JsonObject
            {
                ["parentRef"] = parent.Json.DeepClone(),
                ["controllerName"] = CiliumIngressNames.GatewayController,
                ["conditions"] = new JsonArray(
                    Condition(oldParent, "Accepted", accepted, reason, message, generation, tx.Now),
                    Condition(oldParent, "ResolvedRefs", resolved.Problem is null, resolved.Problem?.Reason ?? "ResolvedRefs", resolved.Problem?.Message ?? "Service reference is valid", generation, tx.Now)),
            });
        }
        SetStatus(tx, key, route, new JsonObject { ["parents"] = parents });
    }

    /// <summary>Whether the Gateway's class is served by Cilium's controller.</summary>
    public static bool IsOurs(StoreTransaction tx, JsonObject gateway) =>
        (string?)gateway["spec"]?["gatewayClassName"] is { } className
        && (string?)tx.Get(new ObjectKey(ResourceKinds.GatewayClass.Kind, "", className))?["spec"]?["controllerName"] == CiliumIngressNames.GatewayController;

    private static bool IsControllerService(JsonObject svc) =>
        svc["metadata"]?["labels"] is JsonObject labels && (labels.ContainsKey(CiliumIngressNames.IngressServiceLabel) || labels.ContainsKey(CiliumIngressNames.GatewayServiceLabel));

    private static long Generation(JsonObject obj) => obj["metadata"]?["generation"].AsLong() ?? 1;

    /// <summary>A Gateway API condition; its lastTransitionTime moves only when its status does.</summary>
    private static JsonObject Condition(JsonNode? oldHolder, string type, bool status, string reason, string message, long generation, string now)
    {
        var text = status ? "True" : "False";
        var previous = (oldHolder?["conditions"] as JsonArray ?? []).FirstOrDefault(c => (string?)c?["type"] == type);
        var since = previous is not null && (string?)previous["status"] == text ? (string?)previous["lastTransitionTime"] ?? now : now;
        return new JsonObject
        {
            ["type"] = type,
            ["status"] = text,
            ["reason"] = reason,
            ["message"] = message,
            ["observedGeneration"] = generation,
            ["lastTransitionTime"] = since,
        };
    }

    private static void SetStatus(StoreTransaction tx, ObjectKey key, JsonObject obj, JsonObject status)
    {
        if (JsonNode.DeepEquals(obj["status"], status))
        {
            return;
        }
        var updated = (JsonObject)obj.DeepClone();
        updated["status"] = status;
        tx.Put(key, updated);
    }

    private static JsonArray Owner(string apiVersion, string kind, JsonObject owner) => new(new JsonObject
    {
        ["apiVersion"] = apiVersion,
        ["blockOwnerDeletion"] = true,
        ["controller"] = true,
        ["kind"] = kind,
        ["name"] = (string?)owner["metadata"]?["name"],
        ["uid"] = (string?)owner["metadata"]?["uid"],
    });
}
