namespace LabSite.Shell.Kubectl;

/// <summary>
/// kubectl's table layout: Go's tabwriter with min width 6, padding 3 (kubectl printers.GetNewTabWriter).
/// Gives <c>NAME   READY   STATUS    RESTARTS   AGE</c>.
/// </summary>
public static class TableWriter
{
    public static string Format(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, bool noHeaders = false) =>
        Format(noHeaders ? rows : rows.Prepend(headers), rememberedWidths: null);

    /// <summary>Lines laid out with column widths carried over from earlier calls (see <see cref="GoTabWriter"/>).</summary>
    public static string Format(IEnumerable<IReadOnlyList<string>> lines, List<int>? rememberedWidths)
    {
        // Tabs inside a cell would split it; kubectl's printers never emit them either.
        var text = string.Concat(lines.Select(r => string.Join('\t', r.Select(c => c.Replace('\t', ' '))) + "\n"));
        return GoTabWriter.Format(text, minWidth: 6, padding: 3, rememberedWidths);
    }
}
