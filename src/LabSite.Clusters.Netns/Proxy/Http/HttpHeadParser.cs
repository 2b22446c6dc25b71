namespace LabSite.Clusters.Netns.Proxy.Http;

/// <summary>Turns the lines of a head into <see cref="HttpRequestHead"/> or <see cref="HttpResponseHead"/> (RFC 9112 §3, §4, §5).</summary>
internal static class HttpHeadParser
{
    public static HttpRequestHead ParseRequest(List<string> lines, int bytes)
    {
        const string who = "request";
        var parts = lines[0].Split(' ');
        if (parts.Length != 3)
        {
            throw new HttpProtocolException(400, $"{who} line '{Printable.Of(lines[0])}' must be 'METHOD target HTTP/1.1' (three parts separated by single spaces)");
        }

        var (method, target, version) = (parts[0], parts[1], parts[2]);
        if (method.Length == 0 || !IsToken(method))
        {
            throw new HttpProtocolException(400, $"{who} line: method '{Printable.Of(method)}' is not a token");
        }

        if (target.Length == 0 || target.Any(c => c <= ' ' || c >= 0x7f))
        {
            throw new HttpProtocolException(400, $"{who} line: target '{Printable.Of(target)}' is empty or has spaces or control characters");
        }

        if (!(target[0] == '/' || target == "*" || target.Contains("://", StringComparison.Ordinal) || method == "CONNECT"))
        {
            throw new HttpProtocolException(400, $"{who} line: target '{Printable.Of(target)}' must start with '/' or be an absolute URL");
        }

        var wireVersion = HttpWireVersions.Parse(version, $"{who} line");
        var headers = ParseHeaders(lines, who, 400);
        if (wireVersion == HttpWireVersion.Http11 && headers.GetAll("Host").Count() != 1)
        {
            throw new HttpProtocolException(400, $"{who}: HTTP/1.1 requires exactly one Host header (RFC 9112 §3.2)");
        }

        return new HttpRequestHead { Method = method, Target = target, Version = wireVersion, Headers = headers, HeadBytes = bytes };
    }

    public static HttpResponseHead ParseResponse(List<string> lines)
    {
        const string who = "upstream status line";
        var line = lines[0];
        var firstSpace = line.IndexOf(' ');
        if (firstSpace < 0 || line.Length < firstSpace + 4)
        {
            throw new HttpProtocolException(502, $"{who} '{Printable.Of(line)}' must be 'HTTP/1.1 NNN reason'");
        }

        var version = HttpWireVersions.Parse(line[..firstSpace], who, badStatus: 502);
        var code = line.AsSpan(firstSpace + 1, 3);
        if (!(char.IsAsciiDigit(code[0]) && char.IsAsciiDigit(code[1]) && char.IsAsciiDigit(code[2])) || code[0] == '0'
            || (line.Length > firstSpace + 4 && line[firstSpace + 4] != ' '))
        {
            throw new HttpProtocolException(502, $"{who} '{Printable.Of(line)}': status must be three digits 100-999");
        }

        var reason = line.Length > firstSpace + 5 ? line[(firstSpace + 5)..] : "";
        return new HttpResponseHead
        {
            Version = version,
            StatusCode = int.Parse(code, provider: System.Globalization.CultureInfo.InvariantCulture),
            Reason = reason,
            Headers = ParseHeaders(lines, "upstream response", 502),
        };
    }

    private static HttpHeaderList ParseHeaders(List<string> lines, string who, int status)
    {
        var headers = new HttpHeaderList();
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line[0] is ' ' or '\t')
            {
                throw new HttpProtocolException(status, $"{who} header line {i + 1}: obsolete line folding is not accepted (RFC 9112 §5.2)");
            }

            var colon = line.IndexOf(':');
            if (colon <= 0 || !IsToken(line.AsSpan(0, colon)))
            {
                throw new HttpProtocolException(status, $"{who} header line {i + 1} '{Printable.Of(line)}' must be 'Name: value' with a token name and no space before ':'");
            }

            var value = line.AsSpan(colon + 1).Trim(" \t");
            foreach (var c in value)
            {
                if (c is < ' ' and not '\t' or '\x7f')
                {
                    throw new HttpProtocolException(status, $"{who} header '{line[..colon]}' has a control character in its value");
                }
            }

            headers.Add(line[..colon], value.ToString());
        }

        return headers;
    }

    /// <summary>RFC 9110 §5.6.2 tchar.</summary>
    internal static bool IsToken(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
            {
                return false;
            }
        }

        return s.Length > 0;
    }

    internal static bool IsToken(string s) => IsToken(s.AsSpan());
}
