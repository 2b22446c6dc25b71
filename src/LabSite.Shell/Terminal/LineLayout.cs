namespace LabSite.Shell.Terminal;

/// <summary>
/// Where text written from column 0 lands on a terminal <see cref="Width"/> cells wide with auto-wrap on, as xterm.js
/// and VT100s place it: a character written when the row is full goes to the next row, and LF starts a new row.
/// Escape sequences (the prompt's colours) take no cells; every other character takes one (wide CJK and emoji
/// characters are counted as one, so such lines may be redrawn a cell off).
/// </summary>
public readonly record struct LineLayout(int Width)
{
    /// <summary>A row and a column, both counted from 0 at the prompt's first cell.</summary>
    public readonly record struct Position(int Row, int Column);

    /// <summary>
    /// The cell where the terminal's cursor sits after writing the first <paramref name="length"/> characters of
    /// <paramref name="text"/>. A full row puts it at the start of the next row, where the next character goes; the
    /// renderer writes CR LF there itself when the text ends exactly at a row's end, so the terminal agrees.
    /// </summary>
    public Position After(string text, int length)
    {
        int row = 0, column = 0;
        for (var i = 0; i < length; i++)
        {
            var c = text[i];
            if (c == '\u001b')
            {
                i = SkipEscape(text, i);
                continue;
            }
            if (c == '\n')
            {
                row++;
                column = 0;
                continue;
            }
            if (char.IsControl(c) || char.IsLowSurrogate(c))
            {
                continue;
            }
            if (column == Width)
            {
                row++;
                column = 0;
            }
            column++;
        }
        return column == Width ? new Position(row + 1, 0) : new Position(row, column);
    }

    /// <summary>Index of the last character of the escape sequence starting at <paramref name="at"/> (CSI or a two-character one).</summary>
    private static int SkipEscape(string text, int at)
    {
        if (at + 1 >= text.Length || text[at + 1] != '[')
        {
            return Math.Min(at + 1, text.Length - 1);
        }
        var i = at + 2;
        while (i < text.Length && text[i] is >= '0' and <= '?')
        {
            i++;
        }
        return Math.Min(i, text.Length - 1);
    }
}
