using System.Security.Cryptography;
using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Exams.Engine;
using LabSite.Web.Exams.Data;
using LabSite.Web.Learners;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Exams;

/// <summary>
/// Mock-exam attempts: drawing a paper, saving answers, and submitting. The server owns the clock: every read of an
/// open attempt past its deadline submits it as it stands, and answers arriving after the deadline are refused.
/// An attempt is only visible to the learner who started it.
/// </summary>
public sealed class ExamAttemptStore(ExamDbContext db, ExamBankSource bank, ExamReviewStore reviews, TimeProvider time)
{
    /// <summary>Draws a paper for <paramref name="blueprint"/> and starts its clock now. Throws if the bank is too small.</summary>
    public async Task<string> StartAsync(LearnerId learner, ExamBlueprint blueprint, CancellationToken ct = default)
    {
        // A fresh seed per attempt; sampling and option order come from the same seeded generator.
        var rng = new Random(RandomNumberGenerator.GetInt32(int.MaxValue));
        var paper = ExamSampler.Sample(bank.Bank, blueprint, rng);
        var now = time.GetUtcNow().UtcDateTime;
        var id = Guid.NewGuid().ToString("N");
        var row = new ExamAttemptRow
        {
            Id = id,
            LearnerId = learner.ToString(),
            BlueprintId = blueprint.Id,
            PassPercent = blueprint.PassPercent,
            StartedAt = now,
            Deadline = now + blueprint.Duration,
            Total = paper.Count,
            Items = paper.Select((q, i) => new ExamAttemptItemRow
            {
                AttemptId = id,
                Position = i + 1,
                QuestionId = q.Id,
                OptionOrder = IndexList.Format(Shuffle.OptionOrder(q.Options.Count, rng)),
            }).ToList(),
        };
        db.Attempts.Add(row);
        await db.SaveChangesAsync(ct);
        return id;
    }

    /// <summary>The learner's attempt, submitted first if its deadline has passed; null if it is not theirs or unknown.</summary>
    public async Task<ExamAttemptView?> GetAsync(LearnerId learner, string id, CancellationToken ct = default)
    {
        var row = await LoadAsync(learner, id, ct);
        if (row is null)
        {
            return null;
        }
        if (row.SubmittedAt is null && Clock(row).IsExpired(time))
        {
            await SubmitRowAsync(learner, row, auto: true, ct);
        }
        return View(row);
    }

    /// <summary>
    /// Saves the choice (display positions) and flag for one question. Past the deadline nothing is saved and the attempt
    /// is submitted: the page's countdown is only cosmetic, this check is what counts.
    /// </summary>
    public async Task<SaveAnswerResult> SaveAnswerAsync(
        LearnerId learner, string id, int position, IReadOnlyCollection<int> displayChoices, bool flagged, CancellationToken ct = default)
    {
        var row = await LoadAsync(learner, id, ct);
        var item = row?.Items.FirstOrDefault(i => i.Position == position);
        if (row is null || item is null)
        {
            return SaveAnswerResult.NotFound;
        }
        if (row.SubmittedAt is not null)
        {
            return SaveAnswerResult.AlreadySubmitted;
        }
        if (Clock(row).IsExpired(time))
        {
            await SubmitRowAsync(learner, row, auto: true, ct);
            return SaveAnswerResult.Expired;
        }

        var order = IndexList.Parse(item.OptionOrder);
        var question = bank.Bank.Find(item.QuestionId);
        var written = displayChoices.Where(c => c >= 0 && c < order.Length).Select(c => order[c]).Distinct().Order().ToArray();
        // A single-answer question keeps one choice even if a crafted form sends several.
        if (question is { Multiple: false } && written.Length > 1)
        {
            written = [written[0]];
        }
        item.Selected = IndexList.Format(written);
        item.Flagged = flagged;
        await db.SaveChangesAsync(ct);
        return SaveAnswerResult.Saved;
    }

    public async Task<bool> SubmitAsync(LearnerId learner, string id, CancellationToken ct = default)
    {
        var row = await LoadAsync(learner, id, ct);
        if (row is null)
        {
            return false;
        }
        if (row.SubmittedAt is null)
        {
            await SubmitRowAsync(learner, row, auto: Clock(row).IsExpired(time), ct);
        }
        return true;
    }

    /// <summary>The learner's open attempt, if any (expired ones are submitted on the way).</summary>
    public async Task<ExamAttemptView?> OpenAttemptAsync(LearnerId learner, CancellationToken ct = default)
    {
        var key = learner.ToString();
        var ids = await db.Attempts.AsNoTracking().Where(a => a.LearnerId == key && a.SubmittedAt == null).Select(a => a.Id).ToListAsync(ct);
        foreach (var id in ids)
        {
            if (await GetAsync(learner, id, ct) is { IsSubmitted: false } open)
            {
                return open;
            }
        }
        return null;
    }

    /// <summary>Submitted attempts, oldest first (the order the history chart draws them).</summary>
    public async Task<IReadOnlyList<AttemptSummary>> HistoryAsync(LearnerId learner, CancellationToken ct = default)
    {
        var key = learner.ToString();
        var rows = await db.Attempts.AsNoTracking()
            .Where(a => a.LearnerId == key && a.SubmittedAt != null)
            .Select(a => new { a.Id, a.BlueprintId, a.SubmittedAt, a.Correct, a.Total, a.PassPercent, a.AutoSubmitted })
            .ToListAsync(ct);
        return rows
            .Select(a => new AttemptSummary(a.Id, a.BlueprintId, a.SubmittedAt!.Value, a.Correct ?? 0, a.Total, a.PassPercent, a.AutoSubmitted))
            .OrderBy(a => a.SubmittedAt)
            .ToArray();
    }

    /// <summary>
    /// Readiness per domain from the learner's latest submitted attempts (at most <paramref name="count"/>) on the
    /// curriculum of their most recent one; null when they have none. Attempts on a blueprint no longer in the bank are skipped.
    /// </summary>
    public async Task<ExamReadiness?> ReadinessAsync(LearnerId learner, int count, CancellationToken ct = default)
    {
        var key = learner.ToString();
        var latest = await db.Attempts.AsNoTracking()
            .Where(a => a.LearnerId == key && a.SubmittedAt != null)
            .Select(a => new { a.BlueprintId, a.SubmittedAt })
            .ToListAsync(ct);
        var blueprintId = latest
            .Where(a => bank.FindBlueprint(a.BlueprintId) is not null)
            .OrderByDescending(a => a.SubmittedAt)
            .Select(a => a.BlueprintId)
            .FirstOrDefault();
        if (blueprintId is null || count <= 0)
        {
            return null;
        }
        var rows = await db.Attempts.AsNoTracking().Include(a => a.Items)
            .Where(a => a.LearnerId == key && a.SubmittedAt != null && a.BlueprintId == blueprintId)
            .ToListAsync(ct);
        var scores = rows.OrderByDescending(a => a.SubmittedAt).Take(count).Select(a => View(a).Score).ToArray();
        return ExamReadiness.From(bank.FindBlueprint(blueprintId)!, scores);
    }

    private async Task SubmitRowAsync(LearnerId learner, ExamAttemptRow row, bool auto, CancellationToken ct)
    {
        var view = View(row);
        var score = view.Score;
        row.SubmittedAt = time.GetUtcNow().UtcDateTime;
        row.AutoSubmitted = auto;
        row.Correct = score.Correct;
        row.Total = score.Total;
        await db.SaveChangesAsync(ct);
        // Every question missed in a mock exam enters spaced repetition.
        foreach (var q in view.Questions.Where(q => !q.Answer.IsCorrect))
        {
            await reviews.RecordAsync(learner, q.Question.Id, correct: false, ct);
        }
    }

    private Task<ExamAttemptRow?> LoadAsync(LearnerId learner, string id, CancellationToken ct)
    {
        var key = learner.ToString();
        return db.Attempts.Include(a => a.Items).FirstOrDefaultAsync(a => a.Id == id && a.LearnerId == key, ct);
    }

    private ExamAttemptView View(ExamAttemptRow row)
    {
        var blueprint = bank.FindBlueprint(row.BlueprintId) ?? throw new InvalidOperationException($"attempt {row.Id} uses blueprint '{row.BlueprintId}', which is no longer in {bank.Directory}");
        // Questions removed from the bank since the attempt started are left out rather than failing the page.
        var questions = row.Items.OrderBy(i => i.Position)
            .Select(i => bank.Bank.Find(i.QuestionId) is { } q
                ? new AttemptQuestion(i.Position, q, IndexList.Parse(i.OptionOrder), IndexList.Parse(i.Selected).ToHashSet(), i.Flagged)
                : null)
            .OfType<AttemptQuestion>()
            .ToArray();
        return new ExamAttemptView(row, blueprint, questions, Clock(row));
    }

    private static ExamClock Clock(ExamAttemptRow row) =>
        new(DateTime.SpecifyKind(row.StartedAt, DateTimeKind.Utc), DateTime.SpecifyKind(row.Deadline, DateTimeKind.Utc) - DateTime.SpecifyKind(row.StartedAt, DateTimeKind.Utc));
}
