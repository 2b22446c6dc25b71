using System.Text;

namespace LabSite.Web.Tests.Exams;

/// <summary>
/// Writes a small, valid exam folder: blueprint <c>tb</c> (domains <c>a</c> and <c>b</c>, 50 % each) and
/// <c>perDomain</c> questions per domain. In every question the written option 0 is correct; in domain
/// <c>b</c> the odd questions are multiple-answer with options 0 and 1 correct.
/// </summary>
internal static class ExamTestBank
{
    public static string Create(string root, int perDomain = 3, int questions = 4, int minutes = 90)
    {
        var dir = Path.Combine(root, "exam");
        Directory.CreateDirectory(Path.Combine(dir, "blueprints"));
        Directory.CreateDirectory(Path.Combine(dir, "questions"));
        File.WriteAllText(Path.Combine(dir, "blueprints", "tb.yaml"), $"""
            id: tb
            name: Test blueprint
            date: 2026-01-01
            questions: {questions}
            minutes: {minutes}
            pass: 75
            domains:
              - id: a
                name: Domain A
                weight: 50
                labs: [star-wars]
              - id: b
                name: Domain B
                weight: 50
            """);
        var yaml = new StringBuilder("questions:\n");
        foreach (var domain in new[] { "a", "b" })
        {
            for (var i = 0; i < perDomain; i++)
            {
                var multiple = domain == "b" && i % 2 == 1;
                yaml.Append($"""
                      - id: {domain}-{i}
                        topic: topic-{domain}
                        domains: {"{"}tb: {domain}{"}"}
                        difficulty: 1
                        stem: Question {domain}-{i}, what is `right`?
                        multiple: {(multiple ? "true" : "false")}
                        options:
                          - text: Right {domain}-{i}
                            correct: true
                            why: Because it is right.
                          - text: {(multiple ? "Also right" : "Wrong one")} {domain}-{i}
                            correct: {(multiple ? "true" : "false")}
                            why: Explanation one.
                          - text: Wrong two {domain}-{i}
                            why: Explanation two.
                          - text: Wrong three {domain}-{i}
                            why: Explanation three.
                        docs: https://docs.cilium.io/en/stable/
                    
                    """);
            }
        }
        File.WriteAllText(Path.Combine(dir, "questions", "test.yaml"), yaml.ToString());
        return dir;
    }
}

/// <summary>A clock the test moves by hand: timers are tested without waiting and without reading wall time.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
