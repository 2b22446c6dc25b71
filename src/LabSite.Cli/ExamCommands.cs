using System.CommandLine;
using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Loading;

namespace LabSite.Cli;

/// <summary><c>labsite exam validate [dir]</c>: checks a question bank and its blueprints, for writers and CI.</summary>
public static class ExamCommands
{
    public const string DefaultExamDirectory = "content/exams/cca";

    public static Command Create()
    {
        var command = new Command("exam", "Validate exam question banks.");
        command.Subcommands.Add(CreateValidate());
        return command;
    }

    private static Command CreateValidate()
    {
        var dir = new Argument<string>("dir") { Description = "Exam folder holding blueprints/ and questions/.", DefaultValueFactory = _ => DefaultExamDirectory };
        var command = new Command("validate", "Check every question and blueprint; print questions per domain; exit 1 on errors.") { dir };
        command.SetAction(result => Validate(result.GetValue(dir)!, Console.Out, Console.Error));
        return command;
    }

    /// <summary>Runs the validation; errors go to <paramref name="err"/>, the per-domain counts to <paramref name="output"/>.</summary>
    public static int Validate(string directory, TextWriter output, TextWriter err)
    {
        var (bank, loadDiagnostics) = QuestionBankLoader.Load(directory);
        var diagnostics = loadDiagnostics.Concat(QuestionBankValidator.Validate(bank)).Concat(UnknownLabs(bank, directory)).ToList();
        foreach (var diagnostic in diagnostics)
        {
            err.WriteLine(diagnostic);
        }

        output.WriteLine($"{bank.Questions.Count} questions in {directory}");
        foreach (var blueprint in bank.Blueprints)
        {
            var isDefault = blueprint == bank.DefaultBlueprint ? " (default)" : "";
            output.WriteLine($"{blueprint.Id}{isDefault}: {blueprint.Name}, {blueprint.Questions} questions, {blueprint.Minutes} min, pass {blueprint.PassPercent} %");
            foreach (var (domain, have, needed) in QuestionBankValidator.Coverage(bank, blueprint))
            {
                var mark = have >= needed ? "ok" : "TOO FEW";
                output.WriteLine($"  {domain.Id,-28} weight {domain.Weight,3} %  draws {needed,2}  has {have,3}  {mark}");
            }
        }
        var errors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        var warnings = diagnostics.Count - errors;
        output.WriteLine(errors == 0 ? $"valid ({warnings} warning(s))" : $"{errors} error(s), {warnings} warning(s)");
        return errors == 0 ? 0 : 1;
    }

    /// <summary>Recommended labs must exist once the lab folder does; a warning, as labs and questions land separately.</summary>
    private static IEnumerable<Diagnostic> UnknownLabs(QuestionBank bank, string directory)
    {
        var labs = Path.GetFullPath(Path.Combine(directory, "..", "..", "labs"));
        if (!Directory.Exists(labs))
        {
            yield break;
        }
        foreach (var blueprint in bank.Blueprints)
        {
            foreach (var domain in blueprint.Domains)
            {
                foreach (var lab in domain.RecommendedLabs.Where(l => !Directory.Exists(Path.Combine(labs, l))))
                {
                    yield return new Diagnostic(domain.Location, DiagnosticSeverity.Warning, $"domain '{domain.Id}' recommends lab '{lab}', which is not under {labs}");
                }
            }
        }
    }
}
