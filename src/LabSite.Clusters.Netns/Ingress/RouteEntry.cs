namespace LabSite.Clusters.Netns.Ingress;

/// <summary>
/// One match of one routing rule on one listener, from an Ingress path or an HTTPRoute rule's match: host names
/// (none = any), a path (exact or element-wise prefix), an optional method, exact header matches, and the backends.
/// <see cref="Created"/>/<see cref="Origin"/>/<see cref="RuleIndex"/>/<see cref="MatchIndex"/> break ties as the Gateway
/// API orders them: the oldest route, then by "namespace/name", then the first rule and match in list order.
/// </summary>
internal sealed record RouteEntry(
    IReadOnlyList<string> Hostnames,
    bool WildcardSpansLabels,
    bool ExactPath,
    string Path,
    string? Method,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    IReadOnlyList<BackendTarget> Backends,
    string Created,
    string Origin,
    int RuleIndex,
    int MatchIndex,
    bool IsDefaultBackend = false)
{
    /// <summary>How specifically <paramref name="host"/> matched: (non-wildcard characters, matched characters); null when it does not.</summary>
    public (int Exact, int Any)? HostScore(string host)
    {
        if (Hostnames.Count == 0)
        {
            return (0, 0);
        }
        (int, int)? best = null;
        foreach (var pattern in Hostnames)
        {
            (int, int)? score = null;
            if (pattern.StartsWith("*.", StringComparison.Ordinal))
            {
                var suffix = pattern[1..]; // ".example.com"
                if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                    && (WildcardSpansLabels || !host[..^suffix.Length].Contains('.')))
                {
                    score = (0, pattern.Length);
                }
            }
            else if (string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase))
            {
                score = (pattern.Length, pattern.Length);
            }
            if (score is { } s && (best is null || s.CompareTo(best.Value) > 0))
            {
                best = s;
            }
        }
        return best;
    }

    public bool Matches(string path, string method, Proxy.Http.HttpHeaderList headers)
    {
        if (ExactPath ? path != Path : !PrefixMatches(Path, path))
        {
            return false;
        }
        if (Method is not null && !string.Equals(Method, method, StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var (name, value) in Headers)
        {
            if (!string.Equals(headers.Get(name), value, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Element-wise prefix (Ingress Prefix, Gateway PathPrefix): "/foo" matches "/foo" and "/foo/bar", never "/foobar".</summary>
    public static bool PrefixMatches(string prefix, string path)
    {
        var p = prefix.Length > 1 ? prefix.TrimEnd('/') : prefix;
        return p == "/" || path == p || (path.StartsWith(p, StringComparison.Ordinal) && path.Length > p.Length && path[p.Length] == '/');
    }

    /// <summary>
    /// Gateway API precedence among matching entries (smaller sorts first): an Ingress default backend last; exact
    /// paths before prefixes; longer prefixes first; a method match; more header matches; then the oldest route, its
    /// "namespace/name", its rule and match order. Ingress's "longest path, Exact before Prefix" agrees with it.
    /// </summary>
    public static int Compare(RouteEntry a, RouteEntry b)
    {
        int c;
        if ((c = a.IsDefaultBackend.CompareTo(b.IsDefaultBackend)) != 0
            || (c = b.ExactPath.CompareTo(a.ExactPath)) != 0
            || (c = b.Path.Length.CompareTo(a.Path.Length)) != 0
            || (c = (b.Method is not null).CompareTo(a.Method is not null)) != 0
            || (c = b.Headers.Count.CompareTo(a.Headers.Count)) != 0
            || (c = string.CompareOrdinal(a.Created, b.Created)) != 0
            || (c = string.CompareOrdinal(a.Origin, b.Origin)) != 0
            || (c = a.RuleIndex.CompareTo(b.RuleIndex)) != 0)
        {
            return c;
        }
        return a.MatchIndex.CompareTo(b.MatchIndex);
    }
}
