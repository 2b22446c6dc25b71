using LabSite.Scenarios.Exams.Engine;

namespace LabSite.Scenarios.Tests.Exams.Engine;

public class ExamClockTests
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Remaining_time_comes_from_the_stored_start_not_from_when_it_is_asked()
    {
        var clock = new ExamClock(s_start, TimeSpan.FromMinutes(90));
        Assert.Equal(s_start.AddMinutes(90), clock.Deadline);
        Assert.Equal(TimeSpan.FromMinutes(90), clock.Remaining(s_start));
        Assert.Equal(TimeSpan.FromMinutes(60), clock.Remaining(s_start.AddMinutes(30)));
        // A "restart" builds a new clock from the same stored values: nothing is lost or regained.
        var restored = new ExamClock(clock.StartedAt, clock.Duration);
        Assert.Equal(TimeSpan.FromMinutes(15), restored.Remaining(s_start.AddMinutes(75)));
    }

    [Fact]
    public void The_clock_expires_at_the_deadline_and_never_goes_negative()
    {
        var clock = new ExamClock(s_start, TimeSpan.FromMinutes(90));
        Assert.False(clock.IsExpired(s_start.AddMinutes(90).AddTicks(-1)));
        Assert.True(clock.IsExpired(s_start.AddMinutes(90)));
        Assert.Equal(TimeSpan.Zero, clock.Remaining(s_start.AddHours(5)));
    }
}
