using System.Text.Json.Nodes;
using LabSite.Clusters.Netns.Fqdn;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>Parses a list of FQDN selectors (<c>toFQDNs</c> or <c>rules.dns</c>), each exactly one of matchName or matchPattern.</summary>
internal static class FqdnParser
{
    public static List<FqdnSelector>? Selectors(JsonFields f, JsonObject o, string path, string field)
    {
        if (f.Array(o, path, field) is not { } items)
        {
            return null;
        }
        var list = new List<FqdnSelector>();
        for (var i = 0; i < items.Count; i++)
        {
            var p = JsonFields.Index(JsonFields.Join(path, field), i);
            if (items[i] is not JsonObject s)
            {
                f.Error(p, "expected {matchName} or {matchPattern}");
                continue;
            }
            f.RejectUnknown(s, p, "matchName", "matchPattern");
            var name = f.String(s, p, "matchName");
            var pattern = f.String(s, p, "matchPattern");
            if (name is not null && pattern is not null)
            {
                f.Error(p, "only one of matchName or matchPattern may be set (as in Cilium)");
                continue;
            }
            if (name is null && pattern is null)
            {
                f.Error(p, "one of matchName or matchPattern is required");
                continue;
            }
            var selector = name is not null ? FqdnSelector.Name(name, out var error) : FqdnSelector.Pattern(pattern!, out error);
            if (selector is null)
            {
                f.Error(JsonFields.Join(p, name is not null ? "matchName" : "matchPattern"), error!);
                continue;
            }
            list.Add(selector);
        }
        return list;
    }
}
