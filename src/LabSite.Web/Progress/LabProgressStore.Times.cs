using LabSite.Web.Learners;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Progress;

/// <summary>When a learner first opened a lab and one of its steps: the grader's "since the step started" windows.</summary>
public sealed record StepTimes(DateTimeOffset? LabStartedAt, DateTimeOffset? StepVisitedAt);

public sealed partial class LabProgressStore
{
    public async Task<StepTimes> StepTimesAsync(LearnerId learner, string labId, string stepId, CancellationToken ct = default)
    {
        var key = learner.ToString();
        var lab = await db.LabProgress.AsNoTracking()
            .Where(p => p.LearnerId == key && p.LabId == labId).Select(p => (DateTime?)p.StartedAt).FirstOrDefaultAsync(ct);
        var step = await db.StepProgress.AsNoTracking()
            .Where(p => p.LearnerId == key && p.LabId == labId && p.StepId == stepId).Select(p => (DateTime?)p.VisitedAt).FirstOrDefaultAsync(ct);
        return new StepTimes(Utc(lab), Utc(step));
    }

    // SQLite hands DateTime back with Kind Unspecified; the store writes UTC.
    private static DateTimeOffset? Utc(DateTime? t) => t is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
