using LabSite.Scenarios.Yaml;

namespace LabSite.Scenarios.Tests.Yaml;

public class ClosestMatchTests
{
    [Theory]
    [InlineData("titel", "title")]
    [InlineData("Title", "title")]
    [InlineData("cca-domains", "cca_domains")]
    [InlineData("backend", "backends")]
    [InlineData("dificulty", "difficulty")]
    public void SuggestsTheKeyAnAuthorMeant(string typed, string expected) =>
        Assert.Equal(expected, ClosestMatch.Find(typed, ["id", "title", "summary", "duration", "difficulty", "tags", "cca_domains", "backends"]));

    [Theory]
    [InlineData("author")]
    [InlineData("x")]
    public void SuggestsNothingForUnrelatedWords(string typed) =>
        Assert.Null(ClosestMatch.Find(typed, ["id", "title", "summary", "duration", "difficulty", "tags", "cca_domains", "backends"]));

    [Theory]
    [InlineData("", "abc", 3)]
    [InlineData("tilte", "title", 1)]
    [InlineData("kitten", "sitting", 3)]
    public void CountsEditsWithTranspositions(string a, string b, int distance) =>
        Assert.Equal(distance, ClosestMatch.Distance(a, b));
}
