using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.LearnerBpf;
using LabSite.Shell.Builtins;

namespace LabSite.Shell.LearnerBpf;

/// <summary>
/// <c>clang -O2 -target bpf -c counter.c -o counter.o</c>: compiles a file of the lab folder for eBPF. The agent runs the
/// host's clang sandboxed in the lab (unprivileged, limited, the learner's files and LabSite's <c>labsite_bpf.h</c> only);
/// diagnostics come back here and the object is written into the lab folder.
/// </summary>
public sealed class ClangCommand : BuiltinCommand
{
    public override string Name => "clang";

    public override string Summary => "compile an eBPF program of the lab folder (clang -O2 -target bpf -c counter.c -o counter.o)";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        if (context.Args.Count == 0 || context.Args is ["--help" or "-h"])
        {
            await context.Stdout.WriteLineAsync(ClangArguments.Usage + "\nIncludes: \"labsite_bpf.h\" (types, SEC, maps, tc verdicts, the allowed helpers) and the .h files of the lab folder.");
            return 0;
        }
        ClangInvocation invocation;
        try
        {
            invocation = ClangArguments.Parse(context.Args);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        if (context.Session.Cluster is not ILearnerBpf lab)
        {
            await context.Stderr.WriteLineAsync(context.Session.Cluster is null
                ? "clang: this lab has no cluster running yet; start the lab, then try again"
                : $"clang: cluster \"{context.Session.Cluster.Name}\" ({context.Session.Cluster.Backend}) cannot run programs of yours");
            return 1;
        }

        Dictionary<string, byte[]> files;
        try
        {
            files = SourceFiles(context.Session.Folder, invocation.Source);
        }
        catch (ShellPathException e)
        {
            await context.Stderr.WriteLineAsync($"clang: {e.Message}");
            return 1;
        }

        BpfCompileResult result;
        try
        {
            result = await lab.CompileBpfAsync(new BpfCompileRequest(invocation, files), context.Cancellation);
        }
        catch (Exception e) when (e is ClusterException or ArgumentException)
        {
            await context.Stderr.WriteLineAsync(e.Message.StartsWith("clang:", StringComparison.Ordinal) ? e.Message : $"clang: {e.Message}");
            return 1;
        }
        await context.Stderr.WriteAsync(result.Diagnostics);
        if (result.Object is { } obj)
        {
            try
            {
                context.Session.Folder.WriteAllBytes(invocation.Output, obj);
            }
            catch (ShellPathException e)
            {
                await context.Stderr.WriteLineAsync($"clang: {e.Message}");
                return 1;
            }
        }
        return result.ExitCode;
    }

    /// <summary>The source and every header at the top of the lab folder (what <c>#include "x.h"</c> may name), bounded.</summary>
    private static Dictionary<string, byte[]> SourceFiles(WorkingFolder folder, string source)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [source] = folder.ReadAllBytes(source) };
        foreach (var header in Directory.EnumerateFiles(folder.Root, "*.h").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
        {
            if (files.Count >= ClangArguments.MaxFiles)
            {
                break;
            }
            try
            {
                ClangArguments.FileName(header, ".h");
            }
            catch (ArgumentException)
            {
                continue;
            }
            files[header] = folder.ReadAllBytes(header);
        }
        var total = files.Values.Sum(f => (long)f.Length);
        return total <= ClangArguments.MaxSourceBytes
            ? files
            : throw new ShellPathException(source, $"the source and the lab folder's headers are {total / 1024} KiB; at most {ClangArguments.MaxSourceBytes / 1024} KiB are compiled");
    }
}
