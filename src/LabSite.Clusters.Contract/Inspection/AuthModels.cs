using System.Globalization;
using System.Text;

namespace LabSite.Clusters.Contract.Inspection;

/// <summary>
/// One entry of the auth map (<c>cilium-dbg bpf auth list</c>): the identity pair a node authenticated, the peer's node
/// (0 = the same node), the auth type (<c>spire</c>) and when it expires. <see cref="Node"/> is the node whose agent
/// wrote it (Cilium keeps one map per node; the list is per node there).
/// </summary>
public sealed record AuthEntryModel(string Node, uint LocalIdentity, uint RemoteIdentity, ushort RemoteNodeId, string AuthType, DateTimeOffset Expiration)
{
    /// <summary>Cilium's table: SRC IDENTITY, DST IDENTITY, REMOTE NODE ID, AUTH TYPE, EXPIRATION (Go's time format).</summary>
    public static string ToText(IEnumerable<AuthEntryModel> entries)
    {
        var text = new StringBuilder("SRC IDENTITY\tDST IDENTITY\tREMOTE NODE ID\tAUTH TYPE\tEXPIRATION\n");
        foreach (var e in entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"{e.LocalIdentity}\t{e.RemoteIdentity}\t{e.RemoteNodeId}\t{e.AuthType}\t{GoTime(e.Expiration)}\n");
        }
        return GoTabWriter.Format(text.ToString(), minWidth: 5, padding: 3);
    }

    /// <summary>Go's <c>time.Time.String()</c> in UTC: <c>2026-12-07 00:42:10 +0000 UTC</c>.</summary>
    public static string GoTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " +0000 UTC";
}

/// <summary>
/// A SPIRE registration entry for a Cilium identity, as Cilium's operator creates them (SPIFFE ID
/// <c>spiffe://spiffe.cilium/identity/ID</c>, parent the operator, selector <c>cilium:mutual-auth</c>), with the identity's
/// labels and the expiry of the certificate the lab's CA last issued for it (null: none issued yet).
/// </summary>
public sealed record SpireEntryModel(string EntryId, uint Identity, IReadOnlyList<string> Labels, DateTimeOffset? SvidExpiry)
{
    public const string TrustDomain = "spiffe.cilium";

    public const string ParentId = "spiffe://spiffe.cilium/cilium-operator";

    public string SpiffeId => SpiffeIdOf(Identity);

    public static string SpiffeIdOf(uint identity) => $"spiffe://{TrustDomain}/identity/{identity.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The identity a SPIFFE ID names, or null when it is not <c>spiffe://spiffe.cilium/identity/N</c>.</summary>
    public static uint? IdentityOf(string? spiffeId)
    {
        const string prefix = "spiffe://" + TrustDomain + "/identity/";
        return spiffeId is { Length: > 0 and < 80 } && spiffeId.StartsWith(prefix, StringComparison.Ordinal)
            && uint.TryParse(spiffeId.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id : null;
    }

    /// <summary><c>spire-server entry show</c>'s text for these entries.</summary>
    public static string ToText(IReadOnlyList<SpireEntryModel> entries)
    {
        var text = new StringBuilder(entries.Count == 1 ? "Found 1 entry\n" : $"Found {entries.Count} entries\n");
        foreach (var e in entries)
        {
            text.Append("Entry ID         : ").Append(e.EntryId).Append('\n')
                .Append("SPIFFE ID        : ").Append(e.SpiffeId).Append('\n')
                .Append("Parent ID        : ").Append(ParentId).Append('\n')
                .Append("Revision         : 0\n")
                .Append("X509-SVID TTL    : default\n")
                .Append("JWT-SVID TTL     : default\n")
                .Append("Selector         : cilium:mutual-auth\n\n");
        }
        return text.ToString();
    }
}

/// <summary>
/// <c>spire-server entry delete</c> (revoke: the identity's certificate is withdrawn and its auth map entries removed) or
/// <c>entry create</c> (re-issue), for one identity (<see cref="Identity"/>) or every identity whose labels include all of
/// <see cref="Labels"/> (LabSite's addition: a lab cannot know identity numbers in advance).
/// </summary>
public sealed record SpireEntryChange(bool Create, uint? Identity, IReadOnlyList<string>? Labels);
