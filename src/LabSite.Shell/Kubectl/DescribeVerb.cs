using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes.Tables;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.Kubectl;

/// <summary>
/// <c>kubectl describe</c> for pods, services, deployments and Cilium policies (kubectl's describers: tab-separated
/// lines through Go's tabwriter with padding 2; nested levels indent by two spaces). Events are not recorded by the lab
/// cluster, so <c>Events: &lt;none&gt;</c>, as kubectl prints when there are none.
/// </summary>
internal sealed class DescribeVerb : IKubectlVerb
{
    public string Name => "describe";

    public KubectlFlags.Spec Flags() => KubectlRun.Common().Bool("all-namespaces", 'A').Value("selector", 'l');

    public async Task<int> RunAsync(KubectlRun run)
    {
        var positionals = run.Flags.Positionals;
        if (positionals.Count == 0)
        {
            throw new KubectlException("error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
        }
        var targets = new List<KubeObject>();
        var status = 0;
        if (positionals[0].Contains('/'))
        {
            foreach (var p in positionals)
            {
                var (kind, name) = KubectlRun.KindAndName(p, ResourceKinds.Pod);
                targets.Add(await run.GetOneAsync(kind, name));
            }
        }
        else
        {
            var kind = KubectlRun.Kind(positionals[0]);
            if (positionals.Count == 1)
            {
                targets.AddRange(await run.ListAsync(kind, run.Flags.Value("selector")));
                if (targets.Count == 0)
                {
                    await run.Err.WriteLineAsync(kind.Namespaced && !run.AllNamespaces ? $"No resources found in {run.Namespace} namespace." : "No resources found");
                    return 0;
                }
            }
            foreach (var name in positionals.Skip(1))
            {
                // kubectl describe matches a name prefix when no object has the exact name.
                var all = await run.ListAsync(kind, null);
                var match = all.Where(o => o.Name == name).ToList();
                if (match.Count == 0)
                {
                    match = all.Where(o => o.Name.StartsWith(name, StringComparison.Ordinal)).ToList();
                }
                if (match.Count == 0)
                {
                    await run.Err.WriteLineAsync(KubectlRun.NotFound(kind, name).Message);
                    status = 1;
                }
                targets.AddRange(match);
            }
        }
        var texts = targets.Select(Describe).ToList();
        await run.Out.WriteAsync(string.Join("\n\n", texts.Select(t => t.TrimEnd('\n'))) + (texts.Count > 0 ? "\n" : ""));
        return status;
    }

    private static string Describe(KubeObject o)
    {
        var w = new DescribeWriter();
        switch (o.Kind)
        {
            case "Pod":
                DescribePod(w, o);
                break;
            case "Service":
                DescribeService(w, o);
                break;
            case "Deployment":
                DescribeDeployment(w, o);
                break;
            default:
                DescribeGeneric(w, o);
                break;
        }
        return GoTabWriter.Format(w.ToString(), minWidth: 0, padding: 2);
    }

    private static void Header(DescribeWriter w, KubeObject o, bool annotations = true)
    {
        w.Line(0, "Name:", o.Name);
        if (o.Namespace is not null)
        {
            w.Line(0, "Namespace:", o.Namespace);
        }
        w.Map(0, "Labels:", KubeJson.At(o.Json, "metadata", "labels"));
        if (annotations)
        {
            w.Map(0, "Annotations:", KubeJson.At(o.Json, "metadata", "annotations"));
        }
    }

    private static void DescribePod(DescribeWriter w, KubeObject pod)
    {
        var j = pod.Json;
        w.Line(0, "Name:", pod.Name);
        w.Line(0, "Namespace:", pod.Namespace ?? "");
        w.Line(0, "Priority:", KubeJson.Int(j, "spec", "priority").ToString(CultureInfo.InvariantCulture));
        w.Line(0, "Service Account:", Or(KubeJson.Str(j, "spec", "serviceAccountName"), "default"));
        var node = KubeJson.Str(j, "spec", "nodeName");
        w.Line(0, "Node:", node.Length == 0 ? "<none>" : $"{node}/{KubeJson.Str(j, "status", "hostIP")}");
        if (KubeJson.Time(j, "status", "startTime") is { } started)
        {
            w.Line(0, "Start Time:", Rfc1123(started));
        }
        w.Map(0, "Labels:", KubeJson.At(j, "metadata", "labels"));
        w.Map(0, "Annotations:", KubeJson.At(j, "metadata", "annotations"));
        w.Line(0, "Status:", KubeJson.At(j, "metadata", "deletionTimestamp") is null ? Or(KubeJson.Str(j, "status", "phase"), "Unknown") : "Terminating");
        w.Line(0, "IP:", KubeJson.Str(j, "status", "podIP"));
        w.Title(0, "IPs:");
        var ips = KubeJson.Array(j, "status", "podIPs").ToList();
        if (ips.Count == 0)
        {
            w.Text(1, "<none>");
        }
        foreach (var ip in ips)
        {
            w.Line(1, "IP:", KubeJson.Str(ip, "ip"));
        }
        w.Title(0, "Containers:");
        var statuses = KubeJson.Array(j, "status", "containerStatuses").ToList();
        foreach (var container in KubeJson.Array(j, "spec", "containers"))
        {
            var name = KubeJson.Str(container, "name");
            var status = statuses.FirstOrDefault(s => KubeJson.Str(s, "name") == name);
            w.Title(1, $"{name}:");
            if (status is not null && KubeJson.Str(status, "containerID").Length > 0)
            {
                w.Line(2, "Container ID:", KubeJson.Str(status, "containerID"));
            }
            w.Line(2, "Image:", KubeJson.Str(container, "image"));
            w.Line(2, "Image ID:", status is null ? "" : KubeJson.Str(status, "imageID"));
            var ports = KubeJson.Array(container, "ports").ToList();
            w.Line(2, ports.Count > 1 ? "Ports:" : "Port:", ports.Count == 0 ? "<none>" : string.Join(", ", ports.Select(p => $"{KubeJson.Int(p, "containerPort")}/{Or(KubeJson.Str(p, "protocol"), "TCP")}")));
            w.Line(2, ports.Count > 1 ? "Host Ports:" : "Host Port:", ports.Count == 0 ? "<none>" : string.Join(", ", ports.Select(p => $"{KubeJson.Int(p, "hostPort")}/{Or(KubeJson.Str(p, "protocol"), "TCP")}")));
            if (KubeJson.Array(container, "command").Any())
            {
                w.Title(2, "Command:");
                foreach (var part in KubeJson.Array(container, "command"))
                {
                    w.Text(3, (string?)part ?? "");
                }
            }
            if (KubeJson.Array(container, "args").Any())
            {
                w.Title(2, "Args:");
                foreach (var part in KubeJson.Array(container, "args"))
                {
                    w.Text(3, (string?)part ?? "");
                }
            }
            DescribeState(w, status);
            w.Line(2, "Ready:", status is not null && KubeJson.At(status, "ready") is JsonValue r && r.TryGetValue<bool>(out var ready) && ready ? "True" : "False");
            w.Line(2, "Restart Count:", status is null ? "0" : KubeJson.Int(status, "restartCount").ToString(CultureInfo.InvariantCulture));
            w.Line(2, "Environment:", KubeJson.Array(container, "env").Any() ? "" : "<none>");
            foreach (var env in KubeJson.Array(container, "env"))
            {
                w.Line(3, $"{KubeJson.Str(env, "name")}:", KubeJson.Str(env, "value"));
            }
            w.Line(2, "Mounts:", "<none>");
        }
        var conditions = KubeJson.Array(j, "status", "conditions").ToList();
        if (conditions.Count > 0)
        {
            w.Title(0, "Conditions:");
            w.Line(1, "Type", "Status");
            foreach (var condition in conditions)
            {
                // kubectl's describer leaves a blank after the status column (it prints "%v \n").
                w.Line(1, KubeJson.Str(condition, "type"), KubeJson.Str(condition, "status") + " ");
            }
        }
        w.Line(0, "Volumes:", "<none>");
        w.Line(0, "QoS Class:", Or(KubeJson.Str(j, "status", "qosClass"), "BestEffort"));
        w.Map(0, "Node-Selectors:", KubeJson.At(j, "spec", "nodeSelector"));
        w.Line(0, "Tolerations:", "<none>");
        w.Line(0, "Events:", "<none>");
    }

    private static void DescribeState(DescribeWriter w, JsonNode? status)
    {
        var state = KubeJson.At(status, "state") as JsonObject;
        if (state?["running"] is JsonObject running)
        {
            w.Line(2, "State:", "Running");
            if (KubeJson.Time(running, "startedAt") is { } t)
            {
                w.Line(3, "Started:", Rfc1123(t));
            }
        }
        else if (state?["waiting"] is JsonObject waiting)
        {
            w.Line(2, "State:", "Waiting");
            w.Line(3, "Reason:", KubeJson.Str(waiting, "reason"));
            if (KubeJson.Str(waiting, "message") is { Length: > 0 } message)
            {
                w.Line(3, "Message:", message);
            }
        }
        else if (state?["terminated"] is JsonObject terminated)
        {
            w.Line(2, "State:", "Terminated");
            w.Line(3, "Reason:", KubeJson.Str(terminated, "reason"));
            w.Line(3, "Exit Code:", KubeJson.Int(terminated, "exitCode").ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            w.Line(2, "State:", "Waiting");
        }
    }

    private static void DescribeService(DescribeWriter w, KubeObject svc)
    {
        var j = svc.Json;
        Header(w, svc);
        w.Line(0, "Selector:", KubeJson.Labels(KubeJson.At(j, "spec", "selector")));
        w.Line(0, "Type:", Or(KubeJson.Str(j, "spec", "type"), "ClusterIP"));
        w.Line(0, "IP Family Policy:", Or(KubeJson.Str(j, "spec", "ipFamilyPolicy"), "SingleStack"));
        w.Line(0, "IP Families:", KubeJson.Array(j, "spec", "ipFamilies").Any() ? string.Join(",", KubeJson.Array(j, "spec", "ipFamilies").Select(n => (string?)n)) : "IPv4");
        w.Line(0, "IP:", KubeJson.Str(j, "spec", "clusterIP"));
        w.Line(0, "IPs:", KubeJson.Array(j, "spec", "clusterIPs").Any() ? string.Join(",", KubeJson.Array(j, "spec", "clusterIPs").Select(n => (string?)n)) : KubeJson.Str(j, "spec", "clusterIP"));
        foreach (var port in KubeJson.Array(j, "spec", "ports"))
        {
            var name = Or(KubeJson.Str(port, "name"), "<unset>");
            var protocol = Or(KubeJson.Str(port, "protocol"), "TCP");
            w.Line(0, "Port:", $"{name}  {KubeJson.Int(port, "port")}/{protocol}");
            var target = KubeJson.At(port, "targetPort") is JsonValue tv ? tv.ToString() : KubeJson.Int(port, "port").ToString(CultureInfo.InvariantCulture);
            w.Line(0, "TargetPort:", $"{target}/{protocol}");
        }
        w.Line(0, "Session Affinity:", Or(KubeJson.Str(j, "spec", "sessionAffinity"), "None"));
        w.Line(0, "Internal Traffic Policy:", Or(KubeJson.Str(j, "spec", "internalTrafficPolicy"), "Cluster"));
        w.Line(0, "Events:", "<none>");
    }

    private static void DescribeDeployment(DescribeWriter w, KubeObject deploy)
    {
        var j = deploy.Json;
        w.Line(0, "Name:", deploy.Name);
        w.Line(0, "Namespace:", deploy.Namespace ?? "");
        if (KubeJson.Time(j, "metadata", "creationTimestamp") is { } created)
        {
            w.Line(0, "CreationTimestamp:", Rfc1123(created));
        }
        w.Map(0, "Labels:", KubeJson.At(j, "metadata", "labels"));
        w.Map(0, "Annotations:", KubeJson.At(j, "metadata", "annotations"));
        w.Line(0, "Selector:", KubeJson.Labels(KubeJson.At(j, "spec", "selector", "matchLabels")));
        var replicas = KubeJson.Int(j, "spec", "replicas");
        w.Line(0, "Replicas:", $"{replicas} desired | {KubeJson.Int(j, "status", "updatedReplicas")} updated | {KubeJson.Int(j, "status", "replicas")} total | {KubeJson.Int(j, "status", "availableReplicas")} available | {KubeJson.Int(j, "status", "unavailableReplicas")} unavailable");
        w.Line(0, "StrategyType:", Or(KubeJson.Str(j, "spec", "strategy", "type"), "RollingUpdate"));
        w.Line(0, "MinReadySeconds:", KubeJson.Int(j, "spec", "minReadySeconds").ToString(CultureInfo.InvariantCulture));
        w.Title(0, "Pod Template:");
        w.Map(1, "Labels:", KubeJson.At(j, "spec", "template", "metadata", "labels"));
        w.Title(1, "Containers:");
        foreach (var container in KubeJson.Array(j, "spec", "template", "spec", "containers"))
        {
            w.Title(2, $"{KubeJson.Str(container, "name")}:");
            w.Line(3, "Image:", KubeJson.Str(container, "image"));
            var ports = KubeJson.Array(container, "ports").ToList();
            w.Line(3, "Port:", ports.Count == 0 ? "<none>" : string.Join(", ", ports.Select(p => $"{KubeJson.Int(p, "containerPort")}/{Or(KubeJson.Str(p, "protocol"), "TCP")}")));
            w.Line(3, "Environment:", "<none>");
            w.Line(3, "Mounts:", "<none>");
        }
        w.Line(1, "Volumes:", "<none>");
        w.Line(0, "Events:", "<none>");
    }

    /// <summary>kubectl's generic describer (used for custom resources such as CNPs): metadata, then the object as nested fields.</summary>
    private static void DescribeGeneric(DescribeWriter w, KubeObject o)
    {
        Header(w, o);
        w.Line(0, "API Version:", KubeJson.Str(o.Json, "apiVersion"));
        w.Line(0, "Kind:", o.Kind);
        foreach (var (key, value) in o.Json)
        {
            if (key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }
            Nested(w, 0, Title(key), value);
        }
        w.Line(0, "Events:", "<none>");
    }

    private static void Nested(DescribeWriter w, int level, string key, JsonNode? value)
    {
        switch (value)
        {
            case JsonObject obj:
                w.Title(level, $"{key}:");
                foreach (var (k, v) in obj)
                {
                    Nested(w, level + 1, Title(k), v);
                }
                break;
            case JsonArray array:
                w.Title(level, $"{key}:");
                foreach (var item in array)
                {
                    if (item is JsonObject or JsonArray)
                    {
                        Nested(w, level + 1, "", item);
                    }
                    else
                    {
                        w.Text(level + 1, item?.ToString() ?? "");
                    }
                }
                break;
            default:
                w.Line(level, $"{key}:", value?.ToString() ?? "");
                break;
        }
    }

    /// <summary>kubectl's generic describer capitalises each word of a camelCase key: endpointSelector → Endpoint Selector.</summary>
    private static string Title(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i++)
        {
            if (i > 0 && char.IsUpper(key[i]) && !char.IsUpper(key[i - 1]))
            {
                text.Append(' ');
            }
            text.Append(i == 0 ? char.ToUpperInvariant(key[i]) : key[i]);
        }
        return text.ToString();
    }

    private static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;

    private static string Rfc1123(DateTimeOffset t) => t.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
}

/// <summary>kubectl's PrefixWriter: two spaces per level, cells separated by tabs for the tabwriter.</summary>
internal sealed class DescribeWriter
{
    private readonly StringBuilder _text = new();

    public void Line(int level, string key, string value) => _text.Append(Indent(level)).Append(key).Append('\t').Append(value).Append('\n');

    public void Title(int level, string title) => _text.Append(Indent(level)).Append(title).Append('\n');

    public void Text(int level, string text) => _text.Append(Indent(level)).Append(text).Append('\n');

    /// <summary>Labels/annotations: first on the key's line, the rest below in the value column; <c>&lt;none&gt;</c> when empty.</summary>
    public void Map(int level, string key, JsonNode? map)
    {
        if (map is not JsonObject obj || obj.Count == 0)
        {
            Line(level, key, "<none>");
            return;
        }
        var first = true;
        foreach (var (k, v) in obj.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            _text.Append(Indent(level)).Append(first ? key : "").Append('\t').Append($"{k}={(string?)v}").Append('\n');
            first = false;
        }
    }

    private static string Indent(int level) => new(' ', level * 2);

    public override string ToString() => _text.ToString();
}
