using LabSite.Web.Learners;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Progress;

/// <summary>A learner's place in one started lab: the step they last opened, when, and which steps they finished.</summary>
public sealed record LabPlace(string LabId, string? CurrentStepId, DateTimeOffset UpdatedAt, IReadOnlySet<string> CompletedStepIds);

public sealed partial class LabProgressStore
{
    /// <summary>Every lab the learner started, most recently used first (the home page's "continue where you left off").</summary>
    public async Task<IReadOnlyList<LabPlace>> PlacesAsync(LearnerId learner, CancellationToken ct = default)
    {
        var key = learner.ToString();
        var labs = await db.LabProgress.AsNoTracking()
            .Where(p => p.LearnerId == key)
            .Select(p => new { p.LabId, p.CurrentStepId, p.UpdatedAt })
            .ToListAsync(ct);
        var done = await db.StepProgress.AsNoTracking()
            .Where(s => s.LearnerId == key && s.CompletedAt != null)
            .Select(s => new { s.LabId, s.StepId })
            .ToListAsync(ct);
        var doneByLab = done.ToLookup(d => d.LabId, d => d.StepId, StringComparer.Ordinal);
        return labs
            .Select(l => new LabPlace(l.LabId, l.CurrentStepId, Utc(l.UpdatedAt)!.Value,
                doneByLab[l.LabId].ToHashSet(StringComparer.Ordinal)))
            .OrderByDescending(p => p.UpdatedAt)
            .ThenBy(p => p.LabId, StringComparer.Ordinal)
            .ToArray();
    }
}
