using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.Kubectl;

/// <summary>The event types of a Kubernetes watch, as <c>--output-watch-events</c> prints them.</summary>
internal static class WatchEvent
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
}

/// <summary>
/// Prints watch events as kubectl's printers do: a table row per event through one tab writer that remembers column
/// widths (the header once, before the first row), <c>-o json</c> one object each, <c>-o yaml</c> objects separated by
/// <c>---</c>, <c>-o name</c> one <c>kind/name</c> line each. <c>--output-watch-events</c> adds an EVENT column, or wraps
/// each object as <c>{"type": ..., "object": ...}</c>.
/// </summary>
internal sealed class WatchPrinter(KubectlRun run, ResourceKind kind, OutputFormat output)
{
    private readonly TableColumns _columns = TableColumns.For(run, kind, output.Kind == OutputKind.Wide, prefixNames: false);
    private readonly bool _events = run.Flags.Has("output-watch-events");
    private readonly List<int> _widths = [];
    private int _printed;

    public async Task PrintAsync(string type, KubeObject o)
    {
        var text = output.Kind switch
        {
            OutputKind.Name => $"{kind.QualifiedSingular}/{o.Name}\n",
            OutputKind.Json => JsonOutput.Write(Payload(type, o)),
            OutputKind.Yaml => (_printed > 0 ? "---\n" : "") + YamlWriter.Write(Payload(type, o)),
            OutputKind.JsonPath => output.Path!.Execute(Payload(type, o)),
            _ => Row(type, o),
        };
        _printed++;
        await run.Out.WriteAsync(text);
        await run.Out.FlushAsync(run.Cancellation);
    }

    private string Row(string type, KubeObject o)
    {
        var lines = new List<IReadOnlyList<string>>();
        if (_printed == 0 && !run.Flags.Has("no-headers"))
        {
            lines.Add(_events ? [.. _columns.Headers.Prepend("EVENT")] : _columns.Headers);
        }
        lines.Add(_events ? [.. _columns.Row(o).Prepend(type)] : _columns.Row(o));
        return TableWriter.Format(lines, _widths);
    }

    private JsonNode Payload(string type, KubeObject o) => _events
        ? new JsonObject { ["type"] = type, ["object"] = o.Json.DeepClone() }
        : o.Json;
}
