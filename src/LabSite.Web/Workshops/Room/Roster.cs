using LabSite.Grader.Results;

namespace LabSite.Web.Workshops.Room;

/// <summary>
/// One attendee as the console shows them. <see cref="Checks"/> are the current step's checks as the grader saw them at
/// <see cref="Roster.At"/> (empty before the first grading); <see cref="Problem"/> says why they could not be checked.
/// </summary>
public sealed record RosterRow(
    string AttendeeId, int Seat, string Name, bool Connected,
    string? LabId, string? StepId, string? StepTitle, int StepNumber, int StepCount,
    IReadOnlyList<CheckResult> Checks, string? Problem,
    DateTimeOffset? StepSince, DateTimeOffset? LastCommandAt, DateTimeOffset? HandRaisedAt, int Resets, bool Stuck)
{
    public bool Started => StepId is not null;

    public bool AllPassed => Checks.Count > 0 && Checks.All(c => c.Passed);

    public int Passing => Checks.Count(c => c.Passed);
}

/// <summary>The room at one moment: a row per attendee in seat order, and when the checks were last run.</summary>
public sealed record Roster(IReadOnlyList<RosterRow> Rows, DateTimeOffset At, DateTimeOffset? GradedAt)
{
    public static readonly Roster Empty = new([], DateTimeOffset.MinValue, null);

    /// <summary>How many attendees are on each step, in lab and step order (attendees who started nothing are left out).</summary>
    public IReadOnlyList<(string LabId, int StepNumber, string StepTitle, int Count)> PerStep =>
        Rows.Where(r => r.Started).GroupBy(r => (r.LabId!, r.StepNumber, r.StepTitle!))
            .Select(g => (g.Key.Item1, g.Key.StepNumber, g.Key.Item3, g.Count()))
            .OrderBy(s => s.Item1, StringComparer.Ordinal).ThenBy(s => s.StepNumber).ToList();

    /// <summary>The checks failing for the most attendees right now, most first (ties by title, so the list is stable).</summary>
    public IReadOnlyList<(string Title, int Failing)> MostFailing(int top) =>
        Rows.SelectMany(r => r.Checks.Where(c => c.Outcome == CheckOutcome.Failed))
            .GroupBy(c => c.Title).Select(g => (g.Key, g.Count()))
            .OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal).Take(top).ToList();
}
