using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Exams.Engine;

namespace LabSite.Web.Exams;

/// <summary>
/// How ready a learner looks per domain of one curriculum: the questions they got right out of those asked, summed
/// over their recent mock exams. A domain is ready when that share reaches the curriculum's pass mark.
/// </summary>
public sealed record ExamReadiness(ExamBlueprint Blueprint, int Attempts, IReadOnlyList<DomainScore> Domains)
{
    public static ExamReadiness From(ExamBlueprint blueprint, IReadOnlyList<ExamScore> scores)
    {
        var domains = blueprint.Domains
            .Select(d =>
            {
                var mine = scores.SelectMany(s => s.Domains).Where(s => s.DomainId == d.Id).ToArray();
                return new DomainScore(d.Id, d.Name, mine.Sum(s => s.Correct), mine.Sum(s => s.Total));
            })
            .ToArray();
        return new ExamReadiness(blueprint, scores.Count, domains);
    }

    public DomainReadinessLevel Level(DomainScore domain) =>
        domain.Total == 0 ? DomainReadinessLevel.NotAsked
        : domain.Correct * 100 >= Blueprint.PassPercent * domain.Total ? DomainReadinessLevel.Ready
        : DomainReadinessLevel.NotYet;
}

public enum DomainReadinessLevel { NotAsked, NotYet, Ready }
