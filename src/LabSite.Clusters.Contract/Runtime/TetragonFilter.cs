using System.Text.RegularExpressions;

namespace LabSite.Clusters.Contract.Runtime;

/// <summary>
/// The filters of <c>tetra getevents</c> as Tetragon's <c>Filter</c> applies them: <c>--namespaces</c> (exact),
/// <c>--pods</c> (<c>pod_regex</c>: a regular expression found anywhere in the pod name), <c>--processes</c>
/// (<c>binary_regex</c>: found anywhere in the binary's path), <c>--event-types</c> (<c>event_set</c>). Values of one
/// flag are alternatives; different flags must all match. Empty lists match all.
/// </summary>
public sealed record TetragonFilter(
    IReadOnlyList<string> Namespaces,
    IReadOnlyList<string> Pods,
    IReadOnlyList<string> Processes,
    IReadOnlyList<string> EventTypes)
{
    private static readonly TimeSpan s_regexTimeout = TimeSpan.FromMilliseconds(50);

    public static readonly TetragonFilter All = new([], [], [], []);

    public static readonly IReadOnlyList<string> KnownEventTypes = ["PROCESS_EXEC", "PROCESS_EXIT", "PROCESS_LSM"];

    /// <summary>The first problem (a bad regular expression, an unknown event type), or null.</summary>
    public string? Validate()
    {
        foreach (var (flag, patterns) in new[] { ("pods", Pods), ("processes", Processes) })
        {
            foreach (var p in patterns)
            {
                try
                {
                    _ = new Regex(p, RegexOptions.None, s_regexTimeout);
                }
                catch (ArgumentException e)
                {
                    return $"invalid value for \"{flag}\" flag: {p}: {e.Message}";
                }
            }
        }

        var unknown = EventTypes.FirstOrDefault(t => !KnownEventTypes.Contains(t, StringComparer.Ordinal));
        return unknown is null ? null : $"invalid value for \"event-types\" flag: {unknown}. Supported are {string.Join(", ", KnownEventTypes)}";
    }

    public bool Matches(TetragonEvent e)
    {
        var p = e.Process;
        if (p is null)
        {
            return false;
        }

        return (Namespaces.Count == 0 || (p.Pod is { } ns && Namespaces.Contains(ns.Namespace)))
            && (Pods.Count == 0 || (p.Pod is { } pod && Pods.Any(x => Found(pod.Name, x))))
            && (Processes.Count == 0 || Processes.Any(x => Found(p.Binary, x)))
            && (EventTypes.Count == 0 || EventTypes.Contains(e.EventType, StringComparer.Ordinal));
    }

    private static bool Found(string input, string pattern)
    {
        try
        {
            return Regex.IsMatch(input, pattern, RegexOptions.None, s_regexTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
