using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Loading;
using LabSite.Testing;

namespace LabSite.Scenarios.Tests.Exams;

public class BlueprintParserTests
{
    [Fact]
    public void The_shipped_blueprints_load_and_the_newest_is_the_default()
    {
        var (bank, diagnostics) = QuestionBankLoader.Load(Path.Combine(RepositoryPaths.Exams, "cca"));
        Assert.DoesNotContain(diagnostics, d => d.Message.Contains("blueprint", StringComparison.Ordinal) && d.Location.File.Contains("blueprints", StringComparison.Ordinal) && !d.Message.Contains("question(s)", StringComparison.Ordinal));
        Assert.Equal(["cca-2024", "cca-2025-11"], bank.Blueprints.Select(b => b.Id).Order());
        Assert.Equal("cca-2025-11", bank.DefaultBlueprint.Id);
        var old = bank.FindBlueprint("cca-2024")!;
        Assert.Equal((60, 90, 75, 8), (old.Questions, old.Minutes, old.PassPercent, old.Domains.Count));
        Assert.Equal(6, old.FindDomain("bgp-external-networking")!.Weight);
        Assert.All(bank.DefaultBlueprint.Domains, d => Assert.Equal(20, d.Weight));
    }

    [Fact]
    public void Weights_must_add_up_to_100_and_domain_ids_be_unique()
    {
        const string yaml = """
            id: x
            name: X
            date: 2025-01-01
            questions: 10
            minutes: 20
            pass: 75
            domains:
              - id: a
                name: A
                weight: 50
              - id: a
                name: A again
                weight: 40
            """;
        var diagnostics = new List<Diagnostic>();
        BlueprintParser.Parse("b.yaml", yaml, diagnostics);
        var messages = diagnostics.Select(d => d.ToString()).ToArray();
        Assert.Contains("b.yaml:8:3: error: domain weights of blueprint 'x' add up to 90, expected 100", messages);
        Assert.Contains("b.yaml:11:5: error: domain id 'a' appears twice in blueprint 'x'", messages);
    }

    [Fact]
    public void Unknown_and_repeated_keys_are_named_as_in_lab_files()
    {
        const string good = "id: x\nname: X\ndate: 2025-01-01\nquestions: 10\nminutes: 20\npass: 75\ndomains:\n  - id: a\n    name: A\n    weight: 100\n";
        var diagnostics = new List<Diagnostic>();
        Assert.NotNull(BlueprintParser.Parse("b.yaml", good, diagnostics));
        Assert.Empty(diagnostics);

        BlueprintParser.Parse("b.yaml", good.Replace("    weight:", "    wieght:", StringComparison.Ordinal), diagnostics);
        Assert.Equal(["b.yaml:10:5: error: unknown key \"wieght\" in domain 'a' of blueprint 'x'; did you mean \"weight\"?"], diagnostics.Select(d => d.ToString()));

        diagnostics.Clear();
        BlueprintParser.Parse("b.yaml", good.Replace("minutes: 20\n", "minutes: 20\nminutes: 30\n", StringComparison.Ordinal), diagnostics);
        Assert.Equal(["b.yaml:6:1: error: the blueprint is not valid YAML: key \"minutes\" appears twice"], diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void A_bad_date_and_pass_mark_are_named()
    {
        const string yaml = "id: x\nname: X\ndate: 1 Nov 2025\nquestions: 10\nminutes: 20\npass: 175\ndomains:\n  - id: a\n    name: A\n    weight: 100\n";
        var diagnostics = new List<Diagnostic>();
        BlueprintParser.Parse("b.yaml", yaml, diagnostics);
        var messages = diagnostics.Select(d => d.ToString()).ToArray();
        Assert.Contains("b.yaml:3:7: error: \"date\" in blueprint 'x' must be YYYY-MM-DD; got \"1 Nov 2025\"", messages);
        Assert.Contains("b.yaml:6:7: error: \"pass\" in blueprint 'x' must be a percentage from 1 to 100; got the number 175", messages);
    }
}

