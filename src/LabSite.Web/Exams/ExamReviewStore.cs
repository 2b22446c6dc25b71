using LabSite.Scenarios.Exams.Engine;
using LabSite.Web.Exams.Data;
using LabSite.Web.Learners;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Exams;

/// <summary>Learners' Leitner boxes: missed questions come back for review at growing intervals.</summary>
public sealed class ExamReviewStore(ExamDbContext db, TimeProvider time)
{
    public async Task<IReadOnlyDictionary<string, ReviewState>> StatesAsync(LearnerId learner, CancellationToken ct = default)
    {
        var key = learner.ToString();
        var rows = await db.Reviews.AsNoTracking().Where(r => r.LearnerId == key).ToListAsync(ct);
        return rows.ToDictionary(r => r.QuestionId, r => new ReviewState(r.Box, new DateTimeOffset(DateTime.SpecifyKind(r.DueAt, DateTimeKind.Utc))));
    }

    /// <summary>Moves the question between boxes after an answer; a right answer from the last box retires it.</summary>
    public async Task<ReviewState?> RecordAsync(LearnerId learner, string questionId, bool correct, CancellationToken ct = default)
    {
        var key = learner.ToString();
        var row = await db.Reviews.FirstOrDefaultAsync(r => r.LearnerId == key && r.QuestionId == questionId, ct);
        var current = row is null ? null : new ReviewState(row.Box, new DateTimeOffset(DateTime.SpecifyKind(row.DueAt, DateTimeKind.Utc)));
        var next = Leitner.Next(current, correct, time.GetUtcNow());
        if (next is null)
        {
            if (row is not null)
            {
                db.Reviews.Remove(row);
            }
        }
        else if (row is null)
        {
            db.Reviews.Add(new ExamReviewRow { LearnerId = key, QuestionId = questionId, Box = next.Box, DueAt = next.DueAt.UtcDateTime });
        }
        else
        {
            row.Box = next.Box;
            row.DueAt = next.DueAt.UtcDateTime;
        }
        await db.SaveChangesAsync(ct);
        return next;
    }
}
