using System.Globalization;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.LearnerBpf;
using LabSite.Shell.Builtins;

namespace LabSite.Shell.LearnerBpf;

/// <summary>
/// <c>bpf</c>: LabSite's loader for the learner's own programs. The agent loads them as root on the learner's behalf,
/// after checking the object (program types, helpers, instruction and map caps) and the target (a pod of this lab).
/// The maps stay readable with <c>bpftool map dump</c>; <c>bpf list</c> shows each map's total.
/// </summary>
public sealed class BpfCommand : BuiltinCommand
{
    public const string Help = """
        bpf: load your own eBPF programs into this lab (checked by LabSite, verified by the kernel).

        Usage:
          bpf load FILE.o --pod POD [-n NAMESPACE] [--ingress | --egress] [--name NAME] [--program PROG]
          bpf list
          bpf unload NAME

        load     attaches a SEC("tc") program to the tc hook of the pod's eth0, inside the pod (ingress: after the lab's
                 policy let the packet in; egress: before Cilium's programs see it), or a SEC("socket") program to a
                 packet socket in the pod. Ingress is the default; NAME defaults to the file name without .o.
        list     your programs, where they run, their ids (for bpftool) and the total of each map's values.
        unload   detaches and removes a program and its maps.

        Limits: sched_cls and socket_filter programs, 4096 instructions, 4 maps (hash, array, percpu_array) of at most
        1024 entries and 1024-byte values, the helpers of labsite_bpf.h, 4 programs per lab. All go with the lab.

        """;

    public override string Name => "bpf";

    public override string Summary => "load your own eBPF program into a pod of this lab (bpf load counter.o --pod deathstar-...; bpf list; bpf unload NAME)";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        if (context.Args.Count == 0 || context.Args[0] is "help" or "--help" or "-h")
        {
            await context.Stdout.WriteAsync(Help);
            return 0;
        }
        if (context.Session.Cluster is not ILearnerBpf lab)
        {
            await context.Stderr.WriteLineAsync(context.Session.Cluster is null
                ? "bpf: this lab has no cluster running yet; start the lab, then try again"
                : $"bpf: cluster \"{context.Session.Cluster.Name}\" ({context.Session.Cluster.Backend}) cannot run programs of yours");
            return 1;
        }
        try
        {
            switch (context.Args[0])
            {
                case "load":
                    var request = LoadRequest(context);
                    request = request with { Pod = await PodOfAsync(context, request.Namespace, request.Pod) };
                    var loaded = await lab.LoadBpfAsync(request, context.Cancellation);
                    await context.Stdout.WriteLineAsync($"loaded {loaded.Name}: program {loaded.ProgramName} (id {loaded.ProgramId}, {loaded.ProgramType}, {loaded.Instructions} instructions) on {Where(loaded)}");
                    return 0;
                case "list" or "ls" or "show":
                    if (context.Args.Count > 1)
                    {
                        throw new UsageException("bpf list takes no arguments");
                    }
                    await context.Stdout.WriteAsync(Table(await lab.ListBpfAsync(context.Cancellation)));
                    return 0;
                case "unload" or "rm":
                    if (context.Args.Count != 2)
                    {
                        throw new UsageException("usage: bpf unload NAME (see bpf list)");
                    }
                    if (await lab.UnloadBpfAsync(context.Args[1], context.Cancellation))
                    {
                        await context.Stdout.WriteLineAsync($"unloaded {context.Args[1]}");
                        return 0;
                    }
                    await context.Stderr.WriteLineAsync($"bpf unload: no program of yours named {context.Args[1]} (see bpf list)");
                    return 1;
                default:
                    throw new UsageException($"bpf: unknown command \"{context.Args[0]}\" (load, list, unload; bpf help)");
            }
        }
        catch (Exception e) when (e is ClusterException or ArgumentException)
        {
            await context.Stderr.WriteLineAsync(e.Message);
            return 1;
        }
        catch (ShellPathException e)
        {
            await context.Stderr.WriteLineAsync($"bpf load: {e.Message}");
            return 1;
        }
    }

    private static LearnerBpfLoadRequest LoadRequest(CommandContext context)
    {
        string? file = null, pod = null, name = null, program = null;
        var ns = "default";
        var hook = BpfHook.Ingress;
        var args = context.Args;
        for (var i = 1; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"bpf load: {args[i]} needs a value");
            switch (args[i])
            {
                case "--pod" or "-p": pod = Value(); break;
                case "-n" or "--namespace": ns = Value(); break;
                case "--name": name = Value(); break;
                case "--program": program = Value(); break;
                case "--ingress": hook = BpfHook.Ingress; break;
                case "--egress": hook = BpfHook.Egress; break;
                case "--hook":
                    hook = Value() switch
                    {
                        "ingress" => BpfHook.Ingress,
                        "egress" => BpfHook.Egress,
                        var other => throw new UsageException($"bpf load: hook {other}: ingress or egress"),
                    };
                    break;
                case var o when o.StartsWith('-'): throw new UsageException($"bpf load: unknown option {o} (bpf help)");
                default:
                    file = file is null ? args[i] : throw new UsageException($"bpf load: one object file per load ({file} and {args[i]} given)");
                    break;
            }
        }
        if (file is null || pod is null)
        {
            throw new UsageException("usage: bpf load FILE.o --pod POD [-n NAMESPACE] [--ingress | --egress] [--name NAME]");
        }
        pod = pod.StartsWith("pod/", StringComparison.Ordinal) ? pod[4..] : pod;
        if (pod.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 && (pod[..slash] is not ("deploy" or "deployment" or "deployments") || slash == pod.Length - 1))
        {
            throw new UsageException($"bpf load: --pod {pod}: a pod name, pod/NAME or deploy/NAME");
        }
        name ??= Path.GetFileNameWithoutExtension(file).ToLowerInvariant();
        return new LearnerBpfLoadRequest(name, context.Session.Folder.ReadAllBytes(file), ns, pod, hook, program);
    }

    /// <summary>
    /// <c>deploy/NAME</c> (or <c>deployment/</c>) means one pod of that Deployment, the first by name, as
    /// <c>kubectl exec deploy/NAME</c> picks one; a plain name is a pod's own (<see cref="LoadRequest"/> checked the form).
    /// </summary>
    private static async Task<string> PodOfAsync(CommandContext context, string @namespace, string pod)
    {
        var slash = pod.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return pod;
        }
        var name = pod[(slash + 1)..];
        var pods = await context.Session.Cluster!.GetAsync(new ObjectQuery("pods", @namespace), context.Cancellation);
        return pods.Select(p => p.Name).Where(n => n.StartsWith(name + "-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new ClusterException($"bpf load: deployment {name} has no pods in namespace {@namespace} (kubectl get pods -n {@namespace})");
    }

    private static string Where(LearnerBpfProgram p) =>
        p.Hook is { } hook ? $"{p.Namespace}/{p.Pod} {p.Interface} tc {hook.ToString().ToLowerInvariant()}" : $"{p.Namespace}/{p.Pod} packet socket";

    private static string Table(IReadOnlyList<LearnerBpfProgram> programs)
    {
        if (programs.Count == 0)
        {
            return "No programs of yours are loaded (bpf load FILE.o --pod POD).\n";
        }
        var rows = new List<string[]> { new[] { "NAME", "ATTACHED TO", "TYPE", "PROG ID", "INSNS" } };
        rows.AddRange(programs.Select(p => new[] { p.Name, Where(p), p.ProgramType, p.ProgramId.ToString(CultureInfo.InvariantCulture), p.Instructions.ToString(CultureInfo.InvariantCulture) }));
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            text.AppendLine(string.Join("   ", rows[r].Select((cell, c) => c == rows[r].Length - 1 ? cell : cell.PadRight(widths[c]))));
            if (r == 0)
            {
                continue;
            }
            foreach (var m in programs[r - 1].Maps)
            {
                var total = m.ValueSum is { } sum ? $"values total {sum.ToString(CultureInfo.InvariantCulture)}" : $"{m.ValueSize}-byte values";
                text.AppendLine(CultureInfo.InvariantCulture, $"  map {m.Name} (id {m.Id}, {m.Type}, max {m.MaxEntries} entries): {total}");
            }
        }
        return text.ToString();
    }
}
