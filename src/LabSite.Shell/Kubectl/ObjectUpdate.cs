using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes.Tables;
using LabSite.Clusters.Contract;

namespace LabSite.Shell.Kubectl;

/// <summary>
/// Writes a changed object back through <see cref="ILabCluster.ApplyAsync"/>: only what a user's manifest may carry
/// (apiVersion, kind, name, namespace, labels, annotations, spec, data), so status and server fields stay the cluster's.
/// </summary>
internal static class ObjectUpdate
{
    public static JsonObject Editable(KubeObject o)
    {
        var metadata = new JsonObject { ["name"] = o.Name };
        if (o.Namespace is not null)
        {
            metadata["namespace"] = o.Namespace;
        }
        foreach (var key in new[] { "labels", "annotations" })
        {
            if (KubeJson.At(o.Json, "metadata", key) is JsonObject map)
            {
                metadata[key] = map.DeepClone();
            }
        }
        var copy = new JsonObject { ["apiVersion"] = KubeJson.Str(o.Json, "apiVersion"), ["kind"] = o.Kind, ["metadata"] = metadata };
        foreach (var key in new[] { "spec", "specs", "data" })
        {
            if (o.Json[key] is { } value)
            {
                copy[key] = value.DeepClone();
            }
        }
        return copy;
    }

    public static async Task<ApplyResult> ApplyAsync(KubectlRun run, JsonObject edited, string source) =>
        await run.Cluster.ApplyAsync(new ManifestText(edited.ToJsonString() + "\n", source), ApplyMode.Apply, run.Cancellation);

    public static async Task<int> ReportAsync(KubectlRun run, ApplyResult result, string success)
    {
        await WarnAsync(run, result);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                await run.Err.WriteLineAsync(error);
            }
            return 1;
        }
        await run.Out.WriteLineAsync(success);
        return 0;
    }

    /// <summary>The API server's warnings, as kubectl prints them: <c>Warning: ...</c> on stderr, before the result.</summary>
    public static async Task WarnAsync(KubectlRun run, ApplyResult result)
    {
        foreach (var warning in result.Warnings)
        {
            await run.Err.WriteLineAsync(ApplyResult.WarningPrefix + warning);
        }
    }
}
