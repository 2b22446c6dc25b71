namespace LabSite.Clusters.Contract.Runtime;

/// <summary>
/// The filters of <c>tetra getevents</c>: <c>--namespace</c>, <c>--pod</c> (prefix, as Tetragon matches pod
/// names), <c>--process</c> (binary, by base name or full path), <c>--event-types</c>. Empty lists match all.
/// </summary>
public sealed record TetragonFilter(
    IReadOnlyList<string> Namespaces,
    IReadOnlyList<string> Pods,
    IReadOnlyList<string> Processes,
    IReadOnlyList<string> EventTypes)
{
    public static readonly TetragonFilter All = new([], [], [], []);

    public static readonly IReadOnlyList<string> KnownEventTypes = ["PROCESS_EXEC", "PROCESS_EXIT", "PROCESS_LSM"];

    public bool Matches(TetragonEvent e)
    {
        var p = e.Process;
        if (p is null)
        {
            return false;
        }

        return (Namespaces.Count == 0 || (p.Pod is { } ns && Namespaces.Contains(ns.Namespace)))
            && (Pods.Count == 0 || (p.Pod is { } pod && Pods.Any(x => pod.Name.StartsWith(x, StringComparison.Ordinal))))
            && (Processes.Count == 0 || Processes.Any(x => p.Binary == x || Path.GetFileName(p.Binary) == x))
            && (EventTypes.Count == 0 || EventTypes.Contains(e.EventType, StringComparer.OrdinalIgnoreCase));
    }
}
