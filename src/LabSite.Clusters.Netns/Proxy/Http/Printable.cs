namespace LabSite.Clusters.Netns.Proxy.Http;

/// <summary>Makes untrusted wire text safe for error messages and logs: control bytes escaped, length capped.</summary>
internal static class Printable
{
    public static string Of(string text, int max = 60)
    {
        var sb = new System.Text.StringBuilder(Math.Min(text.Length, max) + 8);
        foreach (var c in text.Length > max ? text[..max] : text)
        {
            sb.Append(c is < ' ' or > '~' ? $"\\x{(int)c:x2}" : c);
        }

        return text.Length > max ? sb.Append('…').ToString() : sb.ToString();
    }
}
