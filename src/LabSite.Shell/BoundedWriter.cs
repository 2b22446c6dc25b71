using System.Text;

namespace LabSite.Shell;

/// <summary>
/// Collects a pipeline stage's output up to a limit, so <c>yes</c>-like output (a jq loop, a huge file) cannot
/// exhaust memory: past the limit writing throws <see cref="OutputLimitException"/>.
/// </summary>
public sealed class BoundedWriter(int maxChars) : SynchronousTextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        Check(1);
        _text.Append(value);
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }
        Check(value.Length);
        _text.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Check(count);
        _text.Append(buffer, index, count);
    }

    public override string ToString() => _text.ToString();

    private void Check(int more)
    {
        if (_text.Length + more > maxChars)
        {
            throw new OutputLimitException(maxChars);
        }
    }
}

public sealed class OutputLimitException(int maxChars) : Exception($"output larger than {maxChars / (1024 * 1024)} MiB; stopped");
