using System.Diagnostics;
using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Netns.Flows;

/// <summary>
/// Turns bpf_ktime_get_ns() (CLOCK_MONOTONIC) into wall-clock timestamps. On Linux, .NET's Stopwatch reads the
/// same clock, so one offset measured at start converts every event exactly enough for flow ordering.
/// </summary>
public sealed class MonotonicClock
{
    private readonly long _offsetNs;

    public MonotonicClock()
    {
        var monoNs = (long)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));
        var wallNs = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        _offsetNs = wallNs - monoNs;
    }

    /// <summary>For tests: a clock whose monotonic zero is <paramref name="epochNs"/> Unix nanoseconds.</summary>
    public MonotonicClock(long epochNs) => _offsetNs = epochNs;

    public Timestamp ToTimestamp(ulong ktimeNs) => Timestamp.FromUnixNanoseconds(_offsetNs + (long)ktimeNs);
}
