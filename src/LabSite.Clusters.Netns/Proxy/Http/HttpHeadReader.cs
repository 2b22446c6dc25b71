using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace LabSite.Clusters.Netns.Proxy.Http;

/// <summary>
/// Reads one head (start line + header lines up to the empty line) off a pipe, enforcing <see cref="HttpLimits"/>.
/// Bytes decode as Latin-1 so every octet survives the round trip to the other side unchanged.
/// </summary>
internal static class HttpHeadReader
{
    /// <summary>
    /// The head's lines (start line first) and its wire size, or null when the peer closed cleanly before sending a
    /// byte (the normal end of a keep-alive connection). Limit and syntax faults throw <see cref="HttpProtocolException"/>
    /// with <paramref name="limitStatus"/> (431 toward clients, 502 for upstream heads) or <paramref name="syntaxStatus"/>.
    /// </summary>
    public static async ValueTask<(List<string> Lines, int Bytes)?> ReadAsync(
        PipeReader reader, HttpLimits limits, string who, int limitStatus, int syntaxStatus, CancellationToken ct)
    {
        // Bounded: every turn either completes the head, fails a limit, or waits for more bytes of a head that may
        // not exceed MaxHeadBytes.
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            var buffer = result.Buffer;
            var (done, consumed, lines, bytes) = TryParse(buffer, limits, who, limitStatus, syntaxStatus);
            if (done)
            {
                reader.AdvanceTo(consumed);
                return (lines!, bytes);
            }

            if (result.IsCompleted)
            {
                var (blank, length) = (IsOnlyBlankLines(buffer), buffer.Length);
                reader.AdvanceTo(buffer.End);
                if (blank)
                {
                    return null;
                }

                throw new HttpProtocolException(syntaxStatus, $"{who}: connection closed in the middle of the head after {length} bytes");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static (bool Done, SequencePosition Consumed, List<string>? Lines, int Bytes) TryParse(
        ReadOnlySequence<byte> buffer, HttpLimits limits, string who, int limitStatus, int syntaxStatus)
    {
        var reader = new SequenceReader<byte>(buffer);
        var lines = new List<string>();
        while (reader.TryReadTo(out ReadOnlySequence<byte> raw, (byte)'\n'))
        {
            var line = raw;
            if (line.Length > 0 && EndsWithCr(line))
            {
                line = line.Slice(0, line.Length - 1);
            }

            if (line.Length > limits.MaxLineBytes)
            {
                throw new HttpProtocolException(limitStatus, $"{who}: line {lines.Count + 1} is {line.Length} bytes, over the {limits.MaxLineBytes}-byte limit");
            }

            if (reader.Consumed > limits.MaxHeadBytes)
            {
                throw new HttpProtocolException(limitStatus, $"{who}: head is over the {limits.MaxHeadBytes}-byte limit");
            }

            if (line.Length == 0)
            {
                if (lines.Count == 0)
                {
                    continue; // RFC 9112 §2.2: ignore empty lines before a request line
                }

                return (true, reader.Position, lines, (int)reader.Consumed);
            }

            var text = Encoding.Latin1.GetString(line);
            if (text.AsSpan().IndexOfAny('\r', '\0') >= 0)
            {
                throw new HttpProtocolException(syntaxStatus, $"{who}: line {lines.Count + 1} contains a bare CR or NUL byte");
            }

            lines.Add(text);
            if (lines.Count > limits.MaxHeaderCount + 1)
            {
                throw new HttpProtocolException(limitStatus, $"{who}: more than {limits.MaxHeaderCount} header fields");
            }
        }

        if (reader.Remaining > limits.MaxLineBytes + 1)
        {
            throw new HttpProtocolException(limitStatus, $"{who}: line {lines.Count + 1} is over the {limits.MaxLineBytes}-byte limit");
        }

        if (buffer.Length > limits.MaxHeadBytes)
        {
            throw new HttpProtocolException(limitStatus, $"{who}: head is over the {limits.MaxHeadBytes}-byte limit");
        }

        return (false, default, null, 0);
    }

    private static bool EndsWithCr(ReadOnlySequence<byte> line) => line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r';

    private static bool IsOnlyBlankLines(ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)'\r' or (byte)'\n'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
