using System.Text;
using System.Text.Json.Nodes;

namespace LabSite.Clusters.Netns.Store.Controllers;

/// <summary>
/// The <c>pod-template-hash</c> label and pod name suffixes, in Kubernetes' alphabet (no vowels, no digits
/// that look like letters), so names read like <c>deathstar-6fb5694d48-5hmds</c>. Kubernetes hashes the Go
/// struct with FNV-32a; we hash the template's canonical JSON the same way, so equal templates give equal hashes
/// (the exact value differs from a real cluster's).
/// </summary>
public static class PodTemplateHash
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Compute(JsonNode? template)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(Canonical(template)))
        {
            hash = (hash ^ b) * 16777619u;
        }
        // As rand.SafeEncodeString(fmt.Sprint(hash)): each decimal digit mapped into the alphabet.
        var digits = hash.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new string(digits.Select(d => Alphabet[d % Alphabet.Length]).ToArray());
    }

    /// <summary>Five random characters, as the ReplicaSet controller's generateName gives pods.</summary>
    public static string Suffix(Random random) =>
        new(Enumerable.Range(0, 5).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());

    // Keys sorted at every level, so the hash does not depend on the order a manifest wrote fields in.
    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => JsonValue.Create(kv.Key).ToJsonString() + ":" + Canonical(kv.Value))) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };
}
