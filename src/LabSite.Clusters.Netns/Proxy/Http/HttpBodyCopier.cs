using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace LabSite.Clusters.Netns.Proxy.Http;

/// <summary>
/// Moves one message body from a pipe to a stream exactly as framed, byte for byte (chunked bodies stay chunked,
/// so trailers and extensions pass through). A null destination discards the body, which keeps a persistent
/// connection in step after a denied request.
/// </summary>
internal static class HttpBodyCopier
{
    /// <summary>Largest head+body sent in one write when the whole body is already buffered.</summary>
    private const int CoalesceLimit = 16 * 1024;

    /// <summary>
    /// Writes <paramref name="head"/> and then the body. When the body is small and already buffered (the common
    /// case for API calls), both go out in one write: one syscall and one segment instead of two.
    /// </summary>
    public static async ValueTask<long> WriteMessageAsync(
        byte[] head, PipeReader source, Stream destination, HttpBodyFraming framing, HttpLimits limits, string who, int syntaxStatus, CancellationToken ct)
    {
        if (framing.Kind == HttpBodyKind.None)
        {
            await destination.WriteAsync(head, ct);
            return 0;
        }

        if (framing.Kind == HttpBodyKind.ContentLength && head.Length + framing.Length <= CoalesceLimit && source.TryRead(out var result))
        {
            if (result.Buffer.Length >= framing.Length)
            {
                var body = result.Buffer.Slice(0, framing.Length);
                var length = head.Length + (int)framing.Length;
                var message = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    head.CopyTo(message, 0);
                    body.CopyTo(message.AsSpan(head.Length));
                    source.AdvanceTo(body.End);
                    await destination.WriteAsync(message.AsMemory(0, length), ct);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(message);
                }

                return framing.Length;
            }

            source.AdvanceTo(result.Buffer.Start);
        }

        await destination.WriteAsync(head, ct);
        return await CopyAsync(source, destination, framing, limits, who, syntaxStatus, ct);
    }

    /// <summary>Copies the body; returns its payload size (chunk data only for chunked bodies).</summary>
    public static ValueTask<long> CopyAsync(
        PipeReader source, Stream? destination, HttpBodyFraming framing, HttpLimits limits, string who, int syntaxStatus, CancellationToken ct) =>
        framing.Kind switch
        {
            HttpBodyKind.None => ValueTask.FromResult(0L),
            HttpBodyKind.ContentLength => CopyLengthAsync(source, destination, framing.Length, who, syntaxStatus, ct),
            HttpBodyKind.UntilClose => CopyToEndAsync(source, destination, ct),
            _ => CopyChunkedAsync(source, destination, limits, who, syntaxStatus, ct),
        };

    private static async ValueTask<long> CopyLengthAsync(PipeReader source, Stream? destination, long length, string who, int syntaxStatus, CancellationToken ct)
    {
        var remaining = length;
        while (remaining > 0)
        {
            var result = await source.ReadAsync(ct);
            var buffer = result.Buffer;
            var take = buffer.Slice(0, Math.Min(remaining, buffer.Length));
            await WriteAsync(destination, take, ct);
            remaining -= take.Length;
            source.AdvanceTo(take.End);
            if (remaining > 0 && result.IsCompleted)
            {
                throw new HttpProtocolException(syntaxStatus, $"{who}: body ended after {length - remaining} of {length} bytes (Content-Length)");
            }
        }

        return length;
    }

    private static async ValueTask<long> CopyToEndAsync(PipeReader source, Stream? destination, CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            var result = await source.ReadAsync(ct);
            await WriteAsync(destination, result.Buffer, ct);
            total += result.Buffer.Length;
            source.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return total;
            }
        }
    }

    private enum ChunkState { SizeLine, Data, DataEnd, Trailer }

    private static async ValueTask<long> CopyChunkedAsync(PipeReader source, Stream? destination, HttpLimits limits, string who, int syntaxStatus, CancellationToken ct)
    {
        var state = ChunkState.SizeLine;
        long chunkLeft = 0, total = 0;
        long trailerBytes = 0;
        while (true)
        {
            var result = await source.ReadAsync(ct);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            var finished = false;
            while (!finished && !reader.End)
            {
                switch (state)
                {
                    case ChunkState.SizeLine:
                        if (!TryReadLine(ref reader, limits, who, syntaxStatus, out var sizeLine))
                        {
                            goto needMore;
                        }

                        chunkLeft = ParseChunkSize(sizeLine, who, syntaxStatus);
                        total += chunkLeft;
                        state = chunkLeft == 0 ? ChunkState.Trailer : ChunkState.Data;
                        break;
                    case ChunkState.Data:
                        var take = Math.Min(chunkLeft, reader.Remaining);
                        reader.Advance(take);
                        chunkLeft -= take;
                        if (chunkLeft == 0)
                        {
                            state = ChunkState.DataEnd;
                        }

                        break;
                    case ChunkState.DataEnd:
                        if (reader.Remaining < 2)
                        {
                            goto needMore;
                        }

                        if (!reader.IsNext("\r\n"u8, advancePast: true))
                        {
                            throw new HttpProtocolException(syntaxStatus, $"{who}: chunk data is not followed by CRLF");
                        }

                        state = ChunkState.SizeLine;
                        break;
                    case ChunkState.Trailer:
                        if (!TryReadLine(ref reader, limits, who, syntaxStatus, out var trailer))
                        {
                            goto needMore;
                        }

                        trailerBytes += trailer.Length + 2;
                        if (trailerBytes > limits.MaxHeadBytes)
                        {
                            throw new HttpProtocolException(syntaxStatus, $"{who}: chunked trailer section is over {limits.MaxHeadBytes} bytes");
                        }

                        finished = trailer.Length == 0;
                        break;
                }
            }

        needMore:
            var consumed = buffer.Slice(0, reader.Consumed);
            await WriteAsync(destination, consumed, ct);
            source.AdvanceTo(consumed.End, buffer.End);
            if (finished)
            {
                return total;
            }

            if (result.IsCompleted)
            {
                throw new HttpProtocolException(syntaxStatus, $"{who}: connection closed inside a chunked body");
            }
        }
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, HttpLimits limits, string who, int syntaxStatus, out ReadOnlySequence<byte> line)
    {
        if (!reader.TryReadTo(out line, (byte)'\n'))
        {
            if (reader.Remaining > limits.MaxLineBytes)
            {
                throw new HttpProtocolException(syntaxStatus, $"{who}: chunk-size or trailer line is over {limits.MaxLineBytes} bytes");
            }

            return false;
        }

        if (line.Length == 0 || line.Slice(line.Length - 1).FirstSpan[0] != (byte)'\r')
        {
            throw new HttpProtocolException(syntaxStatus, $"{who}: chunk-size or trailer line does not end with CRLF");
        }

        line = line.Slice(0, line.Length - 1);
        return true;
    }

    private static long ParseChunkSize(ReadOnlySequence<byte> line, string who, int syntaxStatus)
    {
        var text = Encoding.Latin1.GetString(line);
        var semicolon = text.IndexOf(';');
        var hex = (semicolon >= 0 ? text[..semicolon] : text).TrimEnd(' ', '\t');
        if (hex.Length is 0 or > 15 || !long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size))
        {
            throw new HttpProtocolException(syntaxStatus, $"{who}: chunk size '{Printable.Of(text)}' is not a hexadecimal number");
        }

        return size;
    }

    private static async ValueTask WriteAsync(Stream? destination, ReadOnlySequence<byte> data, CancellationToken ct)
    {
        if (destination is null)
        {
            return;
        }

        foreach (var segment in data)
        {
            await destination.WriteAsync(segment, ct);
        }
    }
}
