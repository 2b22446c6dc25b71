using LabSite.Shell.Terminal;

namespace LabSite.Shell.Tests.Terminal;

/// <summary>
/// The line editor's redraw on a wrapped line, replayed on <see cref="VirtualTerminal"/>: what the learner sees after
/// typing, moving and resizing the terminal 80 → 40 → 120 columns.
/// </summary>
public class LineEditorTests
{
    private const string Prompt = "\u001b[1;32mlab\u001b[0m$ ";
    private const string VisiblePrompt = "lab$ ";

    // 100 characters: wraps at 80 columns, takes three rows at 40.
    private const string Line = "kubectl exec xwing -- curl -s -XPOST deathstar.default.svc.cluster.local/v1/request-landing -m 55 -v";

    private sealed class Harness
    {
        public readonly LineEditor Editor = new();
        public readonly VirtualTerminal Screen;

        public Harness(int width)
        {
            Screen = new VirtualTerminal(width);
            Editor.Reset([]);
            Editor.Resize(width);
            Screen.Write(Editor.Render(Prompt));
        }

        public string Press(KeyInput key)
        {
            Assert.Equal(EditOutcome.Changed, Editor.Handle(key));
            var output = Editor.Render(Prompt);
            Screen.Write(output);
            return output;
        }

        public void Type(string text)
        {
            foreach (var c in text)
            {
                Press(new KeyInput(Key.Char, c));
            }
        }

        public string Resize(int width)
        {
            Screen.Resize(width);
            Editor.Resize(width);
            var output = Editor.Render(Prompt);
            Screen.Write(output);
            return output;
        }

        /// <summary>The prompt and line as they should look at the screen's width, one entry per row, and where the cursor belongs.</summary>
        public (IReadOnlyList<string> Rows, int X, int Y) Expected()
        {
            var all = VisiblePrompt + Editor.Text;
            var rows = all.Chunk(Screen.Width).Select(c => new string(c)).ToList();
            var at = VisiblePrompt.Length + Editor.Cursor;
            return (rows, at % Screen.Width, at / Screen.Width);
        }

        public void AssertShowsLine()
        {
            var (rows, x, y) = Expected();
            Assert.Equal(rows, Screen.Lines.Take(rows.Count));
            Assert.All(Screen.Lines.Skip(rows.Count), l => Assert.Equal("", l));
            Assert.Equal((x, y), (Screen.X, Screen.Y));
        }
    }

    [Fact]
    public void A_wrapped_line_is_redrawn_at_80_then_40_then_120_columns()
    {
        var h = new Harness(80);
        h.Type(Line);
        h.AssertShowsLine();
        Assert.Equal(2, h.Screen.Lines.Count(l => l.Length > 0));

        // Move into the first row, so the cursor is not on the line's last row when the width changes.
        for (var i = 0; i < 40; i++)
        {
            h.Press(new KeyInput(Key.Left));
        }
        h.AssertShowsLine();
        Assert.Equal(0, h.Screen.Y);

        var narrower = h.Resize(40);
        h.AssertShowsLine();
        Assert.Equal(3, h.Screen.Lines.Count(l => l.Length > 0));
        // From the cursor's row (still the first: the terminal kept it) straight to the prompt, erase below, then up 2 rows to the cursor.
        Assert.StartsWith("\r" + Prompt + Line[..35] + Line[35..75] + Line[75..] + "\u001b[J", narrower);
        Assert.EndsWith("\u001b[J\u001b[1A\r\u001b[25C", narrower);

        // Editing at 40 columns lands in the right place.
        h.Type("X");
        h.AssertShowsLine();
        Assert.Contains("X", h.Screen.Lines[1]);

        var wider = h.Resize(120);
        h.AssertShowsLine();
        Assert.Single(h.Screen.Lines, l => l.Length > 0);
        Assert.StartsWith("\u001b[1A\r" + Prompt, wider);
        Assert.EndsWith("\u001b[J\u001b[40D", wider);
    }

    [Fact]
    public void Deleting_back_to_one_row_erases_the_rows_below()
    {
        var h = new Harness(40);
        h.Type(Line);
        h.AssertShowsLine();
        for (var i = 0; i < Line.Length - 10; i++)
        {
            h.Press(new KeyInput(Key.Backspace));
        }
        h.AssertShowsLine();
        Assert.Equal(VisiblePrompt + Line[..10], h.Screen.Lines[0]);
    }

    [Fact]
    public void Killing_the_tail_from_the_first_row_erases_the_rows_below()
    {
        var h = new Harness(40);
        h.Type(Line);
        h.Press(new KeyInput(Key.Home));
        h.Press(new KeyInput(Key.Right));
        h.Press(new KeyInput(Key.KillToEnd));
        h.AssertShowsLine();
        Assert.Equal(VisiblePrompt + Line[..1], h.Screen.Lines[0]);
    }

    [Fact]
    public void A_line_ending_exactly_at_the_row_end_puts_the_cursor_on_the_next_row()
    {
        var h = new Harness(40);
        h.Type(new string('a', 40 - VisiblePrompt.Length));
        h.AssertShowsLine();
        Assert.Equal((0, 1), (h.Screen.X, h.Screen.Y));
        h.Type("b");
        Assert.Equal("b", h.Screen.Lines[1]);
        h.AssertShowsLine();
    }

    [Fact]
    public void Leaving_a_wrapped_line_from_its_middle_moves_to_its_end()
    {
        var h = new Harness(40);
        h.Type(Line);
        h.Press(new KeyInput(Key.Home));
        Assert.Equal((VisiblePrompt.Length, 0), (h.Screen.X, h.Screen.Y));
        h.Screen.Write(h.Editor.LeaveLine(Prompt) + "\r\noutput");
        Assert.Equal("output", h.Screen.Lines[3]);
        Assert.Equal(Line[75..], h.Screen.Lines[2]);
    }

    [Fact]
    public void A_short_line_keeps_the_one_row_form()
    {
        var h = new Harness(80);
        h.Type("echo wrld");
        h.Press(new KeyInput(Key.Left));
        Assert.Equal("\r" + Prompt + "echo wrld\u001b[K\u001b[2D", h.Press(new KeyInput(Key.Left)));
        h.AssertShowsLine();
    }
}
