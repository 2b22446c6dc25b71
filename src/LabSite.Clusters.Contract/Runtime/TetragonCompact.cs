namespace LabSite.Clusters.Contract.Runtime;

/// <summary>
/// <c>tetra getevents -o compact</c>, laid out as Tetragon's CompactEncoder does: an emoji and a verb padded to 7,
/// the source (the pod as namespace/name, else the node name), the binary, then per event its arguments and exit
/// status or signal (<c>💥 exit    default/xwing /usr/bin/curl https://ebpf.io 60</c>), or for an LSM hook its
/// function name (<c>🔒 LSM     default/deathstar /usr/bin/cat file_open</c>).
/// </summary>
public static class TetragonCompact
{
    public static string Format(TetragonEvent e)
    {
        if (e.ProcessExec is { } exec)
        {
            return Line("🚀", "process", e, exec.Process, exec.Process.Arguments);
        }

        if (e.ProcessExit is { } exit)
        {
            var how = exit.Signal is { Length: > 0 } signal ? signal : (exit.Status ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Line("💥", "exit", e, exit.Process, $"{exit.Process.Arguments} {how}");
        }

        var lsm = e.ProcessLsm ?? throw new ArgumentException("a Tetragon event needs process_exec, process_exit or process_lsm", nameof(e));
        return Line("🔒", "LSM", e, lsm.Process, lsm.FunctionName);
    }

    /// <summary>"emoji verb source binary rest"; Tetragon leaves a space before an empty rest, trimmed here.</summary>
    private static string Line(string emoji, string verb, TetragonEvent e, TetragonProcess p, string? rest)
    {
        var source = p.Pod is { } pod ? $"{pod.Namespace}/{pod.Name}" : e.NodeName;
        return $"{emoji} {verb,-7} {source} {p.Binary} {rest}".TrimEnd();
    }
}
