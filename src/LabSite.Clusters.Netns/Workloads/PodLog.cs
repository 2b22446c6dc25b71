namespace LabSite.Clusters.Netns.Workloads;

using LabSite.Clusters.Contract;

/// <summary>
/// What a pod's containers "printed": a bounded, thread-safe list of timestamped lines per container,
/// read by <c>kubectl logs</c>. Old lines fall off the front, as a rotated container log would.
/// </summary>
public sealed class PodLog
{
    private const int MaxLines = 5000;
    private readonly Lock gate = new();
    private readonly List<(DateTimeOffset At, string Container, string Line)> lines = [];

    public void Write(string container, string line)
    {
        lock (gate)
        {
            lines.Add((DateTimeOffset.UtcNow, container, line));
            if (lines.Count > MaxLines)
            {
                lines.RemoveRange(0, lines.Count - MaxLines);
            }
        }
    }

    /// <summary>The container's lines (all containers when null), the last <paramref name="tail"/> when given.</summary>
    public IReadOnlyList<string> Read(string? container, int? tail)
    {
        lock (gate)
        {
            var selected = lines.Where(l => container is null || l.Container == container).Select(l => l.Line).ToList();
            return tail is { } t && t >= 0 && t < selected.Count ? selected[^t..] : selected;
        }
    }
}
