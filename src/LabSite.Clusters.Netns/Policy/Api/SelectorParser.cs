using System.Text.Json.Nodes;
using LabSite.Clusters.Netns.Identity;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>Parses a Kubernetes label selector (<c>matchLabels</c> + <c>matchExpressions</c>) into an <see cref="EndpointSelector"/>.</summary>
internal static class SelectorParser
{
    private static readonly string[] s_knownSources = ["k8s", "reserved", "any", "cidr", "fqdn", "container", "unspec"];

    /// <summary>
    /// Parses the selector at <paramref name="path"/>. Keys may carry a source (<c>k8s:org</c>, <c>reserved:host</c>);
    /// without one they match any source. <paramref name="keyPrefix"/> is prepended to keys (KNP namespaceSelector).
    /// </summary>
    public static EndpointSelector? Parse(JsonFields f, JsonNode? node, string path, string keyPrefix = "")
    {
        if (node is null)
        {
            return null;
        }
        if (node is not JsonObject obj)
        {
            f.Error(path, $"expected a label selector object, got {JsonFields.Describe(node)}");
            return null;
        }
        f.RejectUnknown(obj, path, "matchLabels", "matchExpressions");
        var reqs = new List<SelectorRequirement>();
        if (f.Object(obj, path, "matchLabels") is { } labels)
        {
            foreach (var (key, value) in labels)
            {
                var p = JsonFields.Join(JsonFields.Join(path, "matchLabels"), key);
                var v = value is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : value?.ToJsonString().Trim('"');
                if (v is null)
                {
                    f.Error(p, "label value must be a string");
                    continue;
                }
                var (source, k) = SplitKey(keyPrefix + key);
                reqs.Add(new SelectorRequirement(source, k, SelectorOperator.In, [v]));
            }
        }
        if (f.Array(obj, path, "matchExpressions") is { } exprs)
        {
            for (var i = 0; i < exprs.Count; i++)
            {
                var p = JsonFields.Index(JsonFields.Join(path, "matchExpressions"), i);
                if (ParseExpression(f, exprs[i], p, keyPrefix) is { } r)
                {
                    reqs.Add(r);
                }
            }
        }
        return new EndpointSelector(reqs);
    }

    private static SelectorRequirement? ParseExpression(JsonFields f, JsonNode? node, string path, string keyPrefix)
    {
        if (node is not JsonObject e)
        {
            f.Error(path, "expected {key, operator, values}");
            return null;
        }
        f.RejectUnknown(e, path, "key", "operator", "values");
        var key = f.String(e, path, "key");
        var op = f.String(e, path, "operator");
        var values = new List<string>();
        if (f.Array(e, path, "values") is { } vals)
        {
            values.AddRange(vals.Select(v => v?.ToString() ?? ""));
        }
        if (string.IsNullOrEmpty(key))
        {
            f.Error(JsonFields.Join(path, "key"), "required");
            return null;
        }
        SelectorOperator? parsed = op switch
        {
            "In" => SelectorOperator.In,
            "NotIn" => SelectorOperator.NotIn,
            "Exists" => SelectorOperator.Exists,
            "DoesNotExist" => SelectorOperator.DoesNotExist,
            _ => null,
        };
        if (parsed is null)
        {
            f.Error(JsonFields.Join(path, "operator"), $"\"{op}\" is not In, NotIn, Exists or DoesNotExist");
            return null;
        }
        var needsValues = parsed is SelectorOperator.In or SelectorOperator.NotIn;
        if (needsValues != (values.Count > 0))
        {
            f.Error(JsonFields.Join(path, "values"), needsValues ? $"{op} needs at least one value" : $"{op} takes no values");
            return null;
        }
        var (source, k) = SplitKey(keyPrefix + key);
        return new SelectorRequirement(source, k, parsed.Value, values);
    }

    /// <summary>Splits <c>source:key</c> when the prefix is a label source; otherwise the key matches any source.</summary>
    public static (string Source, string Key) SplitKey(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && s_knownSources.Contains(key[..colon]))
        {
            return (key[..colon], key[(colon + 1)..]);
        }
        return (Label.SourceAny, key);
    }
}
