using System.Globalization;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Grader.Evaluation.Object;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.Service;

/// <summary>
/// Evaluates a service check: reads the Kubernetes Service for its ClusterIP and ports, then the datapath's service
/// map (<c>cilium-dbg service list</c>) for each frontend, and compares the backends with a count or with the Ready
/// pods the Service selects. Evidence: the frontend's rows as <c>cilium-dbg service list</c> prints them.
/// </summary>
public static class ServiceCheckEvaluator
{
    public static async Task<CheckResult> EvaluateAsync(ServiceCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var what = $"service {check.Namespace}/{check.Service}" + (check.Port is { } p ? $" port {p.ToString(CultureInfo.InvariantCulture)}" : "");
        var expected = check.Backends is { } n
            ? $"the service map holds {n.ToString(CultureInfo.InvariantCulture)} backend(s) for {what}"
            : $"the service map's backends for {what} are exactly the Ready pods the Service selects";
        if (context.Inspector is not { } inspector)
        {
            return CannotCheck.NoInspector(check, expected, context.Cluster);
        }

        var found = await context.Cluster.GetAsync(new ObjectQuery("services", check.Namespace, Name: check.Service), ct);
        if (found.Count == 0)
        {
            return Fail(check, expected, $"there is no Service {check.Namespace}/{check.Service}", [], $"Create it first (kubectl -n {check.Namespace} get services lists what exists).");
        }

        var service = found[0].Json;
        var clusterIp = (string?)service["spec"]?["clusterIP"];
        var ports = ServicePorts(service).Where(sp => check.Port is null || sp.Port == check.Port).ToList();
        if (string.IsNullOrEmpty(clusterIp) || clusterIp == "None")
        {
            return Fail(check, expected, $"Service {check.Namespace}/{check.Service} has no ClusterIP (headless), so it has no frontend in the service map", [], null);
        }
        if (ports.Count == 0)
        {
            return Fail(check, expected, $"Service {check.Namespace}/{check.Service} has no port {check.Port}", [], "Compare the check's port with `kubectl get service` PORT(S).");
        }

        var map = await inspector.GetServicesAsync(ct);
        var readyPods = check.Backends is null ? await ReadyPodsAsync(context.Cluster, service, check.Namespace, ct) : null;
        var evidence = new List<string>();
        var failures = new List<string>();
        var matches = new List<string>();
        foreach (var port in ports)
        {
            var frontend = $"{clusterIp}:{port.Port.ToString(CultureInfo.InvariantCulture)}/{port.Protocol}";
            var entry = map.FirstOrDefault(s => s.Frontend == frontend);
            if (entry is null)
            {
                failures.Add($"no service map entry has frontend {frontend}");
                continue;
            }
            evidence.AddRange(ServiceModel.ToText([entry]).TrimEnd('\n').Split('\n').Skip(1).Select(l => l.TrimEnd()));
            var backends = entry.Backends.Select(BackendAddress).Order(StringComparer.Ordinal).ToList();
            var want = check.Backends is { } count
                ? null
                : readyPods!.Select(pod => port.BackendOn(pod)).OfType<string>().Order(StringComparer.Ordinal).ToList();
            var have = $"{frontend} has {backends.Count} backend(s)" + (backends.Count == 0 ? "" : $" ({string.Join(", ", backends)})");
            var ok = want is null ? backends.Count == check.Backends : backends.SequenceEqual(want);
            (ok ? matches : failures).Add(want is null || ok ? have : $"{have}, but the Ready pods it selects are {(want.Count == 0 ? "none" : string.Join(", ", want))}");
        }

        return failures.Count == 0
            ? new CheckResult(check.Id, check.Title, CheckOutcome.Passed, expected, string.Join("; ", matches), evidence)
            : Fail(check, expected, string.Join("; ", failures.Concat(matches)), evidence,
                "Compare `cilium-dbg service list` with `kubectl get pods -o wide -l <the Service's selector>`; backends follow the Ready pods.");
    }

    private static CheckResult Fail(ServiceCheck check, string expected, string observed, IReadOnlyList<string> evidence, string? advice) =>
        new(check.Id, check.Title, CheckOutcome.Failed, expected, observed, evidence, check.OnFail ?? advice);

    /// <summary><c>10.0.1.5:80/TCP (active)</c> → <c>10.0.1.5:80</c>.</summary>
    private static string BackendAddress(string backend)
    {
        var end = backend.IndexOfAny(['/', ' ']);
        return end < 0 ? backend : backend[..end];
    }

    private sealed record ServicePort(int Port, string Protocol, JsonNode? Target)
    {
        /// <summary>
        /// The backend address this port has on <paramref name="pod"/>: its IP and the targetPort (a number, a container
        /// port's name, or the port itself when omitted); null when the pod has no IP or no port of that name.
        /// </summary>
        public string? BackendOn(KubeObject pod)
        {
            if ((string?)pod.Json["status"]?["podIP"] is not { Length: > 0 } ip)
            {
                return null;
            }
            int? target = Target switch
            {
                null => Port,
                JsonValue v when v.AsInt() is { } n => n,
                JsonValue v when v.TryGetValue<string>(out var name) => NamedPort(pod, name),
                _ => null,
            };
            return target is { } t ? $"{ip}:{t.ToString(CultureInfo.InvariantCulture)}" : null;
        }

        private static int? NamedPort(KubeObject pod, string name) =>
            (pod.Json["spec"]?["containers"] as JsonArray ?? [])
                .SelectMany(c => c?["ports"] as JsonArray ?? [])
                .Where(p => (string?)p?["name"] == name)
                .Select(p => p?["containerPort"].AsInt())
                .FirstOrDefault();
    }

    private static IEnumerable<ServicePort> ServicePorts(JsonObject service) =>
        (service["spec"]?["ports"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(p => new ServicePort(
                p["port"].AsInt() ?? 0,
                ((string?)p["protocol"] ?? "TCP").ToUpperInvariant(),
                p["targetPort"]));

    private static async Task<IReadOnlyList<KubeObject>> ReadyPodsAsync(ILabCluster cluster, JsonObject service, string @namespace, CancellationToken ct)
    {
        if (service["spec"]?["selector"] is not JsonObject selector || selector.Count == 0)
        {
            return [];
        }
        var want = selector.ToDictionary(kv => kv.Key, kv => (string?)kv.Value ?? "");
        var pods = await cluster.GetAsync(new ObjectQuery("pods", @namespace), ct);
        return pods
            .Where(p => want.All(w => p.Labels.TryGetValue(w.Key, out var v) && v == w.Value))
            .Where(p => ObjectCheckEvaluator.Readiness(p.Json, "Pod").Ready)
            .ToList();
    }
}
