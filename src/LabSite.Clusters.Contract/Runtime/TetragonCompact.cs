namespace LabSite.Clusters.Contract.Runtime;

/// <summary>
/// <c>tetra getevents -o compact</c>: one line per event, an emoji, a verb padded to the same width, the
/// pod as namespace/name, the binary and its arguments, e.g. <c>🚀 process default/xwing /bin/sh -c id</c>.
/// </summary>
public static class TetragonCompact
{
    public static string Format(TetragonEvent e)
    {
        if (e.ProcessExec is { } exec)
        {
            return Line("🚀", "process", exec.Process, Command(exec.Process));
        }

        if (e.ProcessExit is { } exit)
        {
            var how = exit.Signal is { Length: > 0 } signal ? signal : (exit.Status ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Line("💥", "exit", exit.Process, $"{Command(exit.Process)} {how}");
        }

        var lsm = e.ProcessLsm!;
        var path = lsm.Args.Select(a => a.FileArg?.Path ?? a.LinuxBinprmArg?.Path).FirstOrDefault(p => p is not null);
        var (emoji, verb) = lsm.FunctionName switch
        {
            "bprm_check_security" => ("🔒", "exec"),
            _ => ("📚", "open"),
        };
        var line = Line(emoji, verb, lsm.Process, $"{lsm.Process.Binary} {path}");
        return lsm.Action switch
        {
            TetragonActions.Sigkill => line + " ☠ SIGKILL",
            TetragonActions.Override => line + " ⛔ denied",
            _ => line,
        };
    }

    private static string Line(string emoji, string verb, TetragonProcess p, string rest) =>
        $"{emoji} {verb,-7} {PodName(p)} {rest}".TrimEnd();

    private static string PodName(TetragonProcess p) => p.Pod is { } pod ? $"{pod.Namespace}/{pod.Name}" : "";

    private static string Command(TetragonProcess p) =>
        string.IsNullOrEmpty(p.Arguments) ? p.Binary : $"{p.Binary} {p.Arguments}";
}
