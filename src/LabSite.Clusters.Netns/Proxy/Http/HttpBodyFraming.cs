namespace LabSite.Clusters.Netns.Proxy.Http;

/// <summary>How a message body is delimited on the wire (RFC 9112 §6.3).</summary>
public enum HttpBodyKind
{
    /// <summary>No body at all (requests without framing headers; HEAD, 1xx, 204 and 304 responses).</summary>
    None,

    /// <summary>Exactly <see cref="HttpBodyFraming.Length"/> bytes.</summary>
    ContentLength,

    /// <summary>Transfer-Encoding: chunked, ended by a zero-size chunk and the trailer section.</summary>
    Chunked,

    /// <summary>A response without framing headers: the body runs until the server closes.</summary>
    UntilClose,
}

public readonly record struct HttpBodyFraming(HttpBodyKind Kind, long Length = 0)
{
    public static readonly HttpBodyFraming Empty = new(HttpBodyKind.None);

    /// <summary>
    /// Framing of a request. Transfer-Encoding together with Content-Length, a non-chunked final coding, a bad or
    /// conflicting Content-Length are request-smuggling hazards, so they are refused with 400 rather than guessed at.
    /// </summary>
    public static HttpBodyFraming ForRequest(HttpHeaderList headers, HttpWireVersion version) =>
        FromHeaders(headers, version, "request", isResponse: false);

    /// <summary>Framing of a response to a request with <paramref name="requestMethod"/>.</summary>
    public static HttpBodyFraming ForResponse(HttpHeaderList headers, HttpWireVersion version, int status, string requestMethod)
    {
        if (status is >= 100 and < 200 or 204 or 304 || requestMethod == "HEAD")
        {
            return Empty;
        }

        var framing = FromHeaders(headers, version, "upstream response", isResponse: true);
        return framing.Kind == HttpBodyKind.None ? new HttpBodyFraming(HttpBodyKind.UntilClose) : framing;
    }

    private static HttpBodyFraming FromHeaders(HttpHeaderList headers, HttpWireVersion version, string what, bool isResponse)
    {
        var bad = isResponse ? 502 : 400;
        // Most messages: no body, or one plain Content-Length; without the lists below (two heads per request).
        var (transferEncodings, contentLengths, contentLength) = (0, 0, "");
        foreach (var (name, value) in headers)
        {
            if (string.Equals(name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                transferEncodings++;
            }
            else if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                (contentLengths, contentLength) = (contentLengths + 1, value);
            }
        }

        if (transferEncodings == 0 && contentLengths == 0)
        {
            return Empty;
        }

        if (transferEncodings == 0 && contentLengths == 1 && contentLength.Length is > 0 and <= 18 && !contentLength.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            var plain = long.Parse(contentLength, System.Globalization.CultureInfo.InvariantCulture);
            return plain == 0 ? Empty : new HttpBodyFraming(HttpBodyKind.ContentLength, plain);
        }

        var te = headers.GetAll("Transfer-Encoding").ToList();
        var cl = headers.GetAll("Content-Length").ToList();
        if (te.Count > 0)
        {
            if (cl.Count > 0)
            {
                throw new HttpProtocolException(bad, $"{what}: both Transfer-Encoding and Content-Length are set (refused: ambiguous framing)");
            }

            if (version == HttpWireVersion.Http10 && !isResponse)
            {
                throw new HttpProtocolException(bad, $"{what}: Transfer-Encoding is not allowed in an HTTP/1.0 request");
            }

            var codings = te.SelectMany(v => v.Split(',')).Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
            if (codings.Count == 0 || !string.Equals(codings[^1], "chunked", StringComparison.OrdinalIgnoreCase))
            {
                if (isResponse)
                {
                    return new HttpBodyFraming(HttpBodyKind.UntilClose);
                }

                throw new HttpProtocolException(501, $"{what}: Transfer-Encoding '{Printable.Of(string.Join(", ", te))}' is not supported (the last coding must be chunked)");
            }

            return new HttpBodyFraming(HttpBodyKind.Chunked);
        }

        if (cl.Count == 0)
        {
            return Empty;
        }

        long? length = null;
        foreach (var part in cl.SelectMany(v => v.Split(',')))
        {
            var text = part.Trim();
            if (text.Length == 0 || text.Length > 18 || !text.All(char.IsAsciiDigit))
            {
                throw new HttpProtocolException(bad, $"{what}: Content-Length '{Printable.Of(text)}' is not a non-negative integer");
            }

            var value = long.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            if (length is { } previous && previous != value)
            {
                throw new HttpProtocolException(bad, $"{what}: conflicting Content-Length values {previous} and {value}");
            }

            length = value;
        }

        return length == 0 ? Empty : new HttpBodyFraming(HttpBodyKind.ContentLength, length!.Value);
    }
}
