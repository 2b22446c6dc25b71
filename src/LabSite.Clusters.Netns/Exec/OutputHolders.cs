using System.IO.Pipes;
using LabSite.Clusters.Netns.Kernel.Interop;

namespace LabSite.Clusters.Netns.Exec;

/// <summary>
/// The processes that still hold an exec's output after the exec was stopped: a sandbox bwrap had just forked when the
/// stop came (its die-with-parent not armed yet) lives on orphaned and runs the program. An exec's output ends only
/// when they do, so a stopped exec kills them.
/// </summary>
internal static class OutputHolders
{
    /// <summary>What <c>/proc/PID/fd</c> shows for a process's end of this pipe (<c>pipe:[inode]</c>), or null.</summary>
    public static string? Of(Stream stream) =>
        stream is AnonymousPipeClientStream pipe ? LinkOf($"/proc/self/fd/{pipe.SafePipeHandle.DangerousGetHandle()}") : null;

    /// <summary>SIGKILLs every other process with a descriptor on one of <paramref name="ends"/>; returns how many.</summary>
    public static int Kill(IReadOnlyCollection<string> ends)
    {
        var killed = 0;
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out var pid) || pid == Environment.ProcessId || !Holds(proc, ends))
            {
                continue;
            }
            killed += Libc.Kill(pid, Libc.SigKill) == 0 ? 1 : 0;
        }
        return killed;
    }

    private static bool Holds(string proc, IReadOnlyCollection<string> ends)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(Path.Combine(proc, "fd")).Any(fd => LinkOf(fd) is { } target && ends.Contains(target));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // the process ended meanwhile
        }
    }

    private static string? LinkOf(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
