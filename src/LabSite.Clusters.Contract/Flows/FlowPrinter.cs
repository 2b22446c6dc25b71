using System.Text;

namespace LabSite.Clusters.Contract.Flows;

public enum FlowOutput { Compact, Table, Dict, Json, JsonPb }

/// <summary>How <c>hubble observe</c> was asked to print (<c>-o</c>, <c>--print-node-name</c>, <c>--print-policy-names</c>, <c>--numeric</c>).</summary>
public sealed record FlowPrintOptions(
    FlowOutput Output = FlowOutput.Compact, bool NodeName = false, bool PolicyNames = false, bool IpTranslation = true);

/// <summary>
/// Prints flows as <c>hubble observe</c> does. Compact: <c>time[ [node]]: src srcID arrow dst dstID TYPE VERDICT (summary)</c>,
/// with source and destination swapped for replies (<c>&lt;-</c>) and <c>&lt;&gt;</c> when is_reply is unknown.
/// Table pads columns like Go's tabwriter (padding 3) and so needs every row before printing; dict separates
/// blocks with <c>------------</c>; json/jsonpb print one GetFlowsResponse per line.
/// </summary>
public static class FlowPrinter
{
    public static string Print(IEnumerable<FlowRecord> records, FlowPrintOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var list = records.ToList();
        return options.Output switch
        {
            FlowOutput.Table => Table(list, options),
            FlowOutput.Dict => string.Concat(list.Select((r, i) => (i > 0 ? "------------\n" : "") + Dict(r, options))),
            FlowOutput.Json or FlowOutput.JsonPb => string.Concat(list.Select(r => FlowJson.Write(r) + "\n")),
            _ => string.Concat(list.Select(r => Compact(r, options))),
        };
    }

    /// <summary>One compact line, newline included.</summary>
    public static string Compact(FlowRecord record, FlowPrintOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        options ??= new FlowPrintOptions();
        var f = record.Flow;
        var (src, dst) = FlowText.Hosts(f, options.IpTranslation);
        var (srcId, dstId) = (FlowText.Identity(f.Source), FlowText.Identity(f.Destination));
        var arrow = "->";
        if (f.IsReply is null)
        {
            arrow = "<>";
        }
        else if (f.IsReply.Value)
        {
            (src, dst) = (dst, src);
            (srcId, dstId) = (dstId, srcId);
            arrow = "<-";
        }
        var node = options.NodeName ? $" [{NodeOf(record)}]" : "";
        var verdict = FlowText.Verdict(f) + (options.PolicyNames ? FlowText.PolicyNames(f) : "");
        return $"{FlowText.Time(record.FlowTime)}{node}: {src} {srcId} {arrow} {dst} {dstId} {FlowText.Type(f)} {verdict} ({f.Summary})\n";
    }

    private static string Dict(FlowRecord r, FlowPrintOptions o)
    {
        var f = r.Flow;
        var (src, dst) = FlowText.Hosts(f, o.IpTranslation);
        var sb = new StringBuilder();
        sb.Append("  TIMESTAMP: ").Append(FlowText.Time(r.FlowTime)).Append('\n');
        if (o.NodeName)
        {
            sb.Append("       NODE: ").Append(NodeOf(r)).Append('\n');
        }
        sb.Append("     SOURCE: ").Append(src).Append('\n')
            .Append("DESTINATION: ").Append(dst).Append('\n')
            .Append("       TYPE: ").Append(FlowText.Type(f)).Append('\n')
            .Append("    VERDICT: ").Append(FlowText.Verdict(f)).Append('\n')
            .Append("    SUMMARY: ").Append(f.Summary).Append('\n');
        return sb.ToString();
    }

    private static string Table(List<FlowRecord> records, FlowPrintOptions o)
    {
        var rows = new List<string[]>();
        rows.Add(o.NodeName
            ? ["TIMESTAMP", "NODE", "SOURCE", "DESTINATION", "TYPE", "VERDICT", "SUMMARY"]
            : ["TIMESTAMP", "SOURCE", "DESTINATION", "TYPE", "VERDICT", "SUMMARY"]);
        foreach (var r in records)
        {
            var (src, dst) = FlowText.Hosts(r.Flow, o.IpTranslation);
            var cells = new List<string> { FlowText.Time(r.FlowTime) };
            if (o.NodeName)
            {
                cells.Add(NodeOf(r));
            }
            cells.AddRange([src, dst, FlowText.Type(r.Flow), FlowText.Verdict(r.Flow), r.Flow.Summary]);
            rows.Add(cells.ToArray());
        }
        return TabWriter.Format(rows, padding: 3);
    }

    private static string NodeOf(FlowRecord r) => r.Flow.NodeName.Length > 0 ? r.Flow.NodeName : r.NodeName;
}

/// <summary>Aligns cells like Go's text/tabwriter with minwidth 0 and the given padding; the last cell is not padded.</summary>
public static class TabWriter
{
    public static string Format(IReadOnlyList<string[]> rows, int padding)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var columns = rows.Max(r => r.Length);
        var widths = new int[columns];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length - 1; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length + padding);
            }
        }
        var sb = new StringBuilder();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                sb.Append(i < row.Length - 1 ? row[i].PadRight(widths[i]) : row[i]);
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
