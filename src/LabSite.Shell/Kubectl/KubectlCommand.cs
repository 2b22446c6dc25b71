using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.Kubectl;

/// <summary>
/// <c>kubectl</c> over the lab-cluster contract: the verbs the Cilium docs and the CCA use, with kubectl's flags,
/// output layouts, messages and exit codes. <c>kubectl -n kube-system exec ds/cilium -- cilium-dbg ...</c> goes to
/// the lab shell's cilium-dbg.
/// </summary>
public sealed class KubectlCommand : IShellCommand
{
    public const string DefaultNamespace = "default";

    private static readonly Dictionary<string, IKubectlVerb> s_verbs = new IKubectlVerb[]
    {
        new GetVerb(), new DescribeVerb(), new ManifestVerb("apply"), new ManifestVerb("create"), new DeleteVerb(),
        new ExecVerb(), new LogsVerb(), new LabelVerb(), new ScaleVerb(), new RunVerb(), new ExplainVerb(), new WaitVerb(),
    }.ToDictionary(v => v.Name);

    public string Name => "kubectl";

    public string Summary => "the lab cluster: get, describe, apply, create, delete, exec, logs, label, scale, run, explain, wait";

    public static IEnumerable<string> VerbNames => s_verbs.Keys.Order(StringComparer.Ordinal);

    public async Task<int> RunAsync(CommandContext context)
    {
        var args = context.Args.ToList();
        // Flags may come before the verb (kubectl -n kube-system exec ...): set them aside, then parse with the verb's spec.
        var leading = new List<string>();
        while (args.Count > 0 && args[0].StartsWith('-') && args[0] != "--")
        {
            leading.Add(args[0]);
            var takesValue = args[0] is "-n" or "--namespace" or "--context" or "--kubeconfig";
            args.RemoveAt(0);
            if (takesValue && args.Count > 0)
            {
                leading.Add(args[0]);
                args.RemoveAt(0);
            }
        }
        if (args.Count == 0)
        {
            await context.Stdout.WriteAsync(Usage());
            return leading.Count == 0 ? 0 : 1;
        }
        var verbName = args[0];
        if (!s_verbs.TryGetValue(verbName, out var verb))
        {
            await context.Stderr.WriteLineAsync($"error: unknown command \"{verbName}\" for \"kubectl\"");
            await context.Stderr.WriteLineAsync($"The lab shell's kubectl knows: {string.Join(", ", VerbNames)}.");
            return 1;
        }
        try
        {
            var flags = KubectlFlags.Parse([.. leading, .. args.Skip(1)], verb.Flags());
            if (context.Session.Cluster is not { } cluster)
            {
                throw new KubectlException("error: this lab has no cluster running yet; start the lab, then try again");
            }
            var run = new KubectlRun(context, cluster, flags);
            return await verb.RunAsync(run);
        }
        catch (KubectlException e)
        {
            await context.Stderr.WriteLineAsync(e.Message);
            if (e.Message.StartsWith("error: unknown", StringComparison.Ordinal) || e.Message.StartsWith("error: flag needs", StringComparison.Ordinal))
            {
                await context.Stderr.WriteLineAsync($"See 'kubectl {verbName} --help' for usage.");
            }
            return e.ExitCode;
        }
        catch (FormatException e)
        {
            await context.Stderr.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (ClusterException e)
        {
            await context.Stderr.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    private static string Usage() =>
        "kubectl controls the lab cluster.\n\n" +
        "Commands in the lab shell:\n" +
        "  get, describe, apply, create, delete, exec, logs, label, scale, run, explain, wait\n\n" +
        "Usage:\n  kubectl [flags] [options]\n";
}

/// <summary>One kubectl verb: its flag spec and how it runs.</summary>
internal interface IKubectlVerb
{
    string Name { get; }

    KubectlFlags.Spec Flags();

    Task<int> RunAsync(KubectlRun run);
}

/// <summary>One kubectl invocation: context, cluster, flags, and the namespace they select.</summary>
internal sealed class KubectlRun(CommandContext context, ILabCluster cluster, KubectlFlags flags)
{
    public CommandContext Context { get; } = context;

    public ILabCluster Cluster { get; } = cluster;

    public KubectlFlags Flags { get; } = flags;

    public string Namespace => Flags.Value("namespace") is { Length: > 0 } ns ? ns : KubectlCommand.DefaultNamespace;

    public bool AllNamespaces => Flags.Has("all-namespaces");

    public DateTimeOffset Now => Context.Session.Clock.GetUtcNow();

    public CancellationToken Cancellation => Context.Cancellation;

    public TextWriter Out => Context.Stdout;

    public TextWriter Err => Context.Stderr;

    /// <summary>The common flags every verb takes.</summary>
    public static KubectlFlags.Spec Common() => new KubectlFlags.Spec().Value("namespace", 'n');

    public static ResourceKind Kind(string name) =>
        ResourceKinds.Resolve(name) ?? throw new KubectlException($"error: the server doesn't have a resource type \"{name}\"");

    /// <summary>Reads <c>-f file</c> (lab folder) or <c>-f -</c> (stdin, a pipe or here-document).</summary>
    public async Task<ManifestText> ReadManifestAsync(string file)
    {
        if (file == "-")
        {
            return new ManifestText(await Context.Stdin.ReadToEndAsync(Cancellation), "STDIN");
        }
        if (file.StartsWith("http://", StringComparison.Ordinal) || file.StartsWith("https://", StringComparison.Ordinal))
        {
            throw new KubectlException($"error: the lab shell does not download manifests ({file}); the files of this lab are in its folder (ls)");
        }
        try
        {
            return new ManifestText(Context.Session.Folder.ReadAllText(file), file);
        }
        catch (ShellPathException e) when (e.Reason.StartsWith("no such file", StringComparison.Ordinal))
        {
            throw new KubectlException($"error: the path \"{file}\" does not exist");
        }
        catch (ShellPathException e)
        {
            throw new KubectlException($"error: {e.Message}");
        }
    }

    /// <summary>Objects of a kind in the selected namespace(s), sorted by namespace and name as the API server lists them.</summary>
    public async Task<List<KubeObject>> ListAsync(ResourceKind kind, string? selector, string? name = null)
    {
        var ns = !kind.Namespaced ? null : AllNamespaces && name is null ? "*" : Namespace;
        var items = await Cluster.GetAsync(new ObjectQuery(kind.Plural, ns, selector, name), Cancellation);
        return items.OrderBy(o => o.Namespace ?? "", StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>One object or kubectl's NotFound error.</summary>
    public async Task<KubeObject> GetOneAsync(ResourceKind kind, string name)
    {
        var found = await ListAsync(kind, null, name);
        return found.FirstOrDefault(o => o.Name == name) ?? throw NotFound(kind, name);
    }

    public static KubectlException NotFound(ResourceKind kind, string name) =>
        new($"Error from server (NotFound): {kind.QualifiedPlural} \"{name}\" not found");

    /// <summary>Splits <c>pod/x</c>, <c>deploy/x</c> or <c>x</c> (of a default kind).</summary>
    public static (ResourceKind Kind, string Name) KindAndName(string text, ResourceKind fallback)
    {
        var slash = text.IndexOf('/');
        return slash < 0 ? (fallback, text) : (Kind(text[..slash]), text[(slash + 1)..]);
    }
}
