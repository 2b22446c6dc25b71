using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.Kubectl;

/// <summary><c>kubectl apply -f</c> / <c>kubectl create -f</c>: files of the lab folder, or <c>-f -</c> (stdin, here-documents).</summary>
internal sealed class ManifestVerb(string name) : IKubectlVerb
{
    public string Name => name;

    public KubectlFlags.Spec Flags() => KubectlRun.Common().Value("filename", 'f');

    public async Task<int> RunAsync(KubectlRun run)
    {
        var files = run.Flags.Values("filename");
        if (files.Count == 0)
        {
            throw new KubectlException("error: must specify one of -f and -k");
        }
        if (run.Flags.Value("namespace") is { } ns && ns != KubectlCommand.DefaultNamespace)
        {
            throw new KubectlException($"error: -n with {Name} is not available in the lab shell; set metadata.namespace: {ns} in the manifest");
        }
        var mode = Name == "apply" ? ApplyMode.Apply : ApplyMode.Create;
        var status = 0;
        foreach (var file in files)
        {
            var manifest = await run.ReadManifestAsync(file);
            status = Math.Max(status, await ApplyAsync(run, manifest, mode));
        }
        return status;
    }

    public static async Task<int> ApplyAsync(KubectlRun run, ManifestText manifest, ApplyMode mode)
    {
        var result = await run.Cluster.ApplyAsync(manifest, mode, run.Cancellation);
        await ObjectUpdate.WarnAsync(run, result);
        foreach (var line in result.Lines)
        {
            await run.Out.WriteLineAsync(line);
        }
        foreach (var error in result.Errors)
        {
            await run.Err.WriteLineAsync(error);
        }
        return result.Succeeded ? 0 : 1;
    }
}

/// <summary><c>kubectl delete -f file</c>, <c>kubectl delete kind name...</c>, <c>kind/name</c>, <c>-l selector</c>, <c>--all</c>.</summary>
internal sealed class DeleteVerb : IKubectlVerb
{
    public string Name => "delete";

    public KubectlFlags.Spec Flags() => KubectlRun.Common().Value("filename", 'f').Value("selector", 'l').Bool("all")
        .Bool("now").Bool("force").Value("grace-period").Bool("ignore-not-found").Bool("wait");

    public async Task<int> RunAsync(KubectlRun run)
    {
        var files = run.Flags.Values("filename");
        if (files.Count > 0)
        {
            var status = 0;
            foreach (var file in files)
            {
                status = Math.Max(status, await ManifestVerb.ApplyAsync(run, await run.ReadManifestAsync(file), ApplyMode.Delete));
            }
            return status;
        }
        var positionals = run.Flags.Positionals;
        if (positionals.Count == 0)
        {
            throw new KubectlException("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        }
        var targets = new List<(ResourceKind Kind, string Name)>();
        if (positionals[0].Contains('/'))
        {
            targets.AddRange(positionals.Select(p => KubectlRun.KindAndName(p, ResourceKinds.Pod)));
        }
        else
        {
            var kind = KubectlRun.Kind(positionals[0]);
            if (positionals.Count == 1)
            {
                var selector = run.Flags.Value("selector");
                if (selector is null && !run.Flags.Has("all"))
                {
                    throw new KubectlException("error: resource(s) were provided, but no name was specified");
                }
                var found = await run.ListAsync(kind, selector);
                if (found.Count == 0)
                {
                    await run.Err.WriteLineAsync(kind.Namespaced ? $"No resources found in {run.Namespace} namespace." : "No resources found");
                    return 0;
                }
                targets.AddRange(found.Select(o => (kind, o.Name)));
            }
            targets.AddRange(positionals.Skip(1).Select(n => (kind, n)));
        }
        // One call per object: kubectl deletes the objects that exist and reports the others.
        var failed = false;
        foreach (var (kind, name) in targets)
        {
            var stub = new ManifestText(Stub(kind, name, run.Namespace), "kubectl delete");
            var result = await run.Cluster.ApplyAsync(stub, ApplyMode.Delete, run.Cancellation);
            foreach (var line in result.Lines)
            {
                await run.Out.WriteLineAsync(line);
            }
            foreach (var error in result.Errors)
            {
                if (run.Flags.Has("ignore-not-found") && error.Contains("(NotFound)", StringComparison.Ordinal))
                {
                    continue;
                }
                await run.Err.WriteLineAsync(error);
                failed = true;
            }
        }
        return failed ? 1 : 0;
    }

    /// <summary>The smallest manifest naming one object: what a delete by kind and name means.</summary>
    private static string Stub(ResourceKind kind, string name, string ns)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (kind.Namespaced)
        {
            metadata["namespace"] = ns;
        }
        return new JsonObject { ["apiVersion"] = kind.ApiVersion, ["kind"] = kind.Kind, ["metadata"] = metadata }.ToJsonString() + "\n";
    }
}
