using System.Text;
using System.Text.RegularExpressions;

namespace LabSite.Clusters.Netns.Proxy.Rules;

/// <summary>
/// Compiles the regexes of HTTP rules. Cilium documents them as POSIX extended regexes matched against the whole
/// value; Envoy actually runs them as RE2 full matches, and RE2 reads ERE the same way while adding Perl classes
/// (<c>\d \w \s</c>), <c>(?i)</c> and backslash escapes inside brackets. We accept that common language: ERE with
/// POSIX bracket classes (<c>[[:alpha:]]</c>) plus those RE2 additions. .NET constructs RE2 lacks (backreferences,
/// lookaround, named-group syntax other than <c>(?P&lt;n&gt;)</c>) are refused so a rule never means something Cilium
/// would not. The result is anchored (<c>\A(?:…)\z</c>), linear-time (NonBacktracking, like RE2) and carries a
/// match timeout as a second guard.
/// </summary>
public static class PosixRegex
{
    /// <summary>
    /// Second guard only: NonBacktracking already runs in linear time and inputs are capped at 8 KiB, so this fires
    /// only when the process is starved of CPU for seconds. (200 ms did fire on a loaded 2-core test host.)
    /// </summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    private static readonly Dictionary<string, string> s_classes = new()
    {
        ["alpha"] = "a-zA-Z",
        ["digit"] = "0-9",
        ["alnum"] = "a-zA-Z0-9",
        ["upper"] = "A-Z",
        ["lower"] = "a-z",
        ["space"] = @"\t\n\x0B\f\r ",
        ["blank"] = @" \t",
        ["xdigit"] = "0-9A-Fa-f",
        ["cntrl"] = @"\x00-\x1F\x7F",
        ["print"] = @"\x20-\x7E",
        ["graph"] = @"\x21-\x7E",
        ["word"] = "A-Za-z0-9_",
        ["punct"] = @"!-/:-@\[-`{-~",
    };

    /// <summary>Compiles <paramref name="pattern"/> for whole-value matching, or throws <see cref="L7RuleException"/> naming <paramref name="fieldPath"/>.</summary>
    public static Regex Compile(string pattern, string fieldPath)
    {
        var translated = Translate(pattern, fieldPath);
        try
        {
            var regex = new Regex($@"\A(?:{translated})\z", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, MatchTimeout);
            regex.IsMatch(""); // builds the automaton now, when the policy is applied, not on the first request
            return regex;
        }
        catch (ArgumentException e)
        {
            throw new L7RuleException(fieldPath, $"'{pattern}' is not a valid regular expression: {e.Message}");
        }
    }

    /// <summary>The .NET pattern for an ERE/RE2 pattern (unanchored).</summary>
    public static string Translate(string pattern, string fieldPath)
    {
        var sb = new StringBuilder(pattern.Length + 8);
        var depth = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '\\':
                    i++;
                    sb.Append(Escape(pattern, i, fieldPath, inBracket: false));
                    break;
                case '[':
                    i = Bracket(pattern, i, sb, fieldPath);
                    break;
                case '(':
                    (i, var opens) = Group(pattern, i, sb, fieldPath);
                    depth += opens ? 1 : 0;
                    break;
                case ')':
                    if (--depth < 0)
                    {
                        throw Error(fieldPath, pattern, i, "')' without a matching '('");
                    }

                    sb.Append(c);
                    break;
                case '#' or ' ':
                    sb.Append('\\').Append(c); // literal in ERE; escaped so no .NET option can change that
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        if (depth != 0)
        {
            throw Error(fieldPath, pattern, pattern.Length, "'(' is never closed");
        }

        return sb.ToString();
    }

    private static string Escape(string pattern, int i, string fieldPath, bool inBracket)
    {
        if (i >= pattern.Length)
        {
            throw Error(fieldPath, pattern, i, "pattern ends with a lone backslash");
        }

        var e = pattern[i];
        if ("dDwWsS".Contains(e) || (!inBracket && "bBAz".Contains(e)))
        {
            return $"\\{e}";
        }

        if (char.IsAsciiDigit(e))
        {
            throw Error(fieldPath, pattern, i - 1, $"backreference '\\{e}' is not supported (Envoy's RE2 has none)");
        }

        if (char.IsAsciiLetter(e))
        {
            return e switch
            {
                'n' => @"\n",
                't' => @"\t",
                'r' => @"\r",
                'f' => @"\f",
                'v' => @"\x0B",
                _ => throw Error(fieldPath, pattern, i - 1, $"escape '\\{e}' is not supported (use a bracket expression)"),
            };
        }

        // Any other escaped character stands for itself; .NET reads a backslash before a non-word character the same way.
        return char.IsLetterOrDigit(e) ? e.ToString() : $"\\{e}";
    }

    private static (int Next, bool Opens) Group(string pattern, int i, StringBuilder sb, string fieldPath)
    {
        if (i + 1 >= pattern.Length || pattern[i + 1] != '?')
        {
            sb.Append('(');
            return (i, true);
        }

        var rest = pattern.AsSpan(i + 2);
        if (rest.StartsWith(":"))
        {
            sb.Append("(?:");
            return (i + 2, true);
        }

        if (rest.StartsWith("P<"))
        {
            sb.Append("(?<");
            return (i + 3, true);
        }

        // RE2 flag groups (?i) (?i:…) (?s) (?U) …: we take i, s and m, which .NET spells the same.
        var j = 0;
        while (j < rest.Length && "ism-".Contains(rest[j]))
        {
            j++;
        }

        if (j > 0 && j < rest.Length && rest[j] is ')' or ':')
        {
            sb.Append("(?").Append(rest[..(j + 1)]);
            return (i + 2 + j, rest[j] == ':'); // "(?i)" is complete; "(?i:" opens a group
        }

        throw Error(fieldPath, pattern, i, "group '(?' is not supported here (only (?:…), (?P<name>…) and flags i, s, m)");
    }

    private static int Bracket(string pattern, int start, StringBuilder sb, string fieldPath)
    {
        var i = start + 1;
        sb.Append('[');
        if (i < pattern.Length && pattern[i] == '^')
        {
            sb.Append('^');
            i++;
        }

        var first = true;
        for (; i < pattern.Length; i++, first = false)
        {
            var c = pattern[i];
            if (c == ']' && !first)
            {
                sb.Append(']');
                return i;
            }

            if (c == '[' && i + 1 < pattern.Length && pattern[i + 1] is ':' or '=' or '.')
            {
                var kind = pattern[i + 1];
                var end = pattern.IndexOf($"{kind}]", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw Error(fieldPath, pattern, i, $"'[{kind}' is never closed with '{kind}]'");
                }

                var name = pattern[(i + 2)..end];
                if (kind == ':')
                {
                    sb.Append(s_classes.TryGetValue(name, out var set)
                        ? set
                        : throw Error(fieldPath, pattern, i, $"unknown character class '[:{name}:]' (known: {string.Join(", ", s_classes.Keys)})"));
                }
                else if (name.Length == 1)
                {
                    sb.Append(Literal(name[0])); // [=a=] and [.a.] of one character are that character
                }
                else
                {
                    throw Error(fieldPath, pattern, i, $"collating element '[{kind}{name}{kind}]' is not supported");
                }

                i = end + 1;
                continue;
            }

            sb.Append(c == '\\' ? Escape(pattern, ++i, fieldPath, inBracket: true) : Literal(c));
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                var high = pattern[i + 2];
                if (high < c)
                {
                    throw Error(fieldPath, pattern, i, $"range '{c}-{high}' is reversed");
                }

                sb.Append('-').Append(Literal(high));
                i += 2;
            }
        }

        throw Error(fieldPath, pattern, start, "'[' is never closed with ']'");
    }

    private static string Literal(char c) => c is '\\' or ']' or '[' or '^' or '-' ? $"\\{c}" : c.ToString();

    private static L7RuleException Error(string fieldPath, string pattern, int at, string what) =>
        new(fieldPath, $"regex '{pattern}' at offset {at}: {what}");
}
