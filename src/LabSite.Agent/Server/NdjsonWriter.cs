using System.Text.Json;
using LabSite.Agent.Client;

namespace LabSite.Agent.Server;

/// <summary>
/// Writes one JSON object per line to a streamed response and flushes it, so the client sees each frame as
/// it happens. Writes from several producers (stdout and stderr pumps) are serialized.
/// </summary>
internal sealed class NdjsonWriter(Stream body)
{
    private static readonly byte[] s_newLine = "\n"u8.ToArray();
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task WriteAsync<T>(T frame, CancellationToken ct)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, AgentProtocol.Json);
        await _lock.WaitAsync(ct);
        try
        {
            await body.WriteAsync(bytes, ct);
            await body.WriteAsync(s_newLine, ct);
            await body.FlushAsync(ct);
        }
        finally
        {
            _lock.Release();
        }
    }
}

/// <summary>
/// A write-only stream that turns each write into an exec frame on one named stream (stdout or stderr), sent by
/// <paramref name="send"/> (an NDJSON line, or a WebSocket message of an exec session).
/// </summary>
internal sealed class ExecFrameStream(Func<ExecFrame, CancellationToken, Task> send, string name, CancellationToken ct) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length > 0)
        {
            await send(new ExecFrame(Stream: name, Data: Convert.ToBase64String(buffer.Span)), ct);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Backends should write asynchronously; a synchronous write still works, blocking its caller.
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, ct).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
