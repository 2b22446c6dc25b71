using LabSite.Scenarios.Loading;

namespace LabSite.Scenarios.Exams;

/// <summary>
/// Loads an exam folder: <c>blueprints/*.yaml</c> and <c>questions/*.yaml</c>, in file-name order so ids and
/// diagnostics come out the same every time. Shape errors are collected; nothing throws on bad content.
/// </summary>
public static class QuestionBankLoader
{
    public static (QuestionBank Bank, IReadOnlyList<Diagnostic> Diagnostics) Load(string directory)
    {
        var diagnostics = new List<Diagnostic>();
        var blueprints = new List<ExamBlueprint>();
        var questions = new List<ExamQuestion>();

        var blueprintDir = Path.Combine(directory, "blueprints");
        var questionDir = Path.Combine(directory, "questions");
        foreach (var (dir, what) in new[] { (blueprintDir, "blueprints"), (questionDir, "questions") })
        {
            if (!System.IO.Directory.Exists(dir))
            {
                diagnostics.Add(new Diagnostic(new(dir, 1, 1), DiagnosticSeverity.Error, $"folder of {what} not found (expected {Path.Combine(directory, what)}/*.yaml)"));
            }
        }

        foreach (var file in YamlFiles(blueprintDir))
        {
            if (BlueprintParser.Parse(file, File.ReadAllText(file), diagnostics) is { } blueprint)
            {
                blueprints.Add(blueprint);
            }
        }
        foreach (var file in YamlFiles(questionDir))
        {
            questions.AddRange(QuestionFileParser.Parse(file, File.ReadAllText(file), diagnostics));
        }
        if (blueprints.Count == 0 && System.IO.Directory.Exists(blueprintDir))
        {
            diagnostics.Add(new Diagnostic(new(blueprintDir, 1, 1), DiagnosticSeverity.Error, "no blueprint found; an exam needs at least one blueprints/*.yaml"));
        }
        return (new QuestionBank(directory, questions, blueprints), diagnostics);
    }

    private static IEnumerable<string> YamlFiles(string dir) =>
        System.IO.Directory.Exists(dir)
            ? System.IO.Directory.EnumerateFiles(dir).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            : [];
}
