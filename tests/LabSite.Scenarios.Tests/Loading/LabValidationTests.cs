using LabSite.Scenarios.Loading;
using LabSite.Testing;

namespace LabSite.Scenarios.Tests.Loading;

/// <summary>What <c>labsite lab validate</c> prints and returns.</summary>
public class LabValidationTests
{
    [Fact]
    public void RealContentPassesWithASummary()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = LabValidation.Run([RepositoryPaths.Labs], output, error);

        Assert.Equal(0, exit);
        Assert.Matches(@"^\d+ labs? checked: (\d+) valid, 0 broken; 0 errors, 0 warnings\r?\n$", output.ToString());
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void BrokenLabFoldersPrintEachDiagnosticAndExitOne()
    {
        var output = new StringWriter();
        var stepNoId = Path.Combine(RepositoryPaths.Corpus, "step-no-id");
        var many = Path.Combine(RepositoryPaths.Corpus, "many-errors");

        var exit = LabValidation.Run([stepNoId, many], output, new StringWriter());

        var lines = output.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(1, exit);
        Assert.Equal(6, lines.Count);
        Assert.StartsWith(Path.Combine(stepNoId, "lab.md") + ":10:1: error: step heading \"Deploy the App\" has no id", lines[0]);
        Assert.StartsWith(Path.Combine(many, "lab.md") + ":5:11: error:", lines[1]);
        Assert.Equal("2 labs checked: 0 valid, 2 broken; 5 errors, 0 warnings", lines[^1]);
    }

    [Fact]
    public void MissingDirectoryIsAnErrorNamingIt()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = LabValidation.Run(["no/such/labs"], output, error);

        Assert.Equal(1, exit);
        Assert.StartsWith("no/such/labs: error: no such directory", error.ToString());
        Assert.Equal("0 labs checked: 0 valid, 0 broken; 1 error, 0 warnings", output.ToString().TrimEnd());
    }
}
