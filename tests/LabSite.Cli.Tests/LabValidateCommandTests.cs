using System.CommandLine;
using LabSite.Testing;

namespace LabSite.Cli.Tests;

/// <summary><c>labsite lab validate</c> as the command line parses and runs it.</summary>
public class LabValidateCommandTests
{
    [Fact]
    public void ValidContentExitsZero()
    {
        var (exit, output, _) = Run("lab", "validate", RepositoryPaths.Labs);

        Assert.Equal(0, exit);
        Assert.Contains("0 broken; 0 errors", output);
    }

    [Fact]
    public void BrokenLabPrintsFileLineColumnAndExitsOne()
    {
        var lab = Path.Combine(RepositoryPaths.Corpus, "fm-bad-difficulty");

        var (exit, output, _) = Run("lab", "validate", lab);

        Assert.Equal(1, exit);
        Assert.StartsWith($"{Path.Combine(lab, "lab.md")}:6:13: error: \"difficulty\" in front matter must be one of beginner, intermediate, advanced; got \"easy\"", output);
        Assert.EndsWith("1 lab checked: 0 valid, 1 broken; 1 error, 0 warnings\n", output.Replace("\r\n", "\n"));
    }

    [Fact]
    public void ValidateWithoutADirectoryIsAUsageError()
    {
        var (exit, output, error) = Run("lab", "validate");

        Assert.NotEqual(0, exit);
        Assert.Contains("Required argument missing", error);
        Assert.Contains("lab validate <dir>...", output);
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = LabSiteCommandLine.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

}
