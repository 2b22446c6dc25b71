using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.Kubectl;

/// <summary>
/// <c>kubectl get</c>: kinds (comma lists, <c>all</c>, <c>kind/name</c>), names, <c>-n</c>, <c>-A</c>, <c>-l</c>,
/// <c>-o wide|yaml|json|name|jsonpath=...</c>, <c>--show-labels</c>, <c>--no-headers</c>; <c>-w</c> goes to <see cref="GetWatch"/>.
/// </summary>
internal sealed class GetVerb : IKubectlVerb
{
    public string Name => "get";

    public KubectlFlags.Spec Flags() => KubectlRun.Common()
        .Bool("all-namespaces", 'A').Value("selector", 'l').Value("output", 'o').Bool("show-labels").Bool("no-headers")
        .Bool("watch", 'w').Bool("watch-only").Bool("output-watch-events");

    private sealed record Group(ResourceKind Kind, List<KubeObject> Objects);

    public async Task<int> RunAsync(KubectlRun run)
    {
        if (run.Flags.Has("watch") || run.Flags.Has("watch-only"))
        {
            return await GetWatch.RunAsync(run);
        }
        var positionals = run.Flags.Positionals;
        if (positionals.Count == 0)
        {
            throw new KubectlException("error: You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.");
        }
        var output = OutputFormat.Parse(run.Flags.Value("output"));
        var selector = run.Flags.Value("selector");
        var groups = new List<Group>();
        var errors = new List<string>();
        var namesGiven = false;
        bool multipleKinds;

        if (positionals.Any(p => p.Contains('/')))
        {
            namesGiven = true;
            foreach (var p in positionals)
            {
                if (!p.Contains('/'))
                {
                    throw new KubectlException($"error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
                }
                var (kind, name) = KubectlRun.KindAndName(p, ResourceKinds.Pod);
                await AddNamedAsync(run, groups, errors, kind, name);
            }
            multipleKinds = groups.Select(g => g.Kind).Distinct().Count() > 1 || positionals.Count > 1;
        }
        else
        {
            var kindNames = positionals[0].Split(',', StringSplitOptions.RemoveEmptyEntries);
            var kinds = kindNames.SelectMany(k => k == "all" ? ResourceKinds.AllCategory : [KubectlRun.Kind(k)]).Distinct().ToList();
            multipleKinds = kinds.Count > 1;
            var names = positionals.Skip(1).ToList();
            namesGiven = names.Count > 0;
            foreach (var kind in kinds)
            {
                if (names.Count == 0)
                {
                    // The lab cluster has no DaemonSets of its own; kubectl get all shows only kinds that have objects.
                    var objects = kind == ResourceKinds.DaemonSet ? [] : await run.ListAsync(kind, selector);
                    groups.Add(new Group(kind, objects));
                    continue;
                }
                foreach (var name in names)
                {
                    await AddNamedAsync(run, groups, errors, kind, name);
                }
            }
        }

        var all = groups.SelectMany(g => g.Objects).ToList();
        var text = output.Kind switch
        {
            OutputKind.Json => all.Count == 0 ? "" : JsonOutput.Write(Single(all, namesGiven) ?? JsonOutput.List(all)),
            OutputKind.Yaml => all.Count == 0 ? "" : YamlWriter.Write(Single(all, namesGiven) ?? JsonOutput.List(all)),
            OutputKind.JsonPath => all.Count == 0 ? "" : output.Path!.Execute(Single(all, namesGiven) ?? JsonOutput.List(all)),
            OutputKind.Name => string.Concat(all.Select(o => $"{(ResourceKinds.FromKind(o.Kind) ?? groups[0].Kind).QualifiedSingular}/{o.Name}\n")),
            _ => Tables(run, groups, output.Kind == OutputKind.Wide, multipleKinds),
        };
        await run.Out.WriteAsync(text);
        foreach (var error in errors)
        {
            await run.Err.WriteLineAsync(error);
        }
        if (all.Count == 0 && errors.Count == 0 && output.Kind != OutputKind.Json && output.Kind != OutputKind.Yaml)
        {
            var scoped = groups.Any(g => g.Kind.Namespaced) && !run.AllNamespaces;
            await run.Err.WriteLineAsync(scoped ? $"No resources found in {run.Namespace} namespace." : "No resources found");
        }
        if (all.Count == 0 && errors.Count == 0 && output.Kind is OutputKind.Json or OutputKind.Yaml)
        {
            var empty = JsonOutput.List([]);
            await run.Out.WriteAsync(output.Kind == OutputKind.Json ? JsonOutput.Write(empty) : YamlWriter.Write(empty));
        }
        return errors.Count > 0 ? 1 : 0;
    }

    private static async Task AddNamedAsync(KubectlRun run, List<Group> groups, List<string> errors, ResourceKind kind, string name)
    {
        var found = (await run.ListAsync(kind, null, name)).FirstOrDefault(o => o.Name == name);
        if (found is null)
        {
            errors.Add(KubectlRun.NotFound(kind, name).Message);
            return;
        }
        var group = groups.FirstOrDefault(g => g.Kind == kind);
        if (group is null)
        {
            groups.Add(group = new Group(kind, []));
        }
        group.Objects.Add(found);
    }

    /// <summary>kubectl prints one named object bare, and anything else as a List.</summary>
    private static System.Text.Json.Nodes.JsonNode? Single(List<KubeObject> all, bool namesGiven) =>
        namesGiven && all.Count == 1 ? all[0].Json : null;

    private static string Tables(KubectlRun run, List<Group> groups, bool wide, bool prefixNames)
    {
        var text = new StringBuilder();
        foreach (var group in groups.Where(g => g.Objects.Count > 0))
        {
            var columns = TableColumns.For(run, group.Kind, wide, prefixNames);
            if (text.Length > 0)
            {
                text.Append('\n');
            }
            text.Append(TableWriter.Format(columns.Headers, group.Objects.Select(columns.Row).ToList(), run.Flags.Has("no-headers")));
        }
        return text.ToString();
    }
}

internal enum OutputKind { Table, Wide, Json, Yaml, Name, JsonPath }

/// <summary>The <c>-o</c> value: <c>wide</c>, <c>json</c>, <c>yaml</c>, <c>name</c>, <c>jsonpath=...</c> (or <c>jsonpath='...'</c>).</summary>
internal sealed record OutputFormat(OutputKind Kind, JsonPath? Path = null)
{
    public static OutputFormat Parse(string? value)
    {
        switch (value)
        {
            case null or "": return new(OutputKind.Table);
            case "wide": return new(OutputKind.Wide);
            case "json": return new(OutputKind.Json);
            case "yaml": return new(OutputKind.Yaml);
            case "name": return new(OutputKind.Name);
        }
        foreach (var prefix in new[] { "jsonpath=", "jsonpath-as-json=" })
        {
            if (value.StartsWith(prefix, StringComparison.Ordinal))
            {
                return new(OutputKind.JsonPath, JsonPath.Parse(value[prefix.Length..]));
            }
        }
        throw new KubectlException(
            $"error: unable to match a printer suitable for the output format \"{value}\", allowed formats are: json,jsonpath,name,wide,yaml");
    }
}
