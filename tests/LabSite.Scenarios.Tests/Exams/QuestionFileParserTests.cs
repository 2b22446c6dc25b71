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
    [InlineData("questions:\n  - id: a\n    stem: [1, 2\n", "q.yaml:4:", "YAML syntax")]
    [InlineData("question: []\n", "q.yaml:1:1: error: unknown field 'question'", "expected one of: questions")]
    [InlineData("questions: {}\n", "q.yaml:1:12: error: field 'questions' of a question file must be a list", "")]
    [InlineData("questions:\n  - id: a\n    topic: t\n    difficulty: 9\n", "q.yaml:4:17: error: 'difficulty' of question 'a' must be 1 (easy), 2 (medium) or 3 (hard), got 9", "")]
    [InlineData("questions:\n  - id: a\n    topic: t\n    difficulty: easy\n", "q.yaml:4:17: error: field 'difficulty' of question 'a' must be a whole number, got 'easy'", "")]
    [InlineData("questions:\n  - id: a\n    topic: t\n", "q.yaml:2:5: error: question 'a' is missing required field 'stem'", "")]
    [InlineData("questions:\n  - id: a\n    options:\n      - text: x\n        corect: true\n", "q.yaml:5:9: error: unknown field 'corect' in an option of question 'a'", "")]
    [InlineData("questions:\n  - id: a\n    multiple: yes\n", "q.yaml:3:15: error: field 'multiple' of question 'a' must be true or false, got 'yes'", "")]
    public void Bad_input_is_reported_with_file_line_column(string yaml, string expectedPrefix, string expectedFragment)
    {
        var diagnostics = new List<Diagnostic>();
        QuestionFileParser.Parse("q.yaml", yaml, diagnostics);
        var messages = diagnostics.Select(d => d.ToString()).ToArray();
        Assert.Contains(messages, m => m.StartsWith(expectedPrefix, StringComparison.Ordinal) && m.Contains(expectedFragment, StringComparison.Ordinal));
    }
}
