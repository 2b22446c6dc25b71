namespace LabSite.TerminalBench;

/// <summary>Resident memory of a process and the host's load, from /proc (BPF map memory: NetnsBench's Stats).</summary>
public static class HostMemory
{
    public static long RssKiB(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))["VmRSS:".Length..].Trim().Split(' ')[0]);

    public static string Load() => File.ReadAllText("/proc/loadavg").Trim();
}
