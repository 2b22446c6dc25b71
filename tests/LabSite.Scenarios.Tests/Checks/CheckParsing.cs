using LabSite.Scenarios.Checks;
using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Markdown;
using LabSite.Scenarios.Model;
using Markdig.Syntax;

namespace LabSite.Scenarios.Tests.Checks;

/// <summary>Parses one <c>```check</c> block written in a test, as the loader would inside lab.md.</summary>
internal static class CheckParsing
{
    public static (CheckSpec? Check, IReadOnlyList<string> Errors) Parse(string yaml)
    {
        var markdown = "```check\n" + yaml.Trim('\n') + "\n```\n";
        var block = LabMarkdown.Parse(markdown).Descendants<FencedCodeBlock>().Single();
        var bag = new DiagnosticBag();
        var check = CheckBlockReader.Read(block, "lab.md", bag);
        return (check, bag.Sorted().Select(d => d.ToString()).ToList());
    }

    public static T Valid<T>(string yaml)
        where T : CheckSpec
    {
        var (check, errors) = Parse(yaml);
        Assert.Empty(errors);
        return Assert.IsType<T>(check);
    }
}
