using System.Text;

namespace LabSite.Shell.Terminal;

/// <summary>What a key did to the line.</summary>
public enum EditOutcome { None, Changed, Submitted, Interrupted, EndOfFile, Complete, ClearScreen }

/// <summary>
/// The line being typed: a buffer and a cursor, edited by keys as readline's emacs mode does (arrows, Home/End,
/// Ctrl-A/E/K/U/W, Backspace/Delete) with history on Up/Down. Pure state; <see cref="Render"/> produces the VT100
/// bytes that redraw it after the prompt, also when prompt and line wrap over several rows of a terminal
/// <see cref="Width"/> cells wide, and after that width changed (<see cref="Resize"/>).
/// </summary>
public sealed class LineEditor
{
    /// <summary>A bound on one line, so a paste of megabytes cannot grow the buffer without end.</summary>
    public const int MaxLineLength = 64 * 1024;

    private readonly StringBuilder _buffer = new();
    private IReadOnlyList<string> _history = [];
    private int _historyIndex;
    private string _draft = "";

    public string Text => _buffer.ToString();

    public int Cursor { get; private set; }

    /// <summary>The terminal's width in cells, which decides where the line wraps.</summary>
    public int Width { get; private set; } = 80;

    // Rows between the prompt's first row and the terminal cursor, and the line's last row, as the last Render left
    // them (0 on a fresh row).
    private int _cursorRow;
    private int _endRow;

    /// <summary>Starts a new line; Up/Down walk <paramref name="history"/> (oldest first).</summary>
    public void Reset(IReadOnlyList<string> history)
    {
        _buffer.Clear();
        Cursor = 0;
        _history = history;
        _historyIndex = history.Count;
        _draft = "";
        AtRowStart();
    }

    /// <summary>
    /// The terminal is now <paramref name="columns"/> wide. The next <see cref="Render"/> lays the line out at that width.
    /// It finds the prompt again as many rows up as the cursor sat below it: xterm.js does not reflow the wrapped line
    /// holding the cursor (its <c>reflowCursorLine</c> option is off by default, "because shells usually handle this
    /// themselves"), so those rows stay as the old width left them, cut short when narrower, and the cursor stays put.
    /// </summary>
    public void Resize(int columns) => Width = Math.Max(1, columns);

    /// <summary>Declares that the terminal cursor is now at column 0 of a fresh row (after a newline or a clear screen).</summary>
    public void AtRowStart() => (_cursorRow, _endRow) = (0, 0);

    public EditOutcome Handle(KeyInput input)
    {
        switch (input.Key)
        {
            case Key.Char:
                if (_buffer.Length >= MaxLineLength)
                {
                    return EditOutcome.None;
                }
                _buffer.Insert(Cursor++, input.Text);
                return EditOutcome.Changed;
            case Key.Enter:
                return EditOutcome.Submitted;
            case Key.Backspace when Cursor > 0:
                _buffer.Remove(--Cursor, 1);
                return EditOutcome.Changed;
            case Key.Delete when Cursor < _buffer.Length:
                _buffer.Remove(Cursor, 1);
                return EditOutcome.Changed;
            case Key.Left when Cursor > 0:
                Cursor--;
                return EditOutcome.Changed;
            case Key.Right when Cursor < _buffer.Length:
                Cursor++;
                return EditOutcome.Changed;
            case Key.Home:
                Cursor = 0;
                return EditOutcome.Changed;
            case Key.End:
                Cursor = _buffer.Length;
                return EditOutcome.Changed;
            case Key.KillToEnd:
                _buffer.Remove(Cursor, _buffer.Length - Cursor);
                return EditOutcome.Changed;
            case Key.KillToStart:
                _buffer.Remove(0, Cursor);
                Cursor = 0;
                return EditOutcome.Changed;
            case Key.KillWordBack:
                var start = Cursor;
                while (start > 0 && _buffer[start - 1] == ' ')
                {
                    start--;
                }
                while (start > 0 && _buffer[start - 1] != ' ')
                {
                    start--;
                }
                _buffer.Remove(start, Cursor - start);
                Cursor = start;
                return EditOutcome.Changed;
            case Key.Up when _historyIndex > 0:
                if (_historyIndex == _history.Count)
                {
                    _draft = Text;
                }
                SetText(ShellHistory.ToLine(_history[--_historyIndex]));
                return EditOutcome.Changed;
            case Key.Down when _historyIndex < _history.Count:
                _historyIndex++;
                SetText(_historyIndex == _history.Count ? _draft : ShellHistory.ToLine(_history[_historyIndex]));
                return EditOutcome.Changed;
            case Key.Tab:
                return EditOutcome.Complete;
            case Key.Interrupt:
                return EditOutcome.Interrupted;
            case Key.EndOfFile when _buffer.Length == 0:
                return EditOutcome.EndOfFile;
            case Key.EndOfFile when Cursor < _buffer.Length:
                _buffer.Remove(Cursor, 1);
                return EditOutcome.Changed;
            case Key.ClearScreen:
                return EditOutcome.ClearScreen;
            default:
                return EditOutcome.None;
        }
    }

    /// <summary>Replaces <paramref name="length"/> characters before the cursor with <paramref name="text"/> (completion).</summary>
    public void ReplaceBeforeCursor(int length, string text)
    {
        _buffer.Remove(Cursor - length, length);
        _buffer.Insert(Cursor - length, text);
        Cursor += text.Length - length;
    }

    private void SetText(string text)
    {
        _buffer.Clear().Append(text.Length > MaxLineLength ? text[..MaxLineLength] : text);
        Cursor = _buffer.Length;
    }

    /// <summary>
    /// Redraws the line in place: up to the prompt's first row, carriage return, prompt, text, erase what an older and
    /// longer line left behind, then the cursor moved back to its place. A line that fits one row, before and after,
    /// gets the short form (<c>CR prompt text ESC[K ESC[nD</c>); a wrapped one erases to the end of the screen and moves
    /// by rows. Multi-line history entries (here-documents) show their newlines as CR LF.
    /// </summary>
    public string Render(string prompt)
    {
        var layout = new LineLayout(Width);
        var all = prompt + Text;
        var end = layout.After(all, all.Length);
        var cursor = layout.After(all, prompt.Length + Cursor);
        var output = new StringBuilder();
        if (_cursorRow > 0)
        {
            output.Append($"\u001b[{_cursorRow}A");
        }
        output.Append('\r').Append(prompt).Append(Text.Replace("\n", "\r\n"));
        // Rows below the cursor's (the old line's tail) need erasing too when the line spanned or spans several rows.
        var wrapped = _endRow > 0 || end.Row > 0;
        if (end.Row > 0 && end.Column == 0 && !Text.EndsWith('\n'))
        {
            // The text ended exactly at a row's end, where the terminal holds the cursor on the last cell until the next
            // character: go to the next row explicitly, so the cursor is where the layout says.
            output.Append("\r\n");
        }
        output.Append(wrapped ? "\u001b[J" : "\u001b[K");
        if (end.Row == cursor.Row)
        {
            var back = end.Column - cursor.Column;
            output.Append(back > 0 ? $"\u001b[{back}D" : "");
        }
        else
        {
            output.Append($"\u001b[{end.Row - cursor.Row}A\r");
            output.Append(cursor.Column > 0 ? $"\u001b[{cursor.Column}C" : "");
        }
        (_cursorRow, _endRow) = (cursor.Row, end.Row);
        return output.ToString();
    }

    /// <summary>
    /// Moves the terminal cursor from its place in the line to the line's end (before Enter's newline, so output starts
    /// below the whole line, not in its middle). The next <see cref="Render"/> then starts on a fresh row.
    /// </summary>
    public string LeaveLine(string prompt)
    {
        var layout = new LineLayout(Width);
        var all = prompt + Text;
        var end = layout.After(all, all.Length);
        var cursor = layout.After(all, prompt.Length + Cursor);
        AtRowStart();
        if (end.Row == cursor.Row)
        {
            var forward = end.Column - cursor.Column;
            return forward > 0 ? $"\u001b[{forward}C" : "";
        }
        // At the end of a row-filling text the cursor's row is already the blank next row; otherwise land on the last cell.
        return $"\u001b[{end.Row - cursor.Row}B\r" + (end.Column > 0 ? $"\u001b[{end.Column}C" : "");
    }
}
