using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.LearnerBpf;

namespace LabSite.Clusters.Netns.LearnerBpf;

/// <summary>
/// Compiles a learner's program with the host's clang as a client program of the lab (<see cref="IInClusterNetwork"/>):
/// unprivileged, in the lab's network, time, memory and output limited, seeing the learner's files (read-only, in
/// /work) and LabSite's own header folder (<c>bpf/learner</c>, as the only include path: <c>-nostdinc</c>), never the
/// host's headers. The object comes back on stdout (<c>-o -</c>), so the sandbox needs nothing writable.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class LearnerClang
{
    public const string HostClang = "/usr/bin/clang";
    private const string SandboxClang = "/usr/local/bin/clang";
    private const string SandboxWork = "/work";
    private const string SandboxInclude = "/labsite/include";

    /// <summary>LabSite's learner headers, shipped beside the assembly as <c>bpf/learner/</c>.</summary>
    public static string HeaderDirectory => Path.Combine(AppContext.BaseDirectory, "bpf", "learner");

    public static async Task<BpfCompileResult> CompileAsync(IInClusterNetwork lab, BpfCompileRequest request, CancellationToken ct)
    {
        // Checked again here: the backend trusts no caller with clang's argv.
        var invocation = ClangArguments.Parse([.. request.Invocation.Flags, "-target", "bpf", "-c", request.Invocation.Source, "-o", request.Invocation.Output]);
        CheckFiles(request.Files, invocation.Source);
        if (!File.Exists(HostClang))
        {
            throw new ClusterException($"clang: this host has no {HostClang} (install clang)");
        }
        var clang = new FileInfo(HostClang).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? HostClang;

        var folder = Directory.CreateTempSubdirectory("labsite-clang-");
        try
        {
            var work = Directory.CreateDirectory(Path.Combine(folder.FullName, "work")).FullName;
            foreach (var (name, bytes) in request.Files)
            {
                await File.WriteAllBytesAsync(Path.Combine(work, name), bytes, ct);
                File.SetUnixFileMode(Path.Combine(work, name), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
            // Root's temp folders are 0700: the sandbox's user must reach in (not list: the name is random).
            File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
            File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

            string[] args =
            [
                .. invocation.Flags, .. invocation.Flags.Contains("-g") ? Array.Empty<string>() : ["-g"],
                "-target", "bpf", "-nostdinc", "-isystem", SandboxInclude, "-c", invocation.Source, "-o", "-",
            ];
            var run = new ClientRun(clang, SandboxClang, args, [(work, SandboxWork), (HeaderDirectory, SandboxInclude)],
                new Dictionary<string, string>(), SandboxWork, LearnerBpfLimits.CompileTimeout, LearnerBpfLimits.CompileMemoryBytes);
            using var stdout = new MemoryStream();
            using var stderr = new MemoryStream();
            var exit = await lab.RunClientAsync(run, new ExecStreams(stdout, stderr), ct);
            var diagnostics = Encoding.UTF8.GetString(stderr.GetBuffer(), 0, (int)Math.Min(stderr.Length, 64 * 1024));
            if (exit != 0)
            {
                return new BpfCompileResult(exit, diagnostics, null);
            }
            if (stdout.Length > LearnerBpfLimits.MaxObjectBytes)
            {
                return new BpfCompileResult(1, diagnostics + $"clang: the object is {stdout.Length / 1024} KiB, more than the {LearnerBpfLimits.MaxObjectBytes / 1024} KiB a learner program may be\n", null);
            }
            return new BpfCompileResult(0, diagnostics, stdout.ToArray());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void CheckFiles(IReadOnlyDictionary<string, byte[]> files, string source)
    {
        if (files.Count > ClangArguments.MaxFiles || files.Values.Sum(f => (long)f.Length) > ClangArguments.MaxSourceBytes)
        {
            throw new ClusterException($"clang: at most {ClangArguments.MaxFiles} files and {ClangArguments.MaxSourceBytes / 1024} KiB of sources per compile");
        }
        foreach (var name in files.Keys)
        {
            try
            {
                ClangArguments.FileName(name, name.EndsWith(".h", StringComparison.Ordinal) ? ".h" : ".c");
            }
            catch (ArgumentException e)
            {
                throw new ClusterException(e.Message, e);
            }
        }
        if (!files.ContainsKey(source))
        {
            throw new ClusterException($"clang: {source}: no such file in the lab folder");
        }
    }
}
