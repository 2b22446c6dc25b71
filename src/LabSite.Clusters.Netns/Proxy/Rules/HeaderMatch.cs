namespace LabSite.Clusters.Netns.Proxy.Rules;

/// <summary>
/// What to do when a <c>headerMatches</c> entry does not match (Cilium's <c>mismatch</c> field). With no action the
/// rule simply does not match; with an action the rule still matches and the proxy acts on the request instead.
/// </summary>
public enum HeaderMismatchAction
{
    /// <summary>Mismatch fails the rule.</summary>
    None,

    /// <summary>Allow, and note the mismatch in the flow.</summary>
    Log,

    /// <summary>Allow, adding <c>name: value</c> to the forwarded request.</summary>
    Add,

    /// <summary>Allow, removing the header from the forwarded request.</summary>
    Delete,

    /// <summary>Allow, replacing the header's value with the rule's value.</summary>
    Replace,
}

/// <summary>
/// One <c>headerMatches[]</c> entry: header <see cref="Name"/> must carry exactly <see cref="Value"/> (or, with an
/// empty value, merely be present). Values compare exactly, as Envoy's exact header matcher does.
/// </summary>
public sealed record HeaderMatch(string Name, string Value = "", HeaderMismatchAction Mismatch = HeaderMismatchAction.None)
{
    /// <summary>Parses Cilium's spelling of <c>mismatch</c> (LOG, ADD, DELETE, REPLACE; empty = none).</summary>
    public static HeaderMismatchAction ParseMismatch(string? text, string fieldPath) => (text ?? "").ToUpperInvariant() switch
    {
        "" => HeaderMismatchAction.None,
        "LOG" => HeaderMismatchAction.Log,
        "ADD" => HeaderMismatchAction.Add,
        "DELETE" => HeaderMismatchAction.Delete,
        "REPLACE" => HeaderMismatchAction.Replace,
        _ => throw new L7RuleException(fieldPath, $"mismatch '{text}' must be one of LOG, ADD, DELETE, REPLACE"),
    };
}
