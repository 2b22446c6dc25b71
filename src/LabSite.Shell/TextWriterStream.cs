using System.Text;

namespace LabSite.Shell;

/// <summary>
/// A write-only stream that decodes UTF-8 into a <see cref="TextWriter"/>: how exec output from the cluster reaches
/// the shell's text pipes and the CLI's output writers. The decoder keeps partial multi-byte characters between writes;
/// each asynchronous write is flushed, so a program's output streams as it comes.
/// </summary>
public sealed class TextWriterStream(TextWriter writer) : Stream
{
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        var chars = new char[_decoder.GetCharCount(buffer, offset, count)];
        var n = _decoder.GetChars(buffer, offset, count, chars, 0);
        writer.Write(chars, 0, n);
    }

    public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        var chars = new char[_decoder.GetCharCount(buffer, offset, count)];
        var n = _decoder.GetChars(buffer, offset, count, chars, 0);
        await writer.WriteAsync(chars.AsMemory(0, n), cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(WriteAsync(buffer.ToArray(), 0, buffer.Length, cancellationToken));

    public override void Flush() => writer.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => writer.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
