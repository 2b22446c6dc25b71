using System.Text;

namespace LabSite.Clusters.Contract.Inspection;

/// <summary>
/// Go's text/tabwriter (left-aligned, space padding), which cilium-dbg and kubectl print their tables through.
/// Cells end at a tab; the text after a line's last tab is not aligned. A column block is a run of consecutive lines
/// that all have a cell in that column; its width is max(min width, widest cell + padding), counted in runes.
/// </summary>
public static class GoTabWriter
{
    /// <summary>Rows whose every cell is tab-terminated, as cilium-dbg writes its tables: every column is aligned.</summary>
    public static string Format(IReadOnlyList<string[]> rows, int minWidth, int padding)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Format(string.Concat(rows.Select(r => string.Concat(r.Select(c => c + "\t")) + "\n")), minWidth, padding);
    }

    public static string Format(string text, int minWidth, int padding)
    {
        var lines = text.Split('\n').Select(l => l.Split('\t')).ToList();
        var trailingNewline = text.EndsWith('\n');
        if (trailingNewline)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        var output = new StringBuilder();
        var widths = new List<int>();
        Format(lines, widths, 0, lines.Count, minWidth, padding, output);
        if (!trailingNewline && output.Length > 0)
        {
            output.Length--;
        }
        return output.ToString();
    }

    private static void Format(List<string[]> lines, List<int> widths, int line0, int line1, int minWidth, int padding, StringBuilder output)
    {
        var column = widths.Count;
        for (var current = line0; current < line1; current++)
        {
            if (column >= lines[current].Length - 1)
            {
                continue;
            }
            WriteLines(lines, widths, line0, current, output);
            line0 = current;
            var width = minWidth;
            for (; current < line1; current++)
            {
                if (column >= lines[current].Length - 1)
                {
                    break;
                }
                width = Math.Max(width, Width(lines[current][column]) + padding);
            }
            widths.Add(width);
            Format(lines, widths, line0, current, minWidth, padding, output);
            widths.RemoveAt(widths.Count - 1);
            line0 = current;
            current--;
        }
        WriteLines(lines, widths, line0, line1, output);
    }

    private static void WriteLines(List<string[]> lines, List<int> widths, int from, int to, StringBuilder output)
    {
        for (var i = from; i < to; i++)
        {
            var cells = lines[i];
            for (var j = 0; j < cells.Length; j++)
            {
                output.Append(cells[j]);
                if (j < widths.Count && j < cells.Length - 1)
                {
                    output.Append(' ', Math.Max(0, widths[j] - Width(cells[j])));
                }
            }
            output.Append('\n');
        }
    }

    private static int Width(string cell) => cell.EnumerateRunes().Count();
}
