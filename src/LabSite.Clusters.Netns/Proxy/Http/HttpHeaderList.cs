namespace LabSite.Clusters.Netns.Proxy.Http;

/// <summary>
/// Header fields in arrival order with their original spelling (forwarded as received). Lookups ignore case,
/// as field names are case-insensitive (RFC 9110 §5.1).
/// </summary>
public sealed class HttpHeaderList : List<KeyValuePair<string, string>>
{
    public void Add(string name, string value) => Add(new KeyValuePair<string, string>(name, value));

    /// <summary>The first value of a field, or null.</summary>
    public string? Get(string name)
    {
        foreach (var (key, value) in this)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Every value of a field, in order (repeated fields and comma lists are both legal).</summary>
    public IEnumerable<string> GetAll(string name) =>
        this.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    public bool Contains(string name) => Get(name) is not null;

    public int RemoveAll(string name) => RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when a comma-separated field (Connection, Transfer-Encoding, Expect) lists <paramref name="token"/>.</summary>
    public bool HasToken(string name, string token)
    {
        // Without LINQ or Split: the proxy asks this several times per request (Connection, Expect, Transfer-Encoding).
        foreach (var (key, value) in this)
        {
            if (!string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var range in value.AsSpan().Split(','))
            {
                if (value.AsSpan()[range].Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
