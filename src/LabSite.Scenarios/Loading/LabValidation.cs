namespace LabSite.Scenarios.Loading;

/// <summary>
/// What <c>labsite lab validate &lt;dir&gt;...</c> does: loads each path (a labs directory or a single lab folder),
/// prints every diagnostic as <c>file:line:column: error: message</c>, then a summary. Kept here, not in the CLI,
/// so it is tested without a process.
/// </summary>
public static class LabValidation
{
    /// <summary>Validates <paramref name="paths"/>; returns 0 when no lab has an error, 1 otherwise.</summary>
    public static int Run(IReadOnlyList<string> paths, TextWriter output, TextWriter error)
    {
        var results = new List<LabLoadResult>();
        var missing = 0;
        foreach (var path in paths)
        {
            if (File.Exists(Path.Combine(path, LabLoader.FileName)))
            {
                results.Add(LabLoader.Load(path));
            }
            else if (Directory.Exists(path))
            {
                results.AddRange(LabCatalogLoader.LoadAll(path));
            }
            else
            {
                error.WriteLine($"{path}: error: no such directory (give content/labs or a lab folder holding {LabLoader.FileName})");
                missing++;
            }
        }

        foreach (var diagnostic in results.SelectMany(r => r.Diagnostics))
        {
            output.WriteLine(diagnostic);
        }

        var errors = results.Sum(r => r.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error)) + missing;
        var warnings = results.Sum(r => r.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning));
        var valid = results.Count(r => r.IsValid);
        output.WriteLine($"{Plural(results.Count, "lab")} checked: {valid} valid, {results.Count - valid} broken; {Plural(errors, "error")}, {Plural(warnings, "warning")}");
        return errors > 0 ? 1 : 0;
    }

    private static string Plural(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}
