using Microsoft.Win32.SafeHandles;

namespace LabSite.Cli.Terminal;

/// <summary>
/// The CLI's stdin for exec, read in the background so a read blocked on the keyboard never holds the command open
/// once the pod's program has ended: cancelling abandons the pending read (the process exits soon after).
/// </summary>
internal sealed class KeyboardInput(Stream inner) : Stream
{
    /// <summary>
    /// File descriptor 0 read with plain read(2): Console.OpenStandardInput on a terminal goes through .NET's own line
    /// editor (its echo, its keypad mode), which must not come between the keyboard and the pod's terminal.
    /// </summary>
    public static KeyboardInput Open() =>
        new(new FileStream(new SafeFileHandle(LocalTerminal.StandardInput, ownsHandle: false), FileAccess.Read, bufferSize: 0));

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = Task.Run(() => inner.Read(buffer.Span), CancellationToken.None);
        return new ValueTask<int>(read.WaitAsync(cancellationToken));
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
