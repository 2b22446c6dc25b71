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

    public static long MemAvailableKiB() =>
        long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
