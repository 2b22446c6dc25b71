using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LabSite.Clusters.Contract.Kubernetes.Tables;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.Kubectl;

/// <summary>
/// <c>kubectl wait --for=condition=Ready|--for=delete (KIND/NAME... | KIND NAME... | KIND --all | KIND -l SEL) [--timeout=30s]</c>:
/// polls the cluster until every object meets the condition, printing <c>pod/x condition met</c> (or <c>deleted</c>)
/// per object, as kubectl does; on timeout <c>error: timed out waiting for the condition on pods/x</c>, exit 1.
/// </summary>
internal sealed partial class WaitVerb : IKubectlVerb
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(200);

    public string Name => "wait";

    public KubectlFlags.Spec Flags() => KubectlRun.Common().Value("for").Value("timeout").Value("selector", 'l').Bool("all");

    public async Task<int> RunAsync(KubectlRun run)
    {
        var condition = run.Flags.Value("for") ?? throw new KubectlException("error: --for must be set");
        var wantDelete = condition == "delete";
        var conditionName = wantDelete ? null
            : condition.StartsWith("condition=", StringComparison.OrdinalIgnoreCase) ? condition["condition=".Length..].Split('=')[0]
            : throw new KubectlException($"error: unrecognized condition: \"{condition}\" (the lab shell waits for condition=NAME or delete)");
        var timeout = ParseTimeout(run.Flags.Value("timeout") ?? "30s");
        var targets = await TargetsAsync(run);
        if (targets.Count == 0)
        {
            throw new KubectlException("error: no matching resources found");
        }

        var deadline = DateTime.UtcNow + timeout;
        foreach (var (kind, name) in targets)
        {
            while (true)
            {
                var found = (await run.ListAsync(kind, null, name)).FirstOrDefault(o => o.Name == name);
                if (wantDelete ? found is null : found is not null && Meets(found.Json, conditionName!))
                {
                    await run.Out.WriteLineAsync($"{kind.QualifiedSingular}/{name} {(wantDelete ? "deleted" : "condition met")}");
                    break;
                }
                if (found is null && !wantDelete)
                {
                    throw KubectlRun.NotFound(kind, name);
                }
                if (DateTime.UtcNow >= deadline)
                {
                    throw new KubectlException($"error: timed out waiting for the condition on {kind.Plural}/{name}");
                }
                await Task.Delay(s_pollInterval, run.Cancellation);
            }
        }
        return 0;
    }

    /// <summary>The objects named on the line, or every object of a kind (<c>--all</c> / <c>-l</c>) as of now.</summary>
    private static async Task<List<(ResourceKind Kind, string Name)>> TargetsAsync(KubectlRun run)
    {
        var positionals = run.Flags.Positionals;
        if (positionals.Count == 0)
        {
            throw new KubectlException("error: resource(s) were provided, but no name was specified");
        }
        if (positionals.All(p => p.Contains('/')))
        {
            return positionals.Select(p => KubectlRun.KindAndName(p, ResourceKinds.Pod)).ToList();
        }
        var kind = KubectlRun.Kind(positionals[0]);
        if (positionals.Count > 1)
        {
            return positionals.Skip(1).Select(n => (kind, n)).ToList();
        }
        if (!run.Flags.Has("all") && run.Flags.Value("selector") is null)
        {
            throw new KubectlException("error: resource(s) were provided, but no name was specified");
        }
        return (await run.ListAsync(kind, run.Flags.Value("selector"))).Select(o => (kind, o.Name)).ToList();
    }

    /// <summary>
    /// True when <c>status.conditions</c> has the condition (case-insensitive, as kubectl) with status True. A Deployment
    /// whose status carries replica counts but no conditions is Available once every desired replica is available.
    /// </summary>
    private static bool Meets(JsonObject json, string condition)
    {
        if (json["status"]?["conditions"] is JsonArray conditions)
        {
            return conditions.Any(c => string.Equals((string?)c?["type"], condition, StringComparison.OrdinalIgnoreCase) && (string?)c?["status"] == "True");
        }
        return (string?)json["kind"] == "Deployment" && string.Equals(condition, "Available", StringComparison.OrdinalIgnoreCase)
            && KubeJson.Int(json, "status", "availableReplicas") >= (json["spec"]?["replicas"] is null ? 1 : KubeJson.Int(json, "spec", "replicas"));
    }

    /// <summary>kubectl's duration form: <c>60s</c>, <c>2m</c>, <c>1m30s</c>, <c>1h</c>; a bare number is seconds.</summary>
    internal static TimeSpan ParseTimeout(string text)
    {
        if (int.TryParse(text, out var bare) && bare >= 0)
        {
            return TimeSpan.FromSeconds(bare);
        }
        var match = DurationPattern().Match(text);
        if (!match.Success || text.Length == 0)
        {
            throw new KubectlException($"error: invalid argument \"{text}\" for \"--timeout\" flag: time: invalid duration \"{text}\"");
        }
        TimeSpan Part(string group, Func<double, TimeSpan> unit) =>
            match.Groups[group].Success ? unit(double.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture)) : TimeSpan.Zero;
        return Part("h", TimeSpan.FromHours) + Part("m", TimeSpan.FromMinutes) + Part("s", TimeSpan.FromSeconds);
    }

    [GeneratedRegex(@"^(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m)?(?:(?<s>\d+(?:\.\d+)?)s)?$")]
    private static partial Regex DurationPattern();
}
