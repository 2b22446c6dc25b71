using System.Net.Sockets;

namespace LabSite.Clusters.Netns.Proxy.Listener;

/// <summary>
/// A stream over a socket that stays in blocking mode: reads and writes are plain blocking calls on the calling
/// thread, and the async methods complete synchronously, so the proxy's async code runs on a dedicated thread without
/// hops. Why: an async socket read that has to wait costs two wakeups on Linux (.NET's epoll thread, then a
/// thread-pool worker) and a blocked recv(2) one; the egress benchmark's profile was dominated by those wakeups.
/// A socket must never see an async Socket call, which would switch it to non-blocking for good. The owner wakes a
/// blocked call by shutting the socket down when a deadline passes (<see cref="ProxyConnection"/>); the token a call
/// was given then turns its end into <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class BlockingSocketStream(Socket socket) : Stream
{
    public Socket Socket => socket;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => socket.Receive(buffer, SocketFlags.None);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            buffer = buffer[socket.Send(buffer, SocketFlags.None)..];
        }
    }

    /// <summary>
    /// Blocks until the socket is readable (data or EOF) without taking a byte or holding a buffer, as an idle
    /// kept-alive connection waits: true when readable, false when <paramref name="timeout"/> passed first. Throws
    /// <see cref="OperationCanceledException"/> when <paramref name="ct"/> has fired.
    /// </summary>
    public bool WaitReadable(TimeSpan timeout, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var readable = socket.Poll(timeout, SelectMode.SelectRead);
        ct.ThrowIfCancellationRequested();
        return readable;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var n = Read(buffer.Span);
            cancellationToken.ThrowIfCancellationRequested(); // a shutdown by the deadline reads as EOF
            return ValueTask.FromResult(n);
        }
        catch (SocketException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("deadline passed during a blocking read", e, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new IOException($"read: {e.SocketErrorCode}", e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
        catch (SocketException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("deadline passed during a blocking write", e, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new IOException($"write: {e.SocketErrorCode}", e);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            socket.Dispose();
        }

        base.Dispose(disposing);
    }
}
