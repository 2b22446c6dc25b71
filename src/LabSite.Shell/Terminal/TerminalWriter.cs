using System.Text;

namespace LabSite.Shell.Terminal;

/// <summary>
/// Command output on its way to a terminal: LF becomes CR LF (a raw-mode terminal does not translate), and each write
/// goes to the sink at once, so long-running commands stream. Writes may come from any thread; they are serialised.
/// </summary>
public sealed class TerminalWriter(Action<string> sink) : SynchronousTextWriter
{
    private readonly object _gate = new();
    private char _last;

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Write(value.ToString());

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        lock (_gate)
        {
            var text = new StringBuilder(value.Length + 16);
            foreach (var c in value)
            {
                if (c == '\n' && _last != '\r')
                {
                    text.Append('\r');
                }
                text.Append(c);
                _last = c;
            }
            sink(text.ToString());
        }
    }

    /// <summary>
    /// Text from a program that owns the terminal (an attached <c>kubectl exec -it</c>): passed on verbatim, its own
    /// line ends untouched, remembering only where it left the cursor.
    /// </summary>
    public void WriteVerbatim(string text)
    {
        if (text.Length == 0)
        {
            return;
        }
        lock (_gate)
        {
            _last = text[^1];
            sink(text);
        }
    }

    /// <summary>True when the last character written ended a line (so the prompt needs no newline before it).</summary>
    public bool AtLineStart
    {
        get
        {
            lock (_gate)
            {
                return _last is '\n' or '\0';
            }
        }
    }

    /// <summary>Forgets the last character, after the shell itself wrote a prompt.</summary>
    public void MarkPromptWritten()
    {
        lock (_gate)
        {
            _last = ' ';
        }
    }
}
