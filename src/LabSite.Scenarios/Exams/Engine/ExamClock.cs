namespace LabSite.Scenarios.Exams.Engine;

/// <summary>
/// The server-side exam timer. Only the start and the duration are stored; the remaining time is always computed
/// from them and the current time, so a page reload or a server restart neither pauses nor resets the clock.
/// </summary>
public readonly record struct ExamClock(DateTimeOffset StartedAt, TimeSpan Duration)
{
    public DateTimeOffset Deadline => StartedAt + Duration;

    public TimeSpan Remaining(DateTimeOffset now) => now >= Deadline ? TimeSpan.Zero : Deadline - now;

    /// <summary>True from the deadline on: answers arriving then are refused and the attempt is submitted as it stands.</summary>
    public bool IsExpired(DateTimeOffset now) => now >= Deadline;

    public TimeSpan Remaining(TimeProvider time) => Remaining(time.GetUtcNow());

    public bool IsExpired(TimeProvider time) => IsExpired(time.GetUtcNow());
}
