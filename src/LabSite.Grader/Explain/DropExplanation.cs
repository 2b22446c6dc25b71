namespace LabSite.Grader.Explain;

/// <summary>Why a dropped flow was dropped, as far as the live cluster can tell.</summary>
public enum DropCause
{
    /// <summary>A deny entry in the endpoint's policy map matched; deny wins over any allow.</summary>
    PolicyDeny,

    /// <summary>Policy is enforced in that direction and no entry allows the peer on that port: default deny.</summary>
    MissingAllow,

    /// <summary>The L7 proxy refused the request: no HTTP rule matches its method and path.</summary>
    L7Denied,

    /// <summary>The datapath dropped it for a reason other than policy (the reason is named).</summary>
    NotPolicy,

    /// <summary>The map now allows the traffic: the policy changed after the drop.</summary>
    NowAllowed,

    /// <summary>The cluster cannot tell (no inspection, endpoint gone, not a drop).</summary>
    Unknown,
}

/// <summary>One side of the flow: who it is (pod or reserved entity), its identity and its labels.</summary>
public sealed record FlowParty(string Name, uint Identity, IReadOnlyList<string> Labels)
{
    public override string ToString() => $"{Name} (identity {Identity})";
}

/// <summary>
/// "Why was this dropped?": the answer in the learner's words, each part separately so the site can lay it out and
/// the grader can put it in a check's evidence (<see cref="ToLines"/>). <see cref="MapEntries"/> are the entries of
/// the enforcing endpoint's policy map that were consulted, as <c>cilium-dbg bpf policy get</c> prints them.
/// </summary>
public sealed record DropExplanation(
    DropCause Cause,
    string Summary,
    FlowParty? Source = null,
    FlowParty? Destination = null,
    string Direction = "",
    string PortProtocol = "",
    string EnforcedBy = "",
    IReadOnlyList<string>? MapEntries = null,
    IReadOnlyList<string>? SelectingRules = null,
    string Fix = "")
{
    public static DropExplanation Unknown(string why) => new(DropCause.Unknown, why);

    /// <summary>The explanation as plain lines, for a check's evidence and the command line.</summary>
    public IReadOnlyList<string> ToLines()
    {
        var lines = new List<string> { $"Why was this dropped? {Summary}" };
        if (Source is not null && Destination is not null)
        {
            lines.Add($"  from {Source}: {Join(Source.Labels)}");
            lines.Add($"  to   {Destination}: {Join(Destination.Labels)}");
        }
        if (Direction.Length > 0)
        {
            lines.Add($"  direction {Direction}, {PortProtocol}, enforced by {EnforcedBy}");
        }
        if (SelectingRules is { Count: > 0 } rules)
        {
            lines.Add($"  rules selecting it: {string.Join("; ", rules)}");
        }
        if (MapEntries is { Count: > 0 } entries)
        {
            lines.Add("  policy map entries consulted:");
            lines.AddRange(entries.Select(e => "    " + e));
        }
        if (Fix.Length > 0)
        {
            lines.Add($"  to allow it: {Fix}");
        }
        return lines;
    }

    private static string Join(IReadOnlyList<string> labels) => labels.Count == 0 ? "(no labels)" : string.Join(", ", labels);
}
