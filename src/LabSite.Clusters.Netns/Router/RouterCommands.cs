namespace LabSite.Clusters.Netns.Router;

/// <summary>
/// What a learner may ask the lab's router through <c>vtysh -c</c>: <c>show</c> commands only, read-only, one line,
/// printable ASCII, bounded in length. Anything else (configure, clear, write, shell escapes) is refused with a
/// message naming the command, before vtysh runs.
/// </summary>
public static class RouterCommands
{
    public const int MaxLength = 200;

    /// <summary>Null when <paramref name="command"/> may run; otherwise why not.</summary>
    public static string? Check(string command)
    {
        var trimmed = command.Trim();
        if (trimmed.Length == 0)
        {
            return "vtysh: give a command with -c, e.g. vtysh -c 'show bgp summary'";
        }
        if (trimmed.Length > MaxLength)
        {
            return $"vtysh: the command is longer than {MaxLength} characters";
        }
        if (trimmed.Any(c => c is < ' ' or > '~'))
        {
            return "vtysh: the command may hold printable ASCII characters only (one line)";
        }
        var first = trimmed.Split(' ', 2)[0];
        if (!first.Equals("show", StringComparison.OrdinalIgnoreCase) && !"show".StartsWith(first.ToLowerInvariant(), StringComparison.Ordinal) || first.Length < 2)
        {
            return $"vtysh: \"{Shorten(trimmed)}\" refused: the lab's router is read-only; only show commands are accepted (e.g. show bgp summary, show ip route)";
        }
        return null;
    }

    /// <summary>
    /// Null when <paramref name="url"/> may be fetched from the router: <c>http://</c> to an IPv4 address (what the
    /// router routes to), an optional port and path of printable ASCII; otherwise why not.
    /// </summary>
    public static string? CheckUrl(string url)
    {
        if (url.Length is 0 or > MaxLength || url.Any(c => c is <= ' ' or > '~'))
        {
            return $"router curl: give one http:// URL of printable ASCII, at most {MaxLength} characters, e.g. router curl http://172.31.0.1/";
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            return $"router curl: \"{Shorten(url)}\" is not an http:// URL";
        }
        if (uri.HostNameType != UriHostNameType.IPv4 || uri.UserInfo.Length > 0)
        {
            return $"router curl: \"{Shorten(url)}\": use an IPv4 address (the router has no DNS), e.g. http://172.31.0.1/";
        }
        return null;
    }

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "..." : s;
}
