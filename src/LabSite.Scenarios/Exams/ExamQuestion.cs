using LabSite.Scenarios.Model;

namespace LabSite.Scenarios.Exams;

/// <summary>
/// One multiple-choice question of the CCA bank, as written in <c>content/exams/cca/questions/*.yaml</c>.
/// <see cref="Domains"/> maps a blueprint id (<c>cca-2024</c>) to that blueprint's domain id, so one bank
/// serves every blueprint version.
/// </summary>
public sealed record ExamQuestion(
    string Id,
    string Topic,
    IReadOnlyDictionary<string, string> Domains,
    int Difficulty,
    string Stem,
    bool Multiple,
    IReadOnlyList<ExamOption> Options,
    string Docs,
    SourceLocation Location)
{
    /// <summary>Indexes (in written order) of the correct options.</summary>
    public IReadOnlyList<int> CorrectIndexes =>
        Options.Select((o, i) => (o, i)).Where(p => p.o.Correct).Select(p => p.i).ToArray();

    public string? DomainIn(string blueprintId) => Domains.GetValueOrDefault(blueprintId);
}

/// <summary>An answer option; <see cref="Why"/> explains why it is right or wrong and is shown after answering.</summary>
public sealed record ExamOption(string Text, bool Correct, string Why, SourceLocation Location);
