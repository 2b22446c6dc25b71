using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace LabSite.Shell.Kubectl;

/// <summary>
/// kubectl's JSONPath templates (<c>-o jsonpath='{.items[*].metadata.name}'</c>): literal text, <c>{path}</c>,
/// <c>{range path}...{end}</c>, <c>{"\n"}</c>; paths with <c>.key</c>, <c>['key']</c>, <c>[n]</c>, <c>[a:b]</c>, <c>[*]</c>,
/// <c>..key</c> and filters <c>[?(@.a.b=="x")]</c> (==, !=, &lt;, &gt;, or existence). Missing keys print nothing, as with kubectl get.
/// </summary>
public sealed class JsonPath
{
    private abstract record Part;

    private sealed record Text(string Value) : Part;

    private sealed record PathExpr(string Source) : Part;

    private sealed record Range(string Source, List<Part> Body) : Part;

    private readonly List<Part> _parts;

    private JsonPath(List<Part> parts) => _parts = parts;

    /// <summary>Parses a template; throws <see cref="FormatException"/> with kubectl's wording.</summary>
    public static JsonPath Parse(string template)
    {
        var index = 0;
        var parts = ParseParts(template, ref index, inRange: false);
        return new JsonPath(parts);
    }

    private static List<Part> ParseParts(string template, ref int index, bool inRange)
    {
        var parts = new List<Part>();
        var literal = new StringBuilder();
        while (index < template.Length)
        {
            var c = template[index];
            if (c != '{')
            {
                literal.Append(c);
                index++;
                continue;
            }
            var close = FindClose(template, index);
            if (close < 0)
            {
                throw new FormatException($"error parsing jsonpath {template}, unclosed action");
            }
            var action = template[(index + 1)..close].Trim();
            index = close + 1;
            if (literal.Length > 0)
            {
                parts.Add(new Text(literal.ToString()));
                literal.Clear();
            }
            if (action == "end")
            {
                if (!inRange)
                {
                    throw new FormatException($"error parsing jsonpath {template}, not in range, nothing to end");
                }
                return parts;
            }
            if (action.StartsWith("range ", StringComparison.Ordinal))
            {
                var body = ParseParts(template, ref index, inRange: true);
                parts.Add(new Range(action[6..].Trim(), body));
                continue;
            }
            if (action.StartsWith('"'))
            {
                if (action.Length < 2 || !action.EndsWith('"'))
                {
                    throw new FormatException($"error parsing jsonpath {template}, unterminated string");
                }
                parts.Add(new Text(action[1..^1].Replace("\\n", "\n").Replace("\\t", "\t").Replace("\\\"", "\"")));
                continue;
            }
            if (action.Length == 0)
            {
                continue;
            }
            Validate(action, template);
            parts.Add(new PathExpr(action));
        }
        if (inRange)
        {
            throw new FormatException($"error parsing jsonpath {template}, range without end");
        }
        if (literal.Length > 0)
        {
            parts.Add(new Text(literal.ToString()));
        }
        return parts;
    }

    private static int FindClose(string template, int open)
    {
        var quoted = false;
        for (var i = open + 1; i < template.Length; i++)
        {
            if (template[i] == '"' && template[i - 1] != '\\')
            {
                quoted = !quoted;
            }
            if (!quoted && template[i] == '}')
            {
                return i;
            }
        }
        return -1;
    }

    private static void Validate(string path, string template)
    {
        if (path[0] is not ('.' or '@' or '$' or '['))
        {
            throw new FormatException($"error parsing jsonpath {template}, unrecognized character in action: U+{(int)path[0]:X4} '{path[0]}'");
        }
        if (path.Count(ch => ch == '[') != path.Count(ch => ch == ']'))
        {
            throw new FormatException($"error parsing jsonpath {template}, unclosed array expect ]");
        }
    }

    public string Execute(JsonNode? root)
    {
        var output = new StringBuilder();
        Run(_parts, root, output);
        return output.ToString();
    }

    private static void Run(List<Part> parts, JsonNode? current, StringBuilder output)
    {
        foreach (var part in parts)
        {
            switch (part)
            {
                case Text text:
                    output.Append(text.Value);
                    break;
                case PathExpr expr:
                    output.Append(string.Join(' ', Evaluate(expr.Source, current).Select(Print)));
                    break;
                case Range range:
                    foreach (var item in Evaluate(range.Source, current))
                    {
                        Run(range.Body, item, output);
                    }
                    break;
            }
        }
    }

    private static string Print(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    /// <summary>Evaluates one path against the current node; a list of results, possibly empty.</summary>
    private static List<JsonNode?> Evaluate(string path, JsonNode? current)
    {
        var nodes = new List<JsonNode?> { current };
        var i = 0;
        if (path.StartsWith('$') || path.StartsWith('@'))
        {
            i = 1;
        }
        while (i < path.Length)
        {
            if (path[i] == '.' && i + 1 < path.Length && path[i + 1] == '.')
            {
                i += 2;
                var name = ReadName(path, ref i);
                nodes = nodes.SelectMany(n => Descendants(n)).Where(n => n is JsonObject o && o.ContainsKey(name)).Select(n => n![name]).ToList();
                continue;
            }
            if (path[i] == '.')
            {
                i++;
                if (i < path.Length && path[i] == '*')
                {
                    i++;
                    nodes = nodes.SelectMany(Children).ToList();
                    continue;
                }
                if (i >= path.Length || path[i] == '[')
                {
                    continue;
                }
                var name = ReadName(path, ref i);
                nodes = nodes.Where(n => n is JsonObject o && o.ContainsKey(name)).Select(n => n![name]).ToList();
                continue;
            }
            if (path[i] == '[')
            {
                var close = MatchingBracket(path, i);
                var inside = path[(i + 1)..close].Trim();
                i = close + 1;
                nodes = Subscript(nodes, inside);
                continue;
            }
            throw new FormatException($"error executing jsonpath: unexpected '{path[i]}' in {path}");
        }
        return nodes;
    }

    private static string ReadName(string path, ref int i)
    {
        var start = i;
        while (i < path.Length && path[i] != '.' && path[i] != '[')
        {
            i++;
        }
        return path[start..i];
    }

    private static int MatchingBracket(string path, int open)
    {
        var depth = 0;
        var quote = '\0';
        for (var i = open; i < path.Length; i++)
        {
            var c = path[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
                continue;
            }
            if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '[')
            {
                depth++;
            }
            else if (c == ']' && --depth == 0)
            {
                return i;
            }
        }
        throw new FormatException($"error parsing jsonpath {path}, unclosed array expect ]");
    }

    private static List<JsonNode?> Subscript(List<JsonNode?> nodes, string inside)
    {
        if (inside == "*")
        {
            return nodes.SelectMany(Children).ToList();
        }
        if (inside.Length >= 2 && inside[0] is '\'' or '"')
        {
            var key = inside[1..^1];
            return nodes.Where(n => n is JsonObject o && o.ContainsKey(key)).Select(n => n![key]).ToList();
        }
        if (inside.StartsWith("?(", StringComparison.Ordinal) && inside.EndsWith(')'))
        {
            var filter = inside[2..^1];
            return nodes.SelectMany(Children).Where(item => Matches(filter, item)).ToList();
        }
        var result = new List<JsonNode?>();
        foreach (var node in nodes.OfType<JsonArray>())
        {
            if (inside.Contains(':'))
            {
                var bounds = inside.Split(':');
                var from = Index(bounds[0], node.Count, 0);
                var to = Index(bounds[1], node.Count, node.Count);
                for (var k = Math.Max(0, from); k < Math.Min(node.Count, to); k++)
                {
                    result.Add(node[k]);
                }
                continue;
            }
            if (!int.TryParse(inside, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
            {
                throw new FormatException($"error parsing jsonpath: invalid array index {inside}");
            }
            index = index < 0 ? node.Count + index : index;
            if (index < 0 || index >= node.Count)
            {
                throw new FormatException($"error executing jsonpath: array index out of bounds: index {index}, length {node.Count}");
            }
            result.Add(node[index]);
        }
        return result;
    }

    private static int Index(string text, int count, int fallback)
    {
        if (text.Trim().Length == 0)
        {
            return fallback;
        }
        var value = int.Parse(text, CultureInfo.InvariantCulture);
        return value < 0 ? count + value : value;
    }

    private static bool Matches(string filter, JsonNode? item)
    {
        foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
        {
            var at = filter.IndexOf(op, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }
            var left = Evaluate(filter[..at].Trim(), item).FirstOrDefault();
            var right = filter[(at + op.Length)..].Trim().Trim('"', '\'');
            var leftText = Print(left);
            if (double.TryParse(leftText, CultureInfo.InvariantCulture, out var l) && double.TryParse(right, CultureInfo.InvariantCulture, out var r))
            {
                return op switch { "==" => l == r, "!=" => l != r, "<=" => l <= r, ">=" => l >= r, "<" => l < r, _ => l > r };
            }
            return op switch { "==" => leftText == right, "!=" => leftText != right, _ => false };
        }
        return Evaluate(filter.Trim(), item).Count > 0;
    }

    private static IEnumerable<JsonNode?> Children(JsonNode? node) => node switch
    {
        JsonArray a => a,
        JsonObject o => o.Select(kv => kv.Value),
        _ => [],
    };

    private static IEnumerable<JsonNode?> Descendants(JsonNode? node)
    {
        yield return node;
        foreach (var child in Children(node))
        {
            foreach (var d in Descendants(child))
            {
                yield return d;
            }
        }
    }
}
