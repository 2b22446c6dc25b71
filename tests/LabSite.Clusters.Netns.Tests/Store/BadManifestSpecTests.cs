using LabSite.Clusters.Contract;
using static LabSite.Testing.StoreFixture;

namespace LabSite.Clusters.Netns.Tests.Store;

/// <summary>The bad-input corpus in Specs/BadManifests.md: exact kubectl-style errors with lines, and nothing stored.</summary>
public class BadManifestSpecTests
{
    public sealed record Case(string Name, ApplyMode Mode, string Yaml, string[] Errors)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Store", "Specs", "BadManifests.md"));
        var data = new TheoryData<Case>();
        foreach (var section in text.Split("\n## ").Skip(1))
        {
            var name = section[..section.IndexOf('\n')];
            var mode = Enum.Parse<ApplyMode>(Between(section, "mode: ", "\n"), ignoreCase: true);
            var yaml = Between(section, "```yaml\n", "\n```") + "\n";
            var errors = Between(section, "```errors\n", "\n```").Split("\n---\n");
            data.Add(new Case(name, mode, yaml, errors));
        }
        return data;
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    [Fact]
    public void The_corpus_has_at_least_twenty_cases()
    {
        Assert.True(Cases().Count >= 20);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_manifest_is_rejected_with_exact_errors_and_nothing_stored(Case c)
    {
        var store = NewStore();
        var before = store.ResourceVersion;

        var result = store.Apply(Yaml(c.Yaml, "bad.yaml"), c.Mode);

        Assert.Empty(result.Lines);
        Assert.Equal(c.Errors, result.Errors);
        Assert.Equal(before, store.ResourceVersion);
    }
}
