using LabSite.Web.Learners;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Progress;

/// <summary>Where a learner is among several labs: the lab they touched last, its current step and when they opened it.</summary>
public sealed record LearnerPosition(string LabId, string StepId, DateTimeOffset StepVisitedAt);

public sealed partial class LabProgressStore
{
    /// <summary>
    /// The position of each learner among <paramref name="labIds"/> (a workshop's labs): the lab they updated last and
    /// its current step. Learners who opened none of them are missing from the answer. Two queries for the whole room.
    /// </summary>
    public async Task<IReadOnlyDictionary<LearnerId, LearnerPosition>> PositionsAsync(
        IReadOnlyCollection<LearnerId> learners, IReadOnlyCollection<string> labIds, CancellationToken ct = default)
    {
        var keys = learners.Select(l => l.ToString()).ToList();
        var labs = await db.LabProgress.AsNoTracking()
            .Where(p => keys.Contains(p.LearnerId) && labIds.Contains(p.LabId) && p.CurrentStepId != null)
            .ToListAsync(ct);
        var latest = labs.GroupBy(p => p.LearnerId).Select(g => g.OrderByDescending(p => p.UpdatedAt).First()).ToList();
        var steps = await db.StepProgress.AsNoTracking()
            .Where(s => keys.Contains(s.LearnerId) && labIds.Contains(s.LabId))
            .Select(s => new { s.LearnerId, s.LabId, s.StepId, s.VisitedAt })
            .ToListAsync(ct);
        var positions = new Dictionary<LearnerId, LearnerPosition>();
        foreach (var lab in latest)
        {
            var visited = steps.FirstOrDefault(s => s.LearnerId == lab.LearnerId && s.LabId == lab.LabId && s.StepId == lab.CurrentStepId)?.VisitedAt ?? lab.UpdatedAt;
            if (LearnerId.TryParse(lab.LearnerId, out var learner))
            {
                positions[learner] = new LearnerPosition(lab.LabId, lab.CurrentStepId!, Utc(visited)!.Value);
            }
        }
        return positions;
    }

    /// <summary>
    /// Rewrites a learner's progress in a lab for an instructor's reset or catch-up: exactly <paramref name="completedStepIds"/>
    /// are completed (others keep their visits, hints and solutions but are not completed) and <paramref name="currentStepId"/>
    /// is the current step, opened now. One transaction: the restore that follows reads either all of it or none.
    /// </summary>
    public async Task RewriteAsync(LearnerId learner, string labId, IReadOnlyCollection<string> completedStepIds, string currentStepId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var key = learner.ToString();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO lab_progress (learner_id, lab_id, current_step_id, started_at, updated_at)
            VALUES ({key}, {labId}, {currentStepId}, {now}, {now})
            ON CONFLICT (learner_id, lab_id) DO UPDATE SET current_step_id = excluded.current_step_id, updated_at = excluded.updated_at
            """, ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE step_progress SET completed_at = NULL WHERE learner_id = {key} AND lab_id = {labId}
            """, ct);
        foreach (var stepId in completedStepIds.Append(currentStepId).Distinct(StringComparer.Ordinal))
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO step_progress (learner_id, lab_id, step_id, visited_at, completed_at, hints_revealed, solution_shown)
                VALUES ({key}, {labId}, {stepId}, {now}, NULL, 0, 0)
                ON CONFLICT (learner_id, lab_id, step_id) DO NOTHING
                """, ct);
        }
        foreach (var stepId in completedStepIds)
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE step_progress SET completed_at = {now} WHERE learner_id = {key} AND lab_id = {labId} AND step_id = {stepId}
                """, ct);
        }
        // The current step starts now: its time on step (and the grader's "since the step started") counts from here.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE step_progress SET visited_at = {now} WHERE learner_id = {key} AND lab_id = {labId} AND step_id = {currentStepId}
            """, ct);
        await transaction.CommitAsync(ct);
    }
}
