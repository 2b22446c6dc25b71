namespace LabSite.Scenarios.Exams.Engine;

/// <summary>A learner's spaced-repetition state for one missed question: its Leitner box and when it is due again.</summary>
public sealed record ReviewState(int Box, DateTimeOffset DueAt);

/// <summary>
/// Leitner boxes for missed questions. A miss puts the question in box 1 (due again at once); each right answer
/// moves it up one box with a longer wait; a right answer from the last box retires it. Questions never missed
/// never enter the boxes, so review time goes to what the learner gets wrong.
/// </summary>
public static class Leitner
{
    /// <summary>Wait before a question in box <c>n</c> (index n-1) is due again.</summary>
    public static readonly IReadOnlyList<TimeSpan> Intervals =
        [TimeSpan.Zero, TimeSpan.FromDays(1), TimeSpan.FromDays(3), TimeSpan.FromDays(7), TimeSpan.FromDays(14)];

    public static int LastBox => Intervals.Count;

    /// <summary>The next state after an answer, or null when the question is not (or no longer) under review.</summary>
    public static ReviewState? Next(ReviewState? current, bool correct, DateTimeOffset now)
    {
        if (!correct)
        {
            return new ReviewState(1, now + Intervals[0]);
        }
        if (current is null || current.Box >= LastBox)
        {
            return null;
        }
        var box = current.Box + 1;
        return new ReviewState(box, now + Intervals[box - 1]);
    }

    public static bool IsDue(ReviewState state, DateTimeOffset now) => state.DueAt <= now;
}
