using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Model;
using LabSite.Web.Exams;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Progress;

namespace LabSite.Web.Home;

/// <summary>Builds a learner's <see cref="HomeDashboard"/> from the catalog, their progress and their mock exams.</summary>
public sealed class HomeDashboardReader(LabCatalogSource catalog, LabProgressStore progress, ExamBankSource bank, ExamAttemptStore attempts)
{
    /// <summary>Readiness counts the last few exams only, so it follows the learner's improvement rather than their first try.</summary>
    public const int ReadinessAttempts = 3;

    public const string OtherTopicName = "Other topics";

    public async Task<HomeDashboard> ReadAsync(LearnerId learner, CancellationToken ct = default)
    {
        var labs = catalog.Current.Labs;
        var places = await progress.PlacesAsync(learner, ct);
        var readiness = await attempts.ReadinessAsync(learner, ReadinessAttempts, ct);
        var completed = places.ToDictionary(p => p.LabId, p => labs.FirstOrDefault(l => l.Id == p.LabId) is { } lab
            ? lab.Steps.Count(s => p.CompletedStepIds.Contains(s.Id))
            : 0, StringComparer.Ordinal);
        var toContinue = places
            .Select(p => (Place: p, Lab: labs.FirstOrDefault(l => l.Id == p.LabId)))
            .Where(x => x.Lab is not null)
            .Select(x => NextStep(x.Lab!, x.Place) is { } next
                ? new LabToContinue(x.Lab!, next, completed[x.Lab!.Id], x.Place.UpdatedAt)
                : null)
            .OfType<LabToContinue>()
            .ToArray();
        return new HomeDashboard(toContinue, Topics(labs, bank.Blueprints), completed, readiness, bank.DefaultBlueprint);
    }

    /// <summary>
    /// The step to go on with: the current one while it is unfinished, else the first unfinished one after it, else the
    /// first unfinished one at all; null when every step is done (the lab is finished, nothing to continue).
    /// </summary>
    public static LabStep? NextStep(Lab lab, LabPlace place)
    {
        var open = lab.Steps.Where(s => !place.CompletedStepIds.Contains(s.Id)).ToArray();
        if (open.Length == 0)
        {
            return null;
        }
        var current = lab.FindStep(place.CurrentStepId ?? "");
        return current is null ? open[0] : open.FirstOrDefault(s => s.Index >= current.Index) ?? open[0];
    }

    /// <summary>
    /// Groups labs by their first CCA domain, named as the newest curriculum that has it names it; topics in
    /// alphabetical order, labs without a domain last.
    /// </summary>
    public static IReadOnlyList<LabTopic> Topics(IReadOnlyList<Lab> labs, IReadOnlyList<ExamBlueprint> newestFirst)
    {
        var named = labs
            .GroupBy(l => l.Meta.CcaDomains.Count > 0 ? l.Meta.CcaDomains[0] : "", StringComparer.OrdinalIgnoreCase)
            .Select(g => new LabTopic(g.Key, g.Key.Length == 0 ? OtherTopicName : DomainName(g.Key, newestFirst), [.. g]))
            .ToArray();
        return [.. named.Where(t => t.Id.Length > 0).OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase), .. named.Where(t => t.Id.Length == 0)];
    }

    private static string DomainName(string id, IReadOnlyList<ExamBlueprint> newestFirst) =>
        newestFirst.Select(b => b.Domains.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase)))
            .FirstOrDefault(d => d is not null)?.Name
        ?? id;
}
