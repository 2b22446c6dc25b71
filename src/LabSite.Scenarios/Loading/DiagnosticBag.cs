using LabSite.Scenarios.Model;

namespace LabSite.Scenarios.Loading;

/// <summary>Collects the diagnostics of one lab while it is loaded; the loader keeps going after an error so authors see them all.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors => _items.Any(d => d.Severity == DiagnosticSeverity.Error);

    public void Error(SourceLocation location, string message) =>
        _items.Add(new Diagnostic(location, DiagnosticSeverity.Error, message));

    public void Warning(SourceLocation location, string message) =>
        _items.Add(new Diagnostic(location, DiagnosticSeverity.Warning, message));

    /// <summary>Diagnostics in file, line, column order, so output and tests are stable.</summary>
    public IReadOnlyList<Diagnostic> Sorted() =>
        [.. _items.OrderBy(d => d.Location.File, StringComparer.Ordinal)
            .ThenBy(d => d.Location.Line)
            .ThenBy(d => d.Location.Column)];
}
