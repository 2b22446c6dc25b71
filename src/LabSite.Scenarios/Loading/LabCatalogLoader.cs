namespace LabSite.Scenarios.Loading;

/// <summary>
/// Loads every lab folder under a labs directory (e.g. <c>content/labs</c>) into a <see cref="LabCatalog"/>:
/// valid labs in id order, and broken ones with their diagnostics. One broken lab never hides the others.
/// </summary>
public static class LabCatalogLoader
{
    public static LabCatalog Load(string labsDirectory) => FromResults(labsDirectory, LoadAll(labsDirectory));

    /// <summary>The per-folder results, for tools that print every diagnostic (<c>labsite lab validate</c>).</summary>
    public static IReadOnlyList<LabLoadResult> LoadAll(string labsDirectory)
    {
        if (!Directory.Exists(labsDirectory))
        {
            throw new DirectoryNotFoundException($"labs directory \"{labsDirectory}\" does not exist");
        }

        return [.. Directory.EnumerateDirectories(labsDirectory)
            .Where(dir => !Path.GetFileName(dir).StartsWith('.'))
            .OrderBy(dir => dir, StringComparer.Ordinal)
            .Select(LoadGuarded)];
    }

    /// <summary>
    /// A bug of ours on one lab's input must not take the whole catalog down with it: that lab is listed as broken
    /// with the exception's message, and the others load.
    /// </summary>
    private static LabLoadResult LoadGuarded(string labDirectory)
    {
        try
        {
            return LabLoader.Load(labDirectory);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var where = new Model.SourceLocation(Path.Combine(labDirectory, LabLoader.FileName), 1, 1);
            var message = $"LabSite failed while reading this lab ({e.GetType().Name}: {e.Message}); this is a bug in LabSite, please report it with the file";
            return new LabLoadResult(labDirectory, null, [new Diagnostic(where, DiagnosticSeverity.Error, message)]);
        }
    }

    public static LabCatalog FromResults(string labsDirectory, IReadOnlyList<LabLoadResult> results)
    {
        var labs = results.Where(r => r.Lab is not null).Select(r => r.Lab!).OrderBy(l => l.Id, StringComparer.Ordinal).ToList();
        var broken = results.Where(r => r.Lab is null)
            .Select(r => new BrokenLab(Path.GetFileName(Path.TrimEndingDirectorySeparator(r.Directory)), r.Directory, r.Diagnostics))
            .ToList();
        return new LabCatalog(labsDirectory, labs, broken);
    }
}
