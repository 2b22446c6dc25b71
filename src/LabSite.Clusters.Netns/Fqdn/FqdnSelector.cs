using System.Text;
using System.Text.RegularExpressions;

namespace LabSite.Clusters.Netns.Fqdn;

/// <summary>
/// One <c>toFQDNs[]</c> or <c>rules.dns[]</c> entry: exactly one of <c>matchName</c> (a literal name) or
/// <c>matchPattern</c> (Cilium's wildcards). Matching is on lower-case fully qualified names (trailing dot), as
/// Cilium's DNS proxy and name manager compare them.
/// </summary>
public sealed class FqdnSelector
{
    /// <summary>Cilium's MaxFQDNLength for matchName and matchPattern.</summary>
    public const int MaxLength = 255;

    // The characters Cilium's pattern conversion lets a wildcard stand for (no '.', so '*' stays within a label).
    private const string DnsChars = "[-a-z0-9_]";

    private readonly Regex _regex;

    private FqdnSelector(string? matchName, string? matchPattern, Regex regex)
    {
        MatchName = matchName;
        MatchPattern = matchPattern;
        _regex = regex;
    }

    public string? MatchName { get; }

    public string? MatchPattern { get; }

    /// <summary>A matchName selector, or null with <paramref name="error"/> when the name is not one Cilium accepts.</summary>
    public static FqdnSelector? Name(string name, out string? error)
    {
        error = Validate(name, allowStar: false);
        return error is null ? new FqdnSelector(name, null, Compile(Regex.Escape(ToFqdn(name)))) : null;
    }

    /// <summary>A matchPattern selector, or null with <paramref name="error"/> when the pattern is not valid.</summary>
    public static FqdnSelector? Pattern(string pattern, out string? error)
    {
        error = Validate(pattern, allowStar: true);
        return error is null ? new FqdnSelector(null, pattern, Compile(PatternToRegex(pattern))) : null;
    }

    /// <summary>True when <paramref name="name"/> (any case, with or without the trailing dot) is selected.</summary>
    public bool Matches(string name) => name.Length <= MaxLength + 1 && _regex.IsMatch(ToFqdn(name));

    /// <summary>Lower case with one trailing dot: the form Cilium keys names by (<c>dns.FQDN</c>).</summary>
    public static string ToFqdn(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        return n.EndsWith('.') ? n : n + ".";
    }

    public override string ToString() => MatchName is not null ? $"matchName: {MatchName}" : $"matchPattern: {MatchPattern}";

    /// <summary>
    /// Cilium's conversion: a pattern made only of stars (optionally ending in '.') selects every name; a leading
    /// <c>**.</c> stands for one or more whole labels; any other <c>*</c> for zero or more characters inside one label.
    /// </summary>
    internal static string PatternToRegex(string pattern)
    {
        var p = pattern.Trim().ToLowerInvariant();
        if (p.Length > 0 && p.TrimEnd('.').Length > 0 && p.TrimEnd('.').All(c => c == '*') && p.Length - p.TrimEnd('.').Length <= 1)
        {
            return $"({DnsChars}+[.])+|[.]";
        }
        p = ToFqdn(p);
        var sb = new StringBuilder();
        var at = 0;
        var stars = p.TakeWhile(c => c == '*').Count();
        if (stars >= 2 && stars < p.Length && p[stars] == '.')
        {
            sb.Append($"{DnsChars}+([.]{DnsChars}+)*[.]");
            at = stars + 1;
        }
        for (; at < p.Length; at++)
        {
            if (p[at] == '*')
            {
                while (at + 1 < p.Length && p[at + 1] == '*')
                {
                    at++;
                }
                sb.Append(DnsChars).Append('*');
            }
            else
            {
                sb.Append(p[at] == '.' ? "[.]" : Regex.Escape(p[at].ToString()));
            }
        }
        return sb.ToString();
    }

    // Non-backtracking: patterns come from learners and names from pods, so matching must stay linear.
    private static Regex Compile(string body) =>
        new($"^(?:{body})$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    /// <summary>The CRD's validation: labels of <c>[-a-zA-Z0-9_]</c> (plus <c>*</c> in patterns) joined by single dots.</summary>
    private static string? Validate(string text, bool allowStar)
    {
        var t = text.Trim();
        if (t.Length == 0)
        {
            return "is empty";
        }
        if (t.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters, got {t.Length}";
        }
        foreach (var c in t)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' || (allowStar && c == '*')))
            {
                return allowStar
                    ? $"invalid character '{c}' in \"{t}\" (only 0-9, a-z, A-Z, '.', '-', '_' and '*' are allowed)"
                    : $"invalid character '{c}' in \"{t}\" (only 0-9, a-z, A-Z, '.', '-' and '_' are allowed; use matchPattern for wildcards)";
            }
        }
        if (t.StartsWith('.') || t.Contains("..", StringComparison.Ordinal))
        {
            return $"\"{t}\" has an empty label";
        }
        return null;
    }
}
