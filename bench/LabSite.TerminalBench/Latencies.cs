namespace LabSite.TerminalBench;

/// <summary>Samples in milliseconds and their percentiles (nearest rank), printed as one line.</summary>
public sealed class Latencies
{
    private readonly List<double> _samples = [];

    public int Count => _samples.Count;

    public void Add(TimeSpan t)
    {
        lock (_samples)
        {
            _samples.Add(t.TotalMilliseconds);
        }
    }

    public double Percentile(double q)
    {
        var sorted = _samples.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public override string ToString() =>
        Count == 0 ? "no samples" : $"n={Count} p50 {Percentile(0.50):0.00} ms, p95 {Percentile(0.95):0.00} ms, p99 {Percentile(0.99):0.00} ms, max {_samples.Max():0.00} ms";
}
