namespace LabSite.Clusters.Netns.Proxy.Rules;

/// <summary>The proxy's verdict on one request, plus header actions from matching <c>headerMatches</c> with <c>mismatch</c>.</summary>
public sealed record L7Decision(bool Allowed, IReadOnlyList<HeaderMatch> Actions, string Reason)
{
    public static L7Decision Deny(string reason) => new(false, [], reason);
}
