using LabSite.Scenarios.Markdown;
using LabSite.Scenarios.Model;

namespace LabSite.Scenarios.Loading;

/// <summary>The outcome of loading one lab folder: the lab when it is valid, and every diagnostic either way.</summary>
public sealed record LabLoadResult(string Directory, Lab? Lab, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool IsValid => Lab is not null;
}

/// <summary>
/// Loads one lab folder (<c>&lt;dir&gt;/lab.md</c> plus the files beside it) into a <see cref="Lab"/>, reporting every
/// problem found rather than stopping at the first. A lab with any error yields no <see cref="Lab"/>.
/// </summary>
public static class LabLoader
{
    public const string FileName = "lab.md";

    public static LabLoadResult Load(string labDirectory)
    {
        var bag = new DiagnosticBag();
        var file = Path.Combine(labDirectory, FileName);
        if (!File.Exists(file))
        {
            bag.Error(new SourceLocation(labDirectory, 1, 1), $"lab folder has no {FileName}; each folder under labs/ is one lab, described by its {FileName}");
            return new LabLoadResult(labDirectory, null, bag.Sorted());
        }

        var text = File.ReadAllText(file).Replace("\r\n", "\n");
        var lines = text.Split('\n');
        var folderName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(labDirectory)));
        var meta = FrontMatterReader.Read(file, lines, folderName, bag);
        if (bag.Items.Count > 0 && meta is null && !FrontMatterClosed(lines))
        {
            // Without a closed front matter Markdig would read the YAML as text: report just that.
            return new LabLoadResult(labDirectory, null, bag.Sorted());
        }

        var document = LabMarkdown.Parse(text);
        var body = new LabBodyReader(file, bag);
        body.Read(document);
        FileReferences.Check(document, file, labDirectory, bag);
        if (body.Steps.Count == 0)
        {
            bag.Error(new SourceLocation(file, 1, 1), "lab has no steps; start each step with a heading like \"## Deploy the app {#deploy}\"");
        }

        var steps = body.Steps.Select((draft, i) => StepBuilder.Build(draft, i, bag)).ToList();
        var shell = steps.SelectMany(s => s.CodeBlocks).Where(c => c.Runnable).Select(c => c.Code);
        CheckReferences.Check(steps.SelectMany(s => s.Checks), LabObjectIndex.Build(labDirectory, shell), bag);
        if (bag.HasErrors || meta is null)
        {
            return new LabLoadResult(labDirectory, null, bag.Sorted());
        }

        var lab = new Lab(meta, labDirectory, file, LabMarkdown.Render(body.Intro), steps, ListFiles(labDirectory));
        return new LabLoadResult(labDirectory, lab, bag.Sorted());
    }

    private static bool FrontMatterClosed(string[] lines) =>
        lines.Length > 0 && lines[0].TrimEnd() == "---" && lines.Skip(1).Any(l => l.TrimEnd() is "---" or "...");

    /// <summary>Every file of the lab but lab.md, sorted, so the site can offer them and the terminal can copy them.</summary>
    private static IReadOnlyList<LabFile> ListFiles(string labDirectory) =>
        [.. Directory.EnumerateFiles(labDirectory, "*", SearchOption.AllDirectories)
            .Select(full => new LabFile(Path.GetRelativePath(labDirectory, full).Replace('\\', '/'), Path.GetFullPath(full)))
            .Where(f => f.RelativePath != FileName)
            .OrderBy(f => f.RelativePath, StringComparer.Ordinal)];
}
