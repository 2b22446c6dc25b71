using System.Text.Json.Nodes;

namespace LabSite.Clusters.Contract.Kubernetes.Tables;

/// <summary>
/// The columns <c>kubectl get</c> prints per kind (k8s.io/kubernetes pkg/printers/internalversion, and the
/// CRD printer columns Cilium declares for its policies), normal and <c>-o wide</c>.
/// </summary>
// The one place kubectl get columns are formatted, until the agent serves server-side Tables (the Kubernetes API issue).
public static class ResourceTables
{
    public sealed record Table(string[] Headers, string[] WideHeaders, Func<KubeObject, DateTimeOffset, string[]> Row, Func<KubeObject, DateTimeOffset, string[]> Wide);

    public static Table For(ResourceKind kind) => kind.Kind switch
    {
        "Pod" => new(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"], PodRow, PodWide),
        "Deployment" => new(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"],
            (o, now) => [o.Name, $"{KubeJson.Int(o.Json, "status", "readyReplicas")}/{KubeJson.Int(o.Json, "spec", "replicas")}",
                KubeJson.Int(o.Json, "status", "updatedReplicas").ToString(), KubeJson.Int(o.Json, "status", "availableReplicas").ToString(), Age(o, now)],
            WorkloadWide),
        "ReplicaSet" => new(["NAME", "DESIRED", "CURRENT", "READY", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"],
            (o, now) => [o.Name, KubeJson.Int(o.Json, "spec", "replicas").ToString(), KubeJson.Int(o.Json, "status", "replicas").ToString(),
                KubeJson.Int(o.Json, "status", "readyReplicas").ToString(), Age(o, now)],
            WorkloadWide),
        "DaemonSet" => new(["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"],
            (o, now) => [o.Name, KubeJson.Int(o.Json, "status", "desiredNumberScheduled").ToString(), KubeJson.Int(o.Json, "status", "currentNumberScheduled").ToString(),
                KubeJson.Int(o.Json, "status", "numberReady").ToString(), KubeJson.Int(o.Json, "status", "updatedNumberScheduled").ToString(),
                KubeJson.Int(o.Json, "status", "numberAvailable").ToString(), KubeJson.Labels(KubeJson.At(o.Json, "spec", "template", "spec", "nodeSelector")), Age(o, now)],
            WorkloadWide),
        "Service" => new(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], ["SELECTOR"], ServiceRow,
            (o, _) => [KubeJson.Labels(KubeJson.At(o.Json, "spec", "selector"))]),
        "Endpoints" => new(["NAME", "ENDPOINTS", "AGE"], [], (o, now) => [o.Name, Endpoints(o.Json), Age(o, now)], (_, _) => []),
        "Namespace" => new(["NAME", "STATUS", "AGE"], [], (o, now) => [o.Name, KubeJson.Str(o.Json, "status", "phase"), Age(o, now)], (_, _) => []),
        "Node" => new(["NAME", "STATUS", "ROLES", "AGE", "VERSION"], ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"], NodeRow, NodeWide),
        "ConfigMap" => new(["NAME", "DATA", "AGE"], [], (o, now) => [o.Name, ((KubeJson.At(o.Json, "data") as JsonObject)?.Count ?? 0).ToString(), Age(o, now)], (_, _) => []),
        "Secret" => new(["NAME", "TYPE", "DATA", "AGE"], [], (o, now) => [o.Name, KubeJson.At(o.Json, "type")?.ToString() ?? "Opaque", ((KubeJson.At(o.Json, "data") as JsonObject)?.Count ?? 0).ToString(), Age(o, now)], (_, _) => []),
        "NetworkPolicy" => new(["NAME", "POD-SELECTOR", "AGE"], [],
            (o, now) => [o.Name, Selector(KubeJson.At(o.Json, "spec", "podSelector", "matchLabels")), Age(o, now)], (_, _) => []),
        "Event" => new(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], ["SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME"], EventRow, EventWide),
        "Ingress" => new(["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], [], IngressRow, (_, _) => []),
        "IngressClass" => new(["NAME", "CONTROLLER", "PARAMETERS", "AGE"], [],
            (o, now) => [o.Name, KubeJson.Str(o.Json, "spec", "controller"), KubeJson.At(o.Json, "spec", "parameters") is null ? "<none>" : KubeJson.Str(o.Json, "spec", "parameters", "kind") + "/" + KubeJson.Str(o.Json, "spec", "parameters", "name"), Age(o, now)],
            (_, _) => []),
        // The Gateway API CRDs' printer columns (additionalPrinterColumns of gateway.networking.k8s.io v1).
        "GatewayClass" => new(["NAME", "CONTROLLER", "ACCEPTED", "AGE"], ["DESCRIPTION"],
            (o, now) => [o.Name, KubeJson.Str(o.Json, "spec", "controllerName"), ConditionStatus(o.Json, "Accepted"), Age(o, now)],
            (o, _) => [KubeJson.Str(o.Json, "spec", "description")]),
        "Gateway" => new(["NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE"], [],
            (o, now) => [o.Name, KubeJson.Str(o.Json, "spec", "gatewayClassName"),
                string.Join(' ', KubeJson.Array(o.Json, "status", "addresses").Select(a => KubeJson.Str(a, "value"))), ConditionStatus(o.Json, "Programmed"), Age(o, now)],
            (_, _) => []),
        "HTTPRoute" => new(["NAME", "HOSTNAMES", "AGE"], [],
            (o, now) => [o.Name, KubeJson.At(o.Json, "spec", "hostnames") is JsonArray { Count: > 0 } hosts ? hosts.ToJsonString() : "", Age(o, now)],
            (_, _) => []),
        "ReferenceGrant" => new(["NAME", "AGE"], [], (o, now) => [o.Name, Age(o, now)], (_, _) => []),
        // Cilium's CRDs declare two printer columns: Age and Valid (status.conditions[type=Valid].status).
        _ => new(["NAME", "AGE", "VALID"], [], (o, now) => [o.Name, Age(o, now), PolicyValid(o.Json)], (_, _) => []),
    };

    /// <summary>kubectl's printIngress: class (or &lt;none&gt;), hosts (* when a rule has none), load-balancer addresses, 80 or "80, 443" with TLS.</summary>
    private static string[] IngressRow(KubeObject o, DateTimeOffset now)
    {
        var hosts = KubeJson.Array(o.Json, "spec", "rules").Select(r => KubeJson.Str(r, "host")).Select(h => h.Length > 0 ? h : "*").Distinct().ToList();
        var addresses = KubeJson.Array(o.Json, "status", "loadBalancer", "ingress").Select(i => KubeJson.Str(i, "ip") is { Length: > 0 } ip ? ip : KubeJson.Str(i, "hostname"));
        return
        [
            o.Name, KubeJson.Str(o.Json, "spec", "ingressClassName") is { Length: > 0 } c ? c : "<none>", hosts.Count > 0 ? string.Join(',', hosts) : "*",
            string.Join(',', addresses), KubeJson.Array(o.Json, "spec", "tls").Any() ? "80, 443" : "80", Age(o, now),
        ];
    }

    /// <summary>The status of the condition of <paramref name="type"/> (a JSONPath printer column's value; empty when absent).</summary>
    private static string ConditionStatus(JsonNode? json, string type) =>
        KubeJson.Array(json, "status", "conditions").Where(c => KubeJson.Str(c, "type") == type).Select(c => KubeJson.Str(c, "status")).FirstOrDefault() ?? "";

    public static string Age(KubeObject o, DateTimeOffset now) =>
        KubeJson.Time(o.Json, "metadata", "creationTimestamp") is { } created ? HumanDuration.Format(now - created) : "<unknown>";

    private static string[] PodRow(KubeObject pod, DateTimeOffset now)
    {
        var containers = KubeJson.Array(pod.Json, "spec", "containers").Count();
        var statuses = KubeJson.Array(pod.Json, "status", "containerStatuses").ToList();
        var reason = KubeJson.Str(pod.Json, "status", "reason") is { Length: > 0 } r ? r : KubeJson.Str(pod.Json, "status", "phase");
        var ready = 0;
        var restarts = 0L;
        var running = false;
        foreach (var status in statuses)
        {
            restarts += KubeJson.Int(status, "restartCount");
            if (KubeJson.Str(status, "state", "waiting", "reason") is { Length: > 0 } waiting)
            {
                reason = waiting;
            }
            else if (KubeJson.At(status, "state", "terminated") is JsonObject terminated)
            {
                reason = KubeJson.Str(terminated, "reason") is { Length: > 0 } why ? why
                    : KubeJson.Int(terminated, "signal") != 0 ? $"Signal:{KubeJson.Int(terminated, "signal")}" : $"ExitCode:{KubeJson.Int(terminated, "exitCode")}";
            }
            else if (KubeJson.At(status, "state", "running") is not null)
            {
                running = true;
                if (KubeJson.At(status, "ready") is JsonValue v && v.TryGetValue<bool>(out var isReady) && isReady)
                {
                    ready++;
                }
            }
        }
        if (reason == "Completed" && running)
        {
            reason = "Running";
        }
        if (KubeJson.At(pod.Json, "metadata", "deletionTimestamp") is not null)
        {
            reason = "Terminating";
        }
        return [pod.Name, $"{ready}/{containers}", reason.Length > 0 ? reason : "Unknown", restarts.ToString(), Age(pod, now)];
    }

    /// <summary>kubectl's printNode: Ready/NotReady, roles from <c>node-role.kubernetes.io/ROLE</c> labels, the kubelet's version.</summary>
    private static string[] NodeRow(KubeObject node, DateTimeOffset now)
    {
        var ready = KubeJson.Array(node.Json, "status", "conditions").FirstOrDefault(c => KubeJson.Str(c, "type") == "Ready");
        var status = ready is not null && KubeJson.Str(ready, "status") == "True" ? "Ready" : "NotReady";
        var roles = node.Labels.Keys.Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
            .Select(k => k["node-role.kubernetes.io/".Length..]).Where(r => r.Length > 0).Order(StringComparer.Ordinal).ToList();
        return [node.Name, status, roles.Count > 0 ? string.Join(',', roles) : "<none>", Age(node, now), KubeJson.Str(node.Json, "status", "nodeInfo", "kubeletVersion")];
    }

    private static string[] NodeWide(KubeObject node, DateTimeOffset _)
    {
        string Address(string type) => KubeJson.Array(node.Json, "status", "addresses").Where(a => KubeJson.Str(a, "type") == type)
            .Select(a => KubeJson.Str(a, "address")).FirstOrDefault() ?? "<none>";
        return
        [
            Address("InternalIP"), Address("ExternalIP"), KubeJson.Str(node.Json, "status", "nodeInfo", "osImage"),
            KubeJson.Str(node.Json, "status", "nodeInfo", "kernelVersion"), KubeJson.Str(node.Json, "status", "nodeInfo", "containerRuntimeVersion"),
        ];
    }

    /// <summary>kubectl's printEvent: last seen, type, reason, <c>kind/name</c> of the object, message.</summary>
    private static string[] EventRow(KubeObject e, DateTimeOffset now)
    {
        var first = KubeJson.Time(e.Json, "firstTimestamp");
        var last = KubeJson.Time(e.Json, "lastTimestamp") ?? first;
        var kind = KubeJson.Str(e.Json, "involvedObject", "kind").ToLowerInvariant();
        var name = KubeJson.Str(e.Json, "involvedObject", "name");
        return
        [
            last is { } seen ? HumanDuration.Format(now - seen) : "<unknown>", KubeJson.Str(e.Json, "type"), KubeJson.Str(e.Json, "reason"),
            name.Length > 0 ? $"{kind}/{name}" : kind, KubeJson.Str(e.Json, "message").Trim(),
        ];
    }

    private static string[] EventWide(KubeObject e, DateTimeOffset now) =>
    [
        KubeJson.Str(e.Json, "involvedObject", "fieldPath"),
        KubeJson.Str(e.Json, "source", "component") is { Length: > 0 } component ? component : "<unknown>",
        KubeJson.Time(e.Json, "firstTimestamp") is { } first ? HumanDuration.Format(now - first) : "<unknown>",
        Math.Max(1, KubeJson.Int(e.Json, "count")).ToString(),
        e.Name,
    ];

    private static string[] PodWide(KubeObject pod, DateTimeOffset _) =>
    [
        KubeJson.Str(pod.Json, "status", "podIP") is { Length: > 0 } ip ? ip : "<none>",
        KubeJson.Str(pod.Json, "spec", "nodeName") is { Length: > 0 } node ? node : "<none>",
        KubeJson.Str(pod.Json, "status", "nominatedNodeName") is { Length: > 0 } nominated ? nominated : "<none>",
        "<none>",
    ];

    private static string[] WorkloadWide(KubeObject o, DateTimeOffset _)
    {
        var containers = KubeJson.Array(o.Json, "spec", "template", "spec", "containers").ToList();
        return
        [
            string.Join(',', containers.Select(c => KubeJson.Str(c, "name"))),
            string.Join(',', containers.Select(c => KubeJson.Str(c, "image"))),
            KubeJson.Labels(KubeJson.At(o.Json, "spec", "selector", "matchLabels")),
        ];
    }

    private static string[] ServiceRow(KubeObject svc, DateTimeOffset now)
    {
        var type = KubeJson.Str(svc.Json, "spec", "type") is { Length: > 0 } t ? t : "ClusterIP";
        var clusterIp = KubeJson.Str(svc.Json, "spec", "clusterIP") is { Length: > 0 } ip ? ip : "<none>";
        // kubectl lists the LoadBalancer's ingress addresses (LB-IPAM's) before spec.externalIPs.
        var external = KubeJson.Array(svc.Json, "status", "loadBalancer", "ingress").Select(n => KubeJson.Str(n, "ip"))
            .Concat(KubeJson.Array(svc.Json, "spec", "externalIPs").Select(n => (string?)n)).Where(ip => ip is { Length: > 0 }).ToList();
        var ports = KubeJson.Array(svc.Json, "spec", "ports").Select(p =>
        {
            var protocol = KubeJson.Str(p, "protocol") is { Length: > 0 } proto ? proto : "TCP";
            var nodePort = KubeJson.Int(p, "nodePort");
            return nodePort > 0 ? $"{KubeJson.Int(p, "port")}:{nodePort}/{protocol}" : $"{KubeJson.Int(p, "port")}/{protocol}";
        }).ToList();
        return
        [
            svc.Name, type, clusterIp, external.Count > 0 ? string.Join(',', external) : type == "LoadBalancer" ? "<pending>" : "<none>",
            ports.Count > 0 ? string.Join(',', ports) : "<none>", Age(svc, now),
        ];
    }

    /// <summary>kubectl's formatEndpoints: ip:port per address and port, at most 3, then <c> + N more...</c>.</summary>
    private static string Endpoints(JsonNode json)
    {
        var all = new List<string>();
        foreach (var subset in KubeJson.Array(json, "subsets"))
        {
            var addresses = KubeJson.Array(subset, "addresses").Select(a => KubeJson.Str(a, "ip")).ToList();
            var ports = KubeJson.Array(subset, "ports").ToList();
            if (ports.Count == 0)
            {
                all.AddRange(addresses);
                continue;
            }
            foreach (var port in ports)
            {
                all.AddRange(addresses.Select(a => $"{a}:{KubeJson.Int(port, "port")}"));
            }
        }
        if (all.Count == 0)
        {
            return "<none>";
        }
        var shown = string.Join(',', all.Take(3));
        return all.Count > 3 ? $"{shown} + {all.Count - 3} more..." : shown;
    }

    private static string Selector(JsonNode? matchLabels) => KubeJson.Labels(matchLabels);

    private static string PolicyValid(JsonNode json)
    {
        var valid = KubeJson.Array(json, "status", "conditions").FirstOrDefault(c => KubeJson.Str(c, "type") == "Valid");
        return valid is null ? "" : KubeJson.Str(valid, "status");
    }
}
