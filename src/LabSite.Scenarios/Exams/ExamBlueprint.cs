using LabSite.Scenarios.Model;

namespace LabSite.Scenarios.Exams;

/// <summary>
/// A versioned exam outline (<c>content/exams/cca/blueprints/*.yaml</c>): how many questions, how long,
/// the pass mark, and the domains with their weights and the labs that practise them.
/// </summary>
public sealed record ExamBlueprint(
    string Id,
    string Name,
    DateOnly Date,
    int Questions,
    int Minutes,
    int PassPercent,
    IReadOnlyList<BlueprintDomain> Domains,
    SourceLocation Location)
{
    public BlueprintDomain? FindDomain(string id) => Domains.FirstOrDefault(d => d.Id == id);

    /// <summary>Set only when a deployment overrides the duration with a fraction of a minute (tests); otherwise <see cref="Minutes"/>.</summary>
    public TimeSpan? ExactDuration { get; init; }

    public TimeSpan Duration => ExactDuration ?? TimeSpan.FromMinutes(Minutes);
}

/// <summary>A domain of a blueprint; <see cref="Weight"/> is its percentage of the exam.</summary>
public sealed record BlueprintDomain(string Id, string Name, int Weight, IReadOnlyList<string> RecommendedLabs, SourceLocation Location);
