using System.Globalization;
using LabSite.Clusters.Contract.Flows;
using LabSite.Scenarios.Model.Checks;
using CheckFilter = LabSite.Scenarios.Model.Checks.FlowFilter;

namespace LabSite.Grader.Evaluation.Flow;

/// <summary>
/// Turns a flow check's filter into the Hubble filter <c>hubble observe</c> would build from the same flags, so a
/// check matches exactly the flows a learner sees when typing the equivalent command (<see cref="Command"/>).
/// </summary>
public static class FlowQueryBuilder
{
    /// <summary>The flags, in <c>hubble observe</c> order, e.g. <c>--from-pod default/xwing --verdict DROPPED</c>.</summary>
    public static IReadOnlyList<(string Flag, string Value)> Flags(CheckFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var flags = new List<(string, string)>();
        AddPods(flags, "from", filter.From);
        AddPods(flags, "to", filter.To);
        if (filter.Verdict is { } verdict)
        {
            flags.Add(("verdict", verdict.ToString().ToUpperInvariant()));
        }
        if (filter.DropReason is { } reason)
        {
            flags.Add(("drop-reason-desc", reason));
        }
        if (filter.Protocol is { } protocol)
        {
            flags.Add(("protocol", protocol.ToString().ToLowerInvariant()));
        }
        if (filter.Port is { } port)
        {
            flags.Add(("to-port", port.ToString(CultureInfo.InvariantCulture)));
        }
        if (filter.Type is { } type)
        {
            flags.Add(("type", type switch
            {
                FlowEventType.Drop => "drop",
                FlowEventType.Trace => filter.TracePoint is { } point ? $"trace:{point}" : "trace",
                FlowEventType.L7 => "l7",
                _ => "policy-verdict",
            }));
        }
        if (filter.Direction is { } direction)
        {
            flags.Add(("traffic-direction", direction.ToString().ToLowerInvariant()));
        }
        if (filter.Http is { } http)
        {
            if (http.Method is { } m)
            {
                flags.Add(("http-method", m));
            }
            if (http.Path is { } p)
            {
                flags.Add(("http-path", p));
            }
            if (http.Code is { } c)
            {
                flags.Add(("http-status", c.ToString(CultureInfo.InvariantCulture)));
            }
        }
        return flags;
    }

    public static FlowFilterSet Build(CheckFilter filter)
    {
        var builder = new FlowFilterBuilder();
        foreach (var (flag, value) in Flags(filter))
        {
            builder.Add(flag, value);
        }
        return builder.Build();
    }

    /// <summary>The equivalent command a learner can type: <c>hubble observe --from-pod default/xwing ...</c>.</summary>
    public static string Command(CheckFilter filter) =>
        "hubble observe " + string.Join(" ", Flags(filter).Select(f => $"--{f.Flag} {Quote(f.Value)}"));

    /// <summary>The same filter with only the pod flags: flows between the pods, to show near misses.</summary>
    public static FlowFilterSet PodsOnly(CheckFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Build(new CheckFilter(filter.From, filter.To, null, null, null, null, null, null, null));
    }

    private static void AddPods(List<(string, string)> flags, string side, PodSelector? pods)
    {
        if (pods is null)
        {
            return;
        }
        if (pods.Name is { } name)
        {
            flags.Add(($"{side}-pod", $"{pods.Namespace}/{name}"));
            return;
        }
        flags.Add(($"{side}-namespace", pods.Namespace));
        flags.Add(($"{side}-label", string.Join(",", pods.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))));
    }

    private static string Quote(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || c is '*' or '?' or '\\' or '$' or '(' or ')' or '|' or '[' or '{') ? $"'{value}'" : value;
}
