using LabSite.Scenarios.Loading;

namespace LabSite.Scenarios.Exams;

/// <summary>
/// The bank-wide rules: unique ids, 4–5 options, the right number of correct answers, an explanation on every
/// option, a docs link on an allowed host, a known domain in every blueprint, and enough questions per domain
/// to draw a full exam of each blueprint without repeating one.
/// </summary>
public static class QuestionBankValidator
{
    /// <summary>Hosts whose documentation may back an answer: Cilium's docs, and Tetragon's/Isovalent's for Tetragon.</summary>
    public static readonly IReadOnlySet<string> AllowedDocsHosts =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "docs.cilium.io", "tetragon.io", "docs.isovalent.com", "isovalent.com" };

    public static IReadOnlyList<Diagnostic> Validate(QuestionBank bank)
    {
        var diagnostics = new List<Diagnostic>();
        void Error(Model.SourceLocation at, string message) => diagnostics.Add(new Diagnostic(at, DiagnosticSeverity.Error, message));

        var seen = new Dictionary<string, ExamQuestion>();
        foreach (var q in bank.Questions)
        {
            if (!seen.TryAdd(q.Id, q))
            {
                Error(q.Location, $"question id '{q.Id}' is already used at {seen[q.Id].Location}");
            }
            CheckOptions(q, Error);
            CheckDocs(q, Error);
            CheckDomains(q, bank.Blueprints, Error);
        }
        CheckCoverage(bank, Error);
        return diagnostics;
    }

    private static void CheckOptions(ExamQuestion q, Action<Model.SourceLocation, string> error)
    {
        if (q.Options.Count is < 4 or > 5)
        {
            error(q.Location, $"question '{q.Id}' has {q.Options.Count} options; a question needs 4 or 5");
        }
        var correct = q.Options.Count(o => o.Correct);
        if (!q.Multiple && correct != 1)
        {
            error(q.Location, $"question '{q.Id}' has {correct} correct options; a single-answer question needs exactly 1 (or set 'multiple: true')");
        }
        if (q.Multiple && correct < 2)
        {
            error(q.Location, $"question '{q.Id}' is 'multiple: true' but has {correct} correct option(s); it needs 2 or more");
        }
        if (q.Multiple && correct == q.Options.Count)
        {
            error(q.Location, $"question '{q.Id}': every option is correct, so the question tests nothing");
        }
        foreach (var (option, i) in q.Options.Select((o, i) => (o, i)))
        {
            if (string.IsNullOrWhiteSpace(option.Why))
            {
                error(option.Location, $"option {i + 1} of question '{q.Id}' has no 'why'; every option explains why it is right or wrong");
            }
        }
        foreach (var dup in q.Options.GroupBy(o => o.Text.Trim()).Where(g => g.Count() > 1))
        {
            error(dup.Last().Location, $"question '{q.Id}' lists the option '{Shorten(dup.Key)}' twice");
        }
    }

    private static void CheckDocs(ExamQuestion q, Action<Model.SourceLocation, string> error)
    {
        if (!Uri.TryCreate(q.Docs, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || q.Docs.Any(char.IsWhiteSpace))
        {
            error(q.Location, $"'docs' of question '{q.Id}' must be an https URL, got '{q.Docs}'");
        }
        else if (!AllowedDocsHosts.Contains(uri.Host))
        {
            error(q.Location, $"'docs' of question '{q.Id}' points to {uri.Host}; allowed hosts: {string.Join(", ", AllowedDocsHosts.Order())}");
        }
    }

    private static void CheckDomains(ExamQuestion q, IReadOnlyList<ExamBlueprint> blueprints, Action<Model.SourceLocation, string> error)
    {
        foreach (var blueprint in blueprints)
        {
            var domain = q.DomainIn(blueprint.Id);
            if (domain is null)
            {
                error(q.Location, $"question '{q.Id}' has no domain for blueprint '{blueprint.Id}'; add 'domains: {{{blueprint.Id}: <one of {string.Join(", ", blueprint.Domains.Select(d => d.Id))}>}}'");
            }
            else if (blueprint.FindDomain(domain) is null)
            {
                error(q.Location, $"question '{q.Id}' names domain '{domain}' for blueprint '{blueprint.Id}', which has: {string.Join(", ", blueprint.Domains.Select(d => d.Id))}");
            }
        }
        foreach (var unknown in q.Domains.Keys.Where(k => blueprints.All(b => b.Id != k)))
        {
            error(q.Location, $"question '{q.Id}' names blueprint '{unknown}', which does not exist; blueprints: {string.Join(", ", blueprints.Select(b => b.Id))}");
        }
    }

    private static void CheckCoverage(QuestionBank bank, Action<Model.SourceLocation, string> error)
    {
        var unique = bank.Questions.DistinctBy(q => q.Id).ToList();
        foreach (var blueprint in bank.Blueprints)
        {
            var needed = Apportionment.For(blueprint);
            foreach (var domain in blueprint.Domains)
            {
                var have = unique.Count(q => q.DomainIn(blueprint.Id) == domain.Id);
                if (have < needed[domain.Id])
                {
                    error(domain.Location, $"domain '{domain.Id}' of blueprint '{blueprint.Id}' has {have} question(s); a {blueprint.Questions}-question exam draws {needed[domain.Id]} from it");
                }
            }
        }
    }

    /// <summary>Questions per domain for one blueprint, in the blueprint's domain order, with what a full exam draws.</summary>
    public static IReadOnlyList<(BlueprintDomain Domain, int Have, int Needed)> Coverage(QuestionBank bank, ExamBlueprint blueprint)
    {
        var needed = Apportionment.For(blueprint);
        var unique = bank.Questions.DistinctBy(q => q.Id).ToList();
        return blueprint.Domains.Select(d => (d, unique.Count(q => q.DomainIn(blueprint.Id) == d.Id), needed[d.Id])).ToArray();
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
