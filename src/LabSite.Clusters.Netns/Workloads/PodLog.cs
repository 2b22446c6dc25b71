namespace LabSite.Clusters.Netns.Workloads;

/// <summary>
/// What a pod's containers "printed": a bounded, thread-safe list of timestamped lines per container,
/// read by <c>kubectl logs</c>. Old lines fall off the front, as a rotated container log would.
/// </summary>
public sealed class PodLog
{
    private const int MaxLines = 5000;
    private readonly Lock _gate = new();
    private readonly List<(DateTimeOffset At, string Container, string Line)> _lines = [];

    public void Write(string container, string line)
    {
        lock (_gate)
        {
            _lines.Add((DateTimeOffset.UtcNow, container, line));
            if (_lines.Count > MaxLines)
            {
                _lines.RemoveRange(0, _lines.Count - MaxLines);
            }
        }
    }

    /// <summary>The container's lines (all containers when null), the last <paramref name="tail"/> when given.</summary>
    public IReadOnlyList<string> Read(string? container, int? tail)
    {
        lock (_gate)
        {
            var selected = _lines.Where(l => container is null || l.Container == container).Select(l => l.Line).ToList();
            return tail is { } t && t >= 0 && t < selected.Count ? selected[^t..] : selected;
        }
    }
}
