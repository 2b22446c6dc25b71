namespace LabSite.NetnsBench;

/// <summary>CPU time of this process, or of its threads by name, from /proc (user + system).</summary>
public static class CpuSeconds
{
    private const double TicksPerSecond = 100; // USER_HZ: /proc reports times in ticks of 10 ms on Linux

    public static double Process()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>Threads whose name (comm, first 15 characters) starts with <paramref name="prefix"/>.</summary>
    public static double Threads(string prefix)
    {
        double total = 0;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }
                // Fields after the parenthesised comm: state is field 3, utime 14, stime 15.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                total += (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }
        return total;
    }
}
