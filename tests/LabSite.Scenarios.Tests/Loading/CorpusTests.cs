using LabSite.Scenarios.Loading;
using LabSite.Testing;

namespace LabSite.Scenarios.Tests.Loading;

/// <summary>
/// The bad-input corpus: each folder under Corpus/ is a lab with defects on purpose, and its expected.txt holds
/// the exact diagnostics, one per line, as <c>lab.md:line:column: error: message</c> (paths relative to the folder).
/// </summary>
public class CorpusTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.EnumerateDirectories(RepositoryPaths.Corpus).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BrokenLabReportsExactlyTheExpectedDiagnostics(string name)
    {
        var dir = Path.Combine(RepositoryPaths.Corpus, name);
        var expected = File.ReadAllLines(Path.Combine(dir, "expected.txt")).Where(l => l.Length > 0).ToList();

        var result = LabLoader.Load(dir);

        var actual = result.Diagnostics
            .Select(d => d with { Location = d.Location with { File = Path.GetRelativePath(dir, d.Location.File) } })
            .Select(d => d.ToString())
            .ToList();
        Assert.Equal(expected, actual);
        Assert.False(result.IsValid);
        Assert.Null(result.Lab);
    }

    [Fact]
    public void CorpusHoldsAtLeastTwentyFiveCases() => Assert.True(Cases().Count >= 25, $"only {Cases().Count} cases");

    [Fact]
    public void CatalogKeepsLoadingAfterABrokenLab()
    {
        var catalog = LabCatalogLoader.Load(RepositoryPaths.Corpus);

        Assert.Empty(catalog.Labs);
        Assert.Equal(Cases().Count, catalog.Broken.Count);
        Assert.All(catalog.Broken, broken => Assert.NotEmpty(broken.Diagnostics));
    }
}
