using System.Text.Json.Nodes;

namespace LabSite.Clusters.Netns.Proxy.Rules;

/// <summary>
/// Reads a CiliumNetworkPolicy <c>toPorts[].rules.http</c> array (as JSON, after YAML decoding) into compiled
/// <see cref="HttpRule"/>s, for the policy parser to call. Every problem goes to <c>error</c> with its
/// field path (e.g. <c>spec.ingress[0].toPorts[0].rules.http[1].path</c>), so one pass reports them all.
/// </summary>
public static class HttpRuleJson
{
    private static readonly string[] s_known = ["method", "path", "host", "headers", "headerMatches"];

    public static IReadOnlyList<HttpRule> Parse(JsonArray http, string path, Action<string, string> error)
    {
        var rules = new List<HttpRule>();
        for (var i = 0; i < http.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (http[i] is not JsonObject o)
            {
                error(at, "expected {method, path, host, headers, headerMatches} (use {} to allow all HTTP)");
                continue;
            }

            var ok = true;
            foreach (var (key, _) in o)
            {
                if (!s_known.Contains(key))
                {
                    error($"{at}.{key}", $"unknown field \"{key}\" (known here: {string.Join(", ", s_known)})");
                    ok = false;
                }
            }

            var method = Text(o, at, "method", error, ref ok);
            var urlPath = Text(o, at, "path", error, ref ok);
            var host = Text(o, at, "host", error, ref ok);
            var headers = Headers(o, at, error, ref ok);
            var matches = HeaderMatches(o, at, error, ref ok);
            if (!ok)
            {
                continue;
            }

            try
            {
                rules.Add(HttpRule.Create(method, urlPath, host, headers, matches, at));
            }
            catch (L7RuleException e)
            {
                error(e.FieldPath, e.Message[(e.FieldPath.Length + 2)..]);
            }
        }

        return rules;
    }

    private static string? Text(JsonObject o, string at, string field, Action<string, string> error, ref bool ok)
    {
        if (!o.TryGetPropertyValue(field, out var node) || node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.TryGetValue<string>(out var s))
        {
            return s;
        }

        error($"{at}.{field}", "expected a string (a regular expression)");
        ok = false;
        return null;
    }

    private static List<string>? Headers(JsonObject o, string at, Action<string, string> error, ref bool ok)
    {
        if (o["headers"] is not { } node)
        {
            return null;
        }

        if (node is not JsonArray items)
        {
            error($"{at}.headers", "expected a list of \"Name\" or \"Name: value\" strings");
            ok = false;
            return null;
        }

        var list = new List<string>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is JsonValue v && v.TryGetValue<string>(out var s))
            {
                list.Add(s);
            }
            else
            {
                error($"{at}.headers[{i}]", "expected a string \"Name\" or \"Name: value\"");
                ok = false;
            }
        }

        return list;
    }

    private static List<HeaderMatch>? HeaderMatches(JsonObject o, string at, Action<string, string> error, ref bool ok)
    {
        if (o["headerMatches"] is not { } node)
        {
            return null;
        }

        if (node is not JsonArray items)
        {
            error($"{at}.headerMatches", "expected a list of {name, value, mismatch}");
            ok = false;
            return null;
        }

        var list = new List<HeaderMatch>();
        for (var i = 0; i < items.Count; i++)
        {
            var p = $"{at}.headerMatches[{i}]";
            if (items[i] is not JsonObject m)
            {
                error(p, "expected {name, value, mismatch}");
                ok = false;
                continue;
            }

            if (m.ContainsKey("secret"))
            {
                error($"{p}.secret", "header values from Kubernetes secrets are not supported by the netns backend; put the value in \"value\"");
                ok = false;
                continue;
            }

            var name = Text(m, p, "name", error, ref ok);
            if (string.IsNullOrEmpty(name))
            {
                error($"{p}.name", "is required");
                ok = false;
                continue;
            }

            try
            {
                list.Add(new HeaderMatch(name, Text(m, p, "value", error, ref ok) ?? "", HeaderMatch.ParseMismatch(Text(m, p, "mismatch", error, ref ok), $"{p}.mismatch")));
            }
            catch (L7RuleException e)
            {
                error(e.FieldPath, e.Message[(e.FieldPath.Length + 2)..]);
                ok = false;
            }
        }

        return list;
    }
}
