using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Loading;

namespace LabSite.Scenarios.Tests.Exams;

public class QuestionFileParserTests
{
    private const string Good = """
        questions:
          - id: np-one
            topic: network-policy
            domains:
              cca-2024: network-policy
              cca-2025-11: securing-workloads
            difficulty: 2
            stem: |
              What does `ingress: [{}]` do?
            options:
              - text: Denies all ingress.
                correct: true
                why: An empty rule enables default deny and allows no peer.
              - text: Allows all ingress.
                why: It allows nothing.
              - text: Nothing.
                why: It enables enforcement.
              - text: Drops egress.
                why: It is an ingress section.
            docs: https://docs.cilium.io/en/stable/security/policy/intro/
        """;

    [Fact]
    public void Parses_fields_and_keeps_line_numbers()
    {
        var diagnostics = new List<Diagnostic>();
        var q = Assert.Single(QuestionFileParser.Parse("q.yaml", Good, diagnostics));
        Assert.Empty(diagnostics);
        Assert.Equal("np-one", q.Id);
        Assert.Equal("securing-workloads", q.DomainIn("cca-2025-11"));
        Assert.Equal("What does `ingress: [{}]` do?\n", q.Stem + "\n");
        Assert.Equal([0], q.CorrectIndexes);
        Assert.Equal(2, q.Location.Line);
        Assert.Equal(5, q.Location.Column);
        Assert.Equal(11, q.Options[0].Location.Line);
    }

    [Theory]
    [InlineData("questions:\n  - id: a\n    stem: [1, 2\n", "q.yaml:3:11: error: the question file is not valid YAML: this '[' or '{' is never closed")]
    [InlineData("question: []\n", "q.yaml:1:1: error: unknown key \"question\" in the question file; did you mean \"questions\"?")]
    [InlineData("questions: {}\n", "q.yaml:1:12: error: \"questions\" in the question file must be a list of items like \"- id: my-question\"; got a mapping")]
    [InlineData("questions:\n  - id: a\n    topic: t\n    difficulty: 9\n", "q.yaml:4:17: error: \"difficulty\" in question 'a' must be a whole number (1 easy, 2 medium, 3 hard) from 1 to 3; got the number 9")]
    [InlineData("questions:\n  - id: a\n    topic: t\n    difficulty: easy\n", "q.yaml:4:17: error: \"difficulty\" in question 'a' must be a whole number (1 easy, 2 medium, 3 hard) from 1 to 3; got \"easy\"")]
    [InlineData("questions:\n  - id: a\n    topic: t\n", "q.yaml:2:5: error: question 'a' is missing required key \"stem\"")]
    [InlineData("questions:\n  - id: a\n    options:\n      - text: x\n        corect: true\n", "q.yaml:5:9: error: unknown key \"corect\" in option 1 of question 'a'; did you mean \"correct\"?")]
    [InlineData("questions:\n  - id: a\n    multiple: yes\n", "q.yaml:3:15: error: \"multiple\" in question 'a' must be true or false; got \"yes\"")]
    [InlineData("questions:\n  - topic: t\n", "q.yaml:2:5: error: question 1 of the question file is missing required key \"id\"")]
    [InlineData("questions:\n  - id: a\n    domains: [cca-2024]\n", "q.yaml:3:14: error: \"domains\" in question 'a' must be a mapping like {cca-2024: network-policy}; got a list")]
    [InlineData("questions:\n  - id: a\n    stem: \"  \"\n", "q.yaml:3:11: error: \"stem\" in question 'a' is empty; give it a value")]
    [InlineData("- id: a\n", "q.yaml:1:1: error: the question file must be YAML keys such as 'questions: [...]', not a list")]
    public void Bad_input_is_reported_with_file_line_column(string yaml, string expected)
    {
        var diagnostics = new List<Diagnostic>();
        QuestionFileParser.Parse("q.yaml", yaml, diagnostics);
        var messages = diagnostics.Select(d => d.ToString()).ToArray();
        Assert.Contains(messages, m => m.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_key_suggests_the_closest_one_and_is_not_also_reported_missing()
    {
        var diagnostics = new List<Diagnostic>();
        var questions = QuestionFileParser.Parse("q.yaml", Good.Replace("    stem: |", "    stme: |", StringComparison.Ordinal), diagnostics);
        Assert.Empty(questions);
        Assert.Equal(["q.yaml:8:5: error: unknown key \"stme\" in question 'np-one'; did you mean \"stem\"?"], diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void An_unknown_key_far_from_any_lists_the_known_ones()
    {
        var diagnostics = new List<Diagnostic>();
        QuestionFileParser.Parse("q.yaml", Good.Replace("    docs: ", "    reference: ", StringComparison.Ordinal), diagnostics);
        Assert.Contains("q.yaml:20:5: error: unknown key \"reference\" in question 'np-one'; known keys: id, topic, domains, difficulty, stem, multiple, options, docs", diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void A_duplicate_key_in_a_question_is_named_at_its_line()
    {
        var diagnostics = new List<Diagnostic>();
        var questions = QuestionFileParser.Parse("q.yaml", Good.Replace("    difficulty: 2\n", "    difficulty: 2\n    topic: again\n", StringComparison.Ordinal), diagnostics);
        Assert.Empty(questions);
        Assert.Equal(["q.yaml:8:5: error: the question file is not valid YAML: key \"topic\" appears twice"], diagnostics.Select(d => d.ToString()));
    }
}
