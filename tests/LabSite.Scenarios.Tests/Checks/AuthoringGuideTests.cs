using LabSite.Scenarios.Markdown;
using LabSite.Testing;
using Markdig.Syntax;

namespace LabSite.Scenarios.Tests.Checks;

/// <summary>Keeps docs/authoring.md honest: every check example in it must parse without a diagnostic.</summary>
public class AuthoringGuideTests
{
    [Fact]
    public void EveryCheckExampleInTheGuideIsValid()
    {
        var guide = LabMarkdown.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "authoring.md")));
        var examples = guide.Descendants<FencedCodeBlock>()
            .Where(f => f.Info == "yaml")
            .Select(f => f.Lines.ToString())
            .Where(text => text.StartsWith("id: ", StringComparison.Ordinal) && text.Contains("\nkind: ", StringComparison.Ordinal))
            .ToList();

        Assert.True(examples.Count >= 7, $"found only {examples.Count} check examples");
        Assert.All(examples, example => Assert.Empty(CheckParsing.Parse(example).Errors));
    }
}
