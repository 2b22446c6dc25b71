using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: endpoint</c> checks (see docs/authoring.md, "endpoint").</summary>
public static class EndpointCheckReader
{
    public static readonly IReadOnlyList<string> Keys =
        ["pod", "ingressEnforcement", "egressEnforcement", "identityLabels", "sameIdentityAs", "differentIdentityFrom", "fqdnCacheHas", "fqdnCacheLacks"];

    private static readonly IReadOnlyList<string> s_assertions = Keys.Skip(1).ToList();

    public static readonly IReadOnlyDictionary<string, PolicyEnforcement> Enforcements = new Dictionary<string, PolicyEnforcement>
    {
        ["enabled"] = PolicyEnforcement.Enabled,
        ["disabled"] = PolicyEnforcement.Disabled,
    };

    public static CheckSpec? Read(CheckHeader header, YamlMapReader reader)
    {
        var pod = PodSelectorReader.Read(reader, "pod", required: true);
        var ingress = reader.Enum("ingressEnforcement", Enforcements);
        var egress = reader.Enum("egressEnforcement", Enforcements);
        var labels = reader.StringMap("identityLabels");
        var same = PodSelectorReader.Read(reader, "sameIdentityAs");
        var different = PodSelectorReader.Read(reader, "differentIdentityFrom");
        var has = Names(reader, "fqdnCacheHas");
        var lacks = Names(reader, "fqdnCacheLacks");
        if (has is not null && lacks is not null && has.Intersect(lacks).FirstOrDefault() is { } both)
        {
            reader.Error("fqdnCacheLacks", $"{header.Context} asks for {both} both in and out of the FQDN cache, which can never pass");
            return null;
        }
        if (!s_assertions.Any(reader.Has))
        {
            reader.Bag.Error(header.Location, $"{header.Context} asserts nothing about the endpoint; add at least one of {string.Join(", ", s_assertions)}");
            return null;
        }

        // The same selector in sameIdentityAs is meaningful ("all replicas share one identity"); in
        // differentIdentityFrom it can never pass.
        if (pod is not null && pod == different)
        {
            reader.Error("differentIdentityFrom", $"{header.Context} asks pods {pod} to differ in identity from themselves, which can never pass");
            return null;
        }

        return pod is null
            ? null
            : new EndpointCheck(header.Id, header.Title, header.Location, pod, ingress, egress, labels, same, different, has, lacks);
    }

    /// <summary>A list of DNS names, each normalised to Cilium's FQDN form (lower case, trailing dot); null when absent.</summary>
    private static List<string>? Names(YamlMapReader reader, string key)
    {
        if (!reader.Has(key))
        {
            return null;
        }
        var names = new List<string>();
        foreach (var (value, location) in reader.StringList(key, required: true))
        {
            var name = value.Trim().TrimEnd('.');
            var labels = name.Split('.');
            if (name.Length is 0 or > 253 || labels.Any(l => l.Length is 0 or > 63 || !l.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            {
                reader.Bag.Error(location, $"\"{value}\" is not a DNS name (labels of letters, digits, '-' and '_' joined by dots, e.g. api.example.com)");
                continue;
            }
            names.Add(name.ToLowerInvariant() + ".");
        }
        return names;
    }
}
