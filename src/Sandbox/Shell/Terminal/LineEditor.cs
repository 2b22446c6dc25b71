namespace LabSite.Sandbox.Shell.Terminal;

using System.Text;

/// <summary>What a key did to the line.</summary>
public enum EditOutcome { None, Changed, Submitted, Interrupted, EndOfFile, Complete, ClearScreen }

/// <summary>
/// The line being typed: a buffer and a cursor, edited by keys as readline's emacs mode does (arrows, Home/End,
/// Ctrl-A/E/K/U/W, Backspace/Delete) with history on Up/Down. Pure state; <see cref="Render"/> produces the VT100
/// bytes that redraw it after the prompt. Lines longer than the terminal width are not re-wrapped.
/// </summary>
public sealed class LineEditor
{
    /// <summary>A bound on one line, so a paste of megabytes cannot grow the buffer without end.</summary>
    public const int MaxLineLength = 64 * 1024;

    readonly StringBuilder _buffer = new();
    IReadOnlyList<string> _history = [];
    int _historyIndex;
    string _draft = "";

    public string Text => _buffer.ToString();

    public int Cursor { get; private set; }

    /// <summary>Starts a new line; Up/Down walk <paramref name="history"/> (oldest first).</summary>
    public void Reset(IReadOnlyList<string> history)
    {
        _buffer.Clear();
        Cursor = 0;
        _history = history;
        _historyIndex = history.Count;
        _draft = "";
    }

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

    void SetText(string text)
    {
        _buffer.Clear().Append(text.Length > MaxLineLength ? text[..MaxLineLength] : text);
        Cursor = _buffer.Length;
    }

    /// <summary>
    /// Redraws the line: carriage return, prompt, text, erase to end of line, then the cursor moved back to its place.
    /// Multi-line history entries (here-documents) show their newlines as CR LF.
    /// </summary>
    public string Render(string prompt)
    {
        var text = Text.Replace("\n", "\r\n");
        var back = Text.Length - Cursor;
        return "\r" + prompt + text + "\u001b[K" + (back > 0 ? $"\u001b[{back}D" : "");
    }
}
