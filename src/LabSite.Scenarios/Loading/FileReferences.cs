using System.Text.RegularExpressions;
using LabSite.Scenarios.Markdown;
using LabSite.Scenarios.Model;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace LabSite.Scenarios.Loading;

/// <summary>
/// Finds the lab files lab.md refers to, and reports those that do not exist: relative Markdown links and images
/// (<c>[policy](manifests/policy.yaml)</c>) and kubectl's <c>-f</c>/<c>--filename</c> arguments in shell blocks
/// (<c>kubectl apply -f manifests/web.yaml</c>). Paths are relative to the lab folder, where the terminal starts.
/// </summary>
internal static partial class FileReferences
{
    public static void Check(MarkdownDocument document, string file, string labDirectory, DiagnosticBag bag)
    {
        var manifests = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (link.Url is { Length: > 0 } url && IsLocalPath(url))
            {
                var path = Uri.UnescapeDataString(url.Split('#', '?')[0]);
                Require(path, new SourceLocation(file, link.Line + 1, link.Column + 1), labDirectory, bag, link.IsImage ? "image" : "link", manifests);
            }
        }

        foreach (var code in document.Descendants<FencedCodeBlock>().Where(f => StepBuilder.RunnableLanguages.Contains(f.Info ?? "")))
        {
            foreach (var line in BlockLines.Of(code))
            {
                var text = line.Slice.ToString();
                foreach (Match command in KubectlCommand().Matches(text))
                {
                    foreach (Match match in FileArgument().Matches(command.Value))
                    {
                        var path = match.Groups["path"].Value.Trim('"', '\'');
                        if (IsLocalPath(path) && path != "-" && !path.Contains('$'))
                        {
                            var column = line.Column + command.Index + match.Groups["path"].Index + 1;
                            Require(path, new SourceLocation(file, line.Line + 1, column), labDirectory, bag, "file", manifests);
                        }
                    }
                }
            }
        }

        // Each manifest once, however often it is referenced.
        foreach (var manifest in manifests)
        {
            ManifestChecker.Check(Path.Combine(labDirectory, manifest), bag);
        }
    }

    private static bool IsLocalPath(string url) =>
        !url.StartsWith('#') && !url.StartsWith('/') && !url.StartsWith('-') && !url.Contains("://") && !url.StartsWith("mailto:", StringComparison.Ordinal);

    private static void Require(string path, SourceLocation location, string labDirectory, DiagnosticBag bag, string what, ISet<string> manifests)
    {
        var root = Path.GetFullPath(labDirectory);
        var full = Path.GetFullPath(Path.Combine(root, path));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            bag.Error(location, $"{what} \"{path}\" points outside the lab folder; keep the files a lab uses inside it");
        }
        else if (!File.Exists(full) && !Directory.Exists(full))
        {
            bag.Error(location, $"{what} \"{path}\" does not exist in the lab folder ({Hint(root, path)})");
        }
        else if (File.Exists(full) && ManifestChecker.IsManifest(full))
        {
            manifests.Add(Path.GetRelativePath(root, full));
        }
    }

    private static string Hint(string root, string path)
    {
        var name = Path.GetFileName(path.TrimEnd('/'));
        var found = Directory.EnumerateFiles(root, name, SearchOption.AllDirectories).FirstOrDefault();
        return found is null
            ? "paths are relative to the folder holding lab.md"
            : $"did you mean \"{Path.GetRelativePath(root, found)}\"?";
    }

    [GeneratedRegex(@"(?:^|\s)(?:-f|--filename)(?:\s+|=)(?<path>""[^""]+""|'[^']+'|\S+)")]
    private static partial Regex FileArgument();

    /// <summary>
    /// One kubectl command, up to a pipe, a command separator, or the <c>--</c> before a command run in a pod:
    /// <c>-f</c> means a file only to kubectl (to curl it means "fail", to hubble "follow").
    /// </summary>
    [GeneratedRegex(@"\bkubectl\s(?:(?!\s--\s|[|;&]).)*")]
    private static partial Regex KubectlCommand();
}
