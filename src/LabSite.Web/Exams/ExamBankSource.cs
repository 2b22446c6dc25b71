using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Loading;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Exams;

/// <summary>
/// The question bank the site serves, loaded once at start. Blueprints come back with any configured size
/// override applied; diagnostics are kept so the exam page can say why a blueprint cannot be drawn.
/// </summary>
public sealed class ExamBankSource
{
    private readonly ExamOptions _options;

    public ExamBankSource(IOptions<ExamOptions> options, Web.SiteOptions site, ILogger<ExamBankSource> log)
    {
        _options = options.Value;
        Directory = string.IsNullOrEmpty(_options.BankDirectory)
            ? Path.Combine(site.ContentDirectory, "exams", "cca")
            : _options.BankDirectory;
        var (bank, diagnostics) = QuestionBankLoader.Load(Directory);
        Bank = bank;
        Diagnostics = [.. diagnostics, .. QuestionBankValidator.Validate(bank)];
        if (Diagnostics.Count > 0)
        {
            log.LogWarning("exam bank {Directory}: {Count} problem(s), first: {First}", Directory, Diagnostics.Count, Diagnostics[0]);
        }
    }

    public string Directory { get; }

    public QuestionBank Bank { get; }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public IReadOnlyList<ExamBlueprint> Blueprints => Bank.Blueprints.OrderByDescending(b => b.Date).Select(Sized).ToArray();

    public ExamBlueprint? DefaultBlueprint => Bank.Blueprints.Count == 0 ? null : Sized(Bank.DefaultBlueprint);

    public ExamBlueprint? FindBlueprint(string? id) =>
        id is not null && Bank.FindBlueprint(id) is { } b ? Sized(b) : null;

    private ExamBlueprint Sized(ExamBlueprint blueprint) =>
        _options.Sizes.TryGetValue(blueprint.Id, out var size) && size.Questions > 0
            ? blueprint with { Questions = size.Questions, Minutes = Math.Max(1, (int)Math.Ceiling(size.Minutes)), ExactDuration = TimeSpan.FromMinutes(size.Minutes) }
            : blueprint;
}
