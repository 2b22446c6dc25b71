namespace LabSite.Sandbox.Shell.Kubectl;

/// <summary>
/// kubectl's table layout: Go's tabwriter with min width 6, padding 3 (kubectl printers.GetNewTabWriter).
/// Gives <c>NAME   READY   STATUS    RESTARTS   AGE</c>.
/// </summary>
public static class TableWriter
{
    public static string Format(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, bool noHeaders = false)
    {
        var lines = new List<IReadOnlyList<string>>();
        if (!noHeaders)
        {
            lines.Add(headers);
        }
        lines.AddRange(rows);
        // Tabs inside a cell would split it; kubectl's printers never emit them either.
        var text = string.Concat(lines.Select(r => string.Join('\t', r.Select(c => c.Replace('\t', ' '))) + "\n"));
        return GoTabWriter.Format(text, minWidth: 6, padding: 3);
    }
}
