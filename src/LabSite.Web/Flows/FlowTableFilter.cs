using LabSite.Clusters.Contract.Flows;

namespace LabSite.Web.Flows;

/// <summary>
/// The flow table's filters, Hubble's own (<c>--pod</c>, <c>--verdict</c>, <c>--port</c>, <c>--protocol http</c>), built
/// by the contract's <see cref="FlowFilterBuilder"/> so the table selects exactly what <c>hubble observe</c> would.
/// </summary>
public sealed record FlowTableFilter(string Pod = "", string Verdict = "", string Port = "", bool HttpOnly = false)
{
    /// <summary>The Hubble filter set; a bad value throws <see cref="ArgumentException"/> naming the flag.</summary>
    public FlowFilterSet Build()
    {
        var builder = new FlowFilterBuilder();
        foreach (var (flag, value) in Flags())
        {
            builder.Add(flag, value);
        }
        return builder.Build();
    }

    /// <summary>The same selection as a command the learner can type in the terminal.</summary>
    public string Command() => string.Join(" ", Flags().Select(f => $"--{f.Flag} {f.Value}").Prepend("hubble observe"));

    private IEnumerable<(string Flag, string Value)> Flags()
    {
        if (Pod.Trim() is { Length: > 0 } pod)
        {
            yield return ("pod", pod);
        }
        if (Verdict.Trim() is { Length: > 0 } verdict)
        {
            yield return ("verdict", verdict);
        }
        if (Port.Trim() is { Length: > 0 } port)
        {
            yield return ("port", port);
        }
        if (HttpOnly)
        {
            yield return ("protocol", "http");
        }
    }
}
