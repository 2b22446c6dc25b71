namespace LabSite.Testing;

/// <summary>The host's processes as <c>/proc</c> lists them, for tests that check what runs, or was left running.</summary>
public static class HostProcesses
{
    /// <summary>Each live process's pid and argv (a process that ends while being read is skipped).</summary>
    public static IEnumerable<(int Pid, string[] Argv)> All()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (cmdline.Length > 0)
            {
                yield return (pid, cmdline.TrimEnd('\0').Split('\0'));
            }
        }
    }

    /// <summary>
    /// The processes running exactly <paramref name="argv"/>; the program may also appear by its path in /usr/bin
    /// (bubblewrap runs a pod's programs by path).
    /// </summary>
    public static IEnumerable<int> Running(params string[] argv) =>
        All().Where(p => p.Argv.Length == argv.Length
                && (p.Argv[0] == argv[0] || p.Argv[0] == "/usr/bin/" + argv[0])
                && p.Argv.AsSpan(1).SequenceEqual(argv.AsSpan(1)))
            .Select(p => p.Pid);
}
