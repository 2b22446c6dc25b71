namespace LabSite.NetnsBench;

/// <summary>Percentiles and /proc/meminfo reading for the console benchmarks.</summary>
public static class Stats
{
    public static string Summary(List<double> ms)
    {
        var sorted = ms.Order().ToList();
        double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
        return $"p50 {P(0.50):0.0} ms, p95 {P(0.95):0.0} ms, min {sorted[0]:0.0} ms, max {sorted[^1]:0.0} ms";
    }

    /// <summary>The <paramref name="q"/> quantile (0-1, nearest rank) of <paramref name="values"/>.</summary>
    public static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>The median the alternating-rounds benchmarks report (one noisy round moves it little).</summary>
    public static double Median(List<double> values)
    {
        var s = values.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
    }

    public static long MemAvailableKiB() =>
        long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    /// <summary>Kernel memory charged to the BPF maps a process holds (fdinfo "memlock", each map once); default this one.</summary>
    public static long BpfMapMemlockBytes(string process = "self")
    {
        var perMap = new Dictionary<string, long>();
        foreach (var f in Directory.GetFiles($"/proc/{process}/fdinfo"))
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(f);
            }
            catch (IOException)
            {
                continue; // the descriptor closed meanwhile
            }

            var id = lines.FirstOrDefault(l => l.StartsWith("map_id:", StringComparison.Ordinal));
            var memlock = lines.FirstOrDefault(l => l.StartsWith("memlock:", StringComparison.Ordinal));
            if (id is not null && memlock is not null)
            {
                perMap[id] = long.Parse(memlock["memlock:".Length..].Trim());
            }
        }

        return perMap.Values.Sum();
    }
}
