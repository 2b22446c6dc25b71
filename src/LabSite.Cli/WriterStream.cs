using System.Text;

namespace LabSite.Cli;

/// <summary>A write-only stream onto a TextWriter (UTF-8), so exec output reaches the command's Output/Error writers.</summary>
internal sealed class WriterStream(TextWriter writer) : Stream
{
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        // A decoder keeps a multi-byte character split across frames intact.
        var chars = new char[_decoder.GetCharCount(buffer, offset, count)];
        _decoder.GetChars(buffer, offset, count, chars, 0);
        writer.Write(chars);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return writer.FlushAsync(cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(WriteAsync(buffer.ToArray(), 0, buffer.Length, cancellationToken));

    public override void Flush() => writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
