using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.Kubectl;

/// <summary><c>kubectl label (kind name | kind/name) key=value... key- [--overwrite]</c>.</summary>
internal sealed partial class LabelVerb : IKubectlVerb
{
    public string Name => "label";

    public KubectlFlags.Spec Flags() => KubectlRun.Common().Bool("overwrite").Bool("all").Value("selector", 'l');

    public async Task<int> RunAsync(KubectlRun run)
    {
        var positionals = run.Flags.Positionals;
        var changes = positionals.Where(p => p.Contains('=') || p.EndsWith('-')).ToList();
        var resources = positionals.Where(p => !changes.Contains(p)).ToList();
        if (resources.Count == 0)
        {
            throw new KubectlException("error: one or more resources must be specified as <resource> <name> or <resource>/<name>");
        }
        if (changes.Count == 0)
        {
            throw new KubectlException("error: at least one label update is required");
        }
        var (kind, name) = resources[0].Contains('/') ? KubectlRun.KindAndName(resources[0], ResourceKinds.Pod)
            : resources.Count > 1 ? (KubectlRun.Kind(resources[0]), resources[1])
            : throw new KubectlException("error: resource(s) were provided, but no name was specified");
        var target = await run.GetOneAsync(kind, name);
        var edited = ObjectUpdate.Editable(target);
        var metadata = (JsonObject)edited["metadata"]!;
        var labels = metadata["labels"] as JsonObject ?? [];
        metadata["labels"] = labels;
        var changed = false;
        foreach (var change in changes)
        {
            if (change.EndsWith('-') && !change.Contains('='))
            {
                var key = change[..^1];
                if (labels.Remove(key))
                {
                    changed = true;
                }
                else
                {
                    await run.Err.WriteLineAsync($"label \"{key}\" not found.");
                }
                continue;
            }
            var eq = change.IndexOf('=');
            var (k, v) = (change[..eq], change[(eq + 1)..]);
            if (!LabelKey().IsMatch(k) || !(v.Length == 0 || LabelValue().IsMatch(v)))
            {
                throw new KubectlException($"error: invalid label spec: {change}");
            }
            if (labels[k] is { } old && (string?)old != v && !run.Flags.Has("overwrite"))
            {
                throw new KubectlException($"error: '{k}' already has a value ({(string?)old}), and --overwrite is false");
            }
            changed |= (string?)labels[k] != v;
            labels[k] = v;
        }
        var display = $"{kind.QualifiedSingular}/{name}";
        if (!changed)
        {
            await run.Out.WriteLineAsync($"{display} not labeled");
            return 0;
        }
        return await ObjectUpdate.ReportAsync(run, await ObjectUpdate.ApplyAsync(run, edited, "kubectl label"), $"{display} labeled");
    }

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex LabelKey();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();
}

/// <summary><c>kubectl scale (deploy x | deploy/x) --replicas=N</c>.</summary>
internal sealed class ScaleVerb : IKubectlVerb
{
    public string Name => "scale";

    public KubectlFlags.Spec Flags() => KubectlRun.Common().Value("replicas");

    public async Task<int> RunAsync(KubectlRun run)
    {
        var replicasText = run.Flags.Value("replicas") ?? throw new KubectlException("error: required flag(s) \"replicas\" not set");
        if (!int.TryParse(replicasText, out var replicas) || replicas < 0)
        {
            throw new KubectlException("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
        }
        var positionals = run.Flags.Positionals;
        if (positionals.Count == 0)
        {
            throw new KubectlException("error: You must provide one or more resources by argument or filename.");
        }
        var (kind, name) = positionals[0].Contains('/') ? KubectlRun.KindAndName(positionals[0], ResourceKinds.Deployment)
            : positionals.Count > 1 ? (KubectlRun.Kind(positionals[0]), positionals[1])
            : throw new KubectlException("error: resource(s) were provided, but no name was specified");
        if (kind != ResourceKinds.Deployment && kind != ResourceKinds.ReplicaSet)
        {
            throw new KubectlException($"error: no objects passed to scale {kind.QualifiedSingular} \"{name}\" is not scalable");
        }
        var edited = ObjectUpdate.Editable(await run.GetOneAsync(kind, name));
        ((JsonObject)edited["spec"]!)["replicas"] = replicas;
        return await ObjectUpdate.ReportAsync(run, await ObjectUpdate.ApplyAsync(run, edited, "kubectl scale"), $"{kind.QualifiedSingular}/{name} scaled");
    }
}

/// <summary><c>kubectl run NAME --image=IMAGE [--labels=k=v,...] [--port=N] [-- args...]</c>: one pod, labelled run=NAME.</summary>
internal sealed class RunVerb : IKubectlVerb
{
    public string Name => "run";

    public KubectlFlags.Spec Flags() => KubectlRun.Common().Value("image").Value("labels", 'l').Value("port").Value("restart")
        .Bool("rm").Bool("stdin", 'i').Bool("tty", 't').Value("command");

    public async Task<int> RunAsync(KubectlRun run)
    {
        if (run.Flags.Positionals.Count == 0)
        {
            throw new KubectlException("error: NAME is required for run");
        }
        var name = run.Flags.Positionals[0];
        var image = run.Flags.Value("image") ?? throw new KubectlException("error: required flag(s) \"image\" not set");
        if (run.Flags.Has("rm") || run.Flags.Has("tty"))
        {
            throw new KubectlException($"error: interactive pods (--rm, -it) are not available in the lab shell; create it, then: kubectl exec {name} -- <command>");
        }
        var labels = new JsonObject();
        foreach (var pair in (run.Flags.Value("labels") ?? $"run={name}").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                throw new KubectlException($"error: invalid label spec: {pair}");
            }
            labels[pair[..eq]] = pair[(eq + 1)..];
        }
        var container = new JsonObject { ["name"] = name, ["image"] = image };
        if (run.Flags.Command is { Count: > 0 } args)
        {
            container["args"] = new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        }
        if (run.Flags.Value("port") is { } portText)
        {
            if (!int.TryParse(portText, out var port) || port is < 1 or > 65535)
            {
                throw new KubectlException($"error: invalid port: {portText}");
            }
            container["ports"] = new JsonArray(new JsonObject { ["containerPort"] = port });
        }
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = run.Namespace, ["labels"] = labels },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(container),
                ["restartPolicy"] = run.Flags.Value("restart") ?? "Always",
            },
        };
        return await ManifestVerb.ApplyAsync(run, new ManifestText(pod.ToJsonString() + "\n", "kubectl run"), ApplyMode.Create);
    }
}
