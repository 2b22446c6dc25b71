namespace LabSite.Shell.Terminal;

/// <summary>The keys the line editor understands, decoded from a terminal's bytes.</summary>
public enum Key
{
    Char, Enter, Backspace, Delete, Left, Right, Up, Down, Home, End, Tab,
    Interrupt, EndOfFile, ClearScreen, KillToEnd, KillToStart, KillWordBack,
}

/// <summary>One key press; <see cref="Text"/> holds the character for <see cref="Key.Char"/>.</summary>
public readonly record struct KeyInput(Key Key, char Text = '\0');

/// <summary>
/// Turns what xterm.js (or any VT100 terminal) sends into keys: printable characters, control keys (Ctrl-A/E/K/U/W/C/D/L),
/// and escape sequences for arrows, Home/End/Delete in their CSI and SS3 forms. A sequence split across two chunks is kept
/// until its end arrives; unknown sequences are dropped whole rather than typed as text.
/// </summary>
public sealed class VtInputDecoder
{
    private string _pending = "";

    public IReadOnlyList<KeyInput> Decode(string chunk)
    {
        var text = _pending + chunk;
        _pending = "";
        var keys = new List<KeyInput>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\u001b')
            {
                var (key, length) = Escape(text, i);
                if (length == 0)
                {
                    // Incomplete sequence: wait for the rest (bounded, so a lone ESC does not swallow later typing).
                    if (text.Length - i < 8)
                    {
                        _pending = text[i..];
                        break;
                    }
                    length = 1;
                }
                if (key is { } k)
                {
                    keys.Add(k);
                }
                i += length;
                continue;
            }
            keys.Add(c switch
            {
                '\r' or '\n' => new KeyInput(Key.Enter),
                '\u007f' or '\b' => new KeyInput(Key.Backspace),
                '\t' => new KeyInput(Key.Tab),
                '\u0001' => new KeyInput(Key.Home),
                '\u0005' => new KeyInput(Key.End),
                '\u0002' => new KeyInput(Key.Left),
                '\u0006' => new KeyInput(Key.Right),
                '\u0010' => new KeyInput(Key.Up),
                '\u000e' => new KeyInput(Key.Down),
                '\u0003' => new KeyInput(Key.Interrupt),
                '\u0004' => new KeyInput(Key.EndOfFile),
                '\u000c' => new KeyInput(Key.ClearScreen),
                '\u000b' => new KeyInput(Key.KillToEnd),
                '\u0015' => new KeyInput(Key.KillToStart),
                '\u0017' => new KeyInput(Key.KillWordBack),
                _ when char.IsControl(c) => default,
                _ => new KeyInput(Key.Char, c),
            });
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
            }
            i++;
        }
        return keys.Where(k => k != default).ToList();
    }

    /// <summary>Decodes ESC [ ... or ESC O ...; length 0 means the sequence is not complete yet.</summary>
    private static (KeyInput? Key, int Length) Escape(string text, int at)
    {
        if (at + 1 >= text.Length)
        {
            return (null, 0);
        }
        var kind = text[at + 1];
        if (kind == 'O')
        {
            if (at + 2 >= text.Length)
            {
                return (null, 0);
            }
            return (Final(text[at + 2], ""), 3);
        }
        if (kind != '[')
        {
            // Alt+key: ignore the ESC, keep the key.
            return (null, 1);
        }
        var j = at + 2;
        while (j < text.Length && (char.IsAsciiDigit(text[j]) || text[j] == ';'))
        {
            j++;
        }
        if (j >= text.Length)
        {
            return (null, 0);
        }
        return (Final(text[j], text[(at + 2)..j]), j - at + 1);
    }

    private static KeyInput? Final(char final, string parameters) => final switch
    {
        'A' => new KeyInput(Key.Up),
        'B' => new KeyInput(Key.Down),
        'C' => new KeyInput(Key.Right),
        'D' => new KeyInput(Key.Left),
        'H' => new KeyInput(Key.Home),
        'F' => new KeyInput(Key.End),
        '~' => parameters switch
        {
            "1" or "7" => new KeyInput(Key.Home),
            "4" or "8" => new KeyInput(Key.End),
            "3" => new KeyInput(Key.Delete),
            _ => null,
        },
        _ => null,
    };
}
