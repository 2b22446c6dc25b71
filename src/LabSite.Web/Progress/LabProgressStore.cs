using LabSite.Web.Data;
using LabSite.Web.Learners;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Progress;

/// <summary>
/// Reads and records learners' progress. Writes are single upsert statements, so two requests from
/// the same learner at once (double click, two tabs) never race on "insert if missing".
/// Callers pass only ids they validated against the catalog; this store does not know labs.
/// </summary>
public sealed partial class LabProgressStore(LabSiteDbContext db, TimeProvider clock, ProgressEvents? events = null)
{
    public async Task<LabProgress> GetAsync(LearnerId learner, string labId, CancellationToken ct = default)
    {
        var key = learner.ToString();
        var lab = await db.LabProgress.AsNoTracking()
            .Where(p => p.LearnerId == key && p.LabId == labId)
            .Select(p => p.CurrentStepId)
            .ToListAsync(ct);
        if (lab.Count == 0)
        {
            return LabProgress.None;
        }

        var steps = await db.StepProgress.AsNoTracking()
            .Where(p => p.LearnerId == key && p.LabId == labId)
            .ToListAsync(ct);
        return new LabProgress(
            lab[0],
            steps.ToDictionary(s => s.StepId, s => new StepProgress(true, s.CompletedAt is not null, s.HintsRevealed, s.SolutionShown)));
    }

    /// <summary>Which labs a learner has started, and how many steps of each they completed.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CompletedStepsByLabAsync(LearnerId learner, CancellationToken ct = default)
    {
        var key = learner.ToString();
        // One query (a correlated count per started lab): the catalog page runs it on every load.
        var rows = await db.LabProgress.AsNoTracking()
            .Where(p => p.LearnerId == key)
            .Select(p => new
            {
                p.LabId,
                Done = db.StepProgress.Count(s => s.LearnerId == key && s.LabId == p.LabId && s.CompletedAt != null),
            })
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.LabId, r => r.Done);
    }

    /// <summary>
    /// Records that the learner opened a step: it becomes their current step and counts as visited. Returns the
    /// progress as it is afterwards. Re-opening the current step (a reload) writes nothing.
    /// </summary>
    public async Task<LabProgress> RecordVisitAsync(LearnerId learner, string labId, string stepId, CancellationToken ct = default)
    {
        var progress = await GetAsync(learner, labId, ct);
        if (progress.CurrentStepId == stepId && progress.Step(stepId).Visited)
        {
            return progress;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var key = learner.ToString();
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO lab_progress (learner_id, lab_id, current_step_id, started_at, updated_at)
                VALUES ({key}, {labId}, {stepId}, {now}, {now})
                ON CONFLICT (learner_id, lab_id) DO UPDATE SET current_step_id = excluded.current_step_id, updated_at = excluded.updated_at
                """, ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO step_progress (learner_id, lab_id, step_id, visited_at, completed_at, hints_revealed, solution_shown)
                VALUES ({key}, {labId}, {stepId}, {now}, NULL, 0, 0)
                ON CONFLICT (learner_id, lab_id, step_id) DO NOTHING
                """, ct);
            await transaction.CommitAsync(ct);
        }

        var steps = new Dictionary<string, StepProgress>(progress.Steps) { [stepId] = progress.Step(stepId) with { Visited = true } };
        return new LabProgress(stepId, steps);
    }

    /// <summary>Reveals the next hint, never more than <paramref name="hintCount"/>; returns how many are now shown.</summary>
    public async Task<int> RevealNextHintAsync(LearnerId learner, string labId, string stepId, int hintCount, CancellationToken ct = default)
    {
        if (hintCount <= 0)
        {
            return 0;
        }

        await RecordVisitAsync(learner, labId, stepId, ct);
        var key = learner.ToString();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE step_progress SET hints_revealed = MIN(hints_revealed + 1, {hintCount})
            WHERE learner_id = {key} AND lab_id = {labId} AND step_id = {stepId}
            """, ct);
        return (await GetAsync(learner, labId, ct)).Step(stepId).HintsRevealed;
    }

    public async Task ShowSolutionAsync(LearnerId learner, string labId, string stepId, CancellationToken ct = default)
    {
        await RecordVisitAsync(learner, labId, stepId, ct);
        var key = learner.ToString();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE step_progress SET solution_shown = 1
            WHERE learner_id = {key} AND lab_id = {labId} AND step_id = {stepId}
            """, ct);
    }

    /// <summary>Marks a step done or not done (by the learner, or later by a passing check).</summary>
    /// <remarks>
    /// Counts as a visit of the step but does not make it the current one: a background check (the player's, the
    /// workshop roster's) can finish after the learner moved on, and must not move them back.
    /// </remarks>
    public async Task SetCompletedAsync(LearnerId learner, string labId, string stepId, bool completed, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var key = learner.ToString();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO lab_progress (learner_id, lab_id, current_step_id, started_at, updated_at)
            VALUES ({key}, {labId}, {stepId}, {now}, {now})
            ON CONFLICT (learner_id, lab_id) DO NOTHING
            """, ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO step_progress (learner_id, lab_id, step_id, visited_at, completed_at, hints_revealed, solution_shown)
            VALUES ({key}, {labId}, {stepId}, {now}, NULL, 0, 0)
            ON CONFLICT (learner_id, lab_id, step_id) DO NOTHING
            """, ct);
        if (!completed)
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE step_progress SET completed_at = NULL
                WHERE learner_id = {key} AND lab_id = {labId} AND step_id = {stepId}
                """, ct);
            return;
        }
        // Only the write that completes the step changes a row: that one tells the others (once, whoever races).
        var at = clock.GetUtcNow().UtcDateTime;
        var changed = await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE step_progress SET completed_at = {at}
            WHERE learner_id = {key} AND lab_id = {labId} AND step_id = {stepId} AND completed_at IS NULL
            """, ct);
        if (changed == 1)
        {
            events?.Completed(learner, labId, stepId);
        }
    }
}
