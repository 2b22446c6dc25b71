using System.Text;

namespace LabSite.Shell.Tests.Terminal;

/// <summary>
/// A small model of xterm.js's screen for the sequences the line editor emits: printable characters with auto-wrap
/// (a full row holds the cursor on its last cell until the next character), CR, LF, CSI A/B/C/D (cursor moves),
/// CSI K and J (erase), SGR (ignored). <see cref="Resize"/> keeps rows as they are, cut or padded, and clamps the cursor:
/// what xterm.js does to the wrapped line holding the cursor while <c>reflowCursorLine</c> is off (its default).
/// </summary>
internal sealed class VirtualTerminal(int width, int height = 24)
{
    private readonly List<char[]> _rows = Enumerable.Range(0, height).Select(_ => Blank(width)).ToList();

    public int Width { get; private set; } = width;

    public int X { get; private set; }

    public int Y { get; private set; }

    public IReadOnlyList<string> Lines => _rows.Select(r => new string(r).TrimEnd()).ToList();

    /// <summary>The screen's non-blank rows from the top, ends trimmed.</summary>
    public string Text => string.Join("\n", Lines).TrimEnd('\n');

    public void Resize(int columns)
    {
        for (var i = 0; i < _rows.Count; i++)
        {
            var row = Blank(columns);
            Array.Copy(_rows[i], row, Math.Min(columns, _rows[i].Length));
            _rows[i] = row;
        }
        Width = columns;
        X = Math.Min(X, columns - 1);
    }

    public void Write(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\r':
                    X = 0;
                    break;
                case '\n':
                    LineFeed();
                    break;
                case '\u001b':
                    i = Escape(text, i);
                    break;
                default:
                    if (X == Width)
                    {
                        X = 0;
                        LineFeed();
                    }
                    _rows[Y][X++] = c;
                    break;
            }
        }
    }

    private int Escape(string text, int at)
    {
        Assert.True(at + 1 < text.Length && text[at + 1] == '[', $"only CSI sequences are modelled, got {Printable(text[at..])}");
        var end = at + 2;
        while (char.IsAsciiDigit(text[end]) || text[end] == ';')
        {
            end++;
        }
        var parameter = text[(at + 2)..end];
        var n = int.TryParse(parameter, out var value) ? value : 1;
        // Cursor moves and erases start by leaving the "row full, wrap pending" state, as xterm.js does.
        var x = Math.Min(X, Width - 1);
        switch (text[end])
        {
            case 'A': Y = Math.Max(0, Y - n); X = x; break;
            case 'B': Y = Math.Min(_rows.Count - 1, Y + n); X = x; break;
            case 'C': X = Math.Min(Width - 1, x + n); break;
            case 'D': X = Math.Max(0, x - n); break;
            case 'K': Array.Fill(_rows[Y], ' ', X, Width - X); break;
            case 'J':
                Array.Fill(_rows[Y], ' ', X, Width - X);
                for (var row = Y + 1; row < _rows.Count; row++)
                {
                    Array.Fill(_rows[row], ' ');
                }
                break;
            case 'm': break;
            default: Assert.Fail($"unexpected sequence {Printable(text[at..(end + 1)])}"); break;
        }
        return end;
    }

    private void LineFeed()
    {
        if (Y + 1 < _rows.Count)
        {
            Y++;
            return;
        }
        _rows.RemoveAt(0);
        _rows.Add(Blank(Width));
    }

    private static char[] Blank(int columns) => Enumerable.Repeat(' ', columns).ToArray();

    private static string Printable(string text) => new StringBuilder(text).Replace("\u001b", "ESC").ToString();
}
