namespace LabSite.Scenarios.Tests.Exams.Engine;

using LabSite.Scenarios.Exams.Engine;
using Xunit;

public class ExamClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Remaining_time_comes_from_the_stored_start_not_from_when_it_is_asked()
    {
        var clock = new ExamClock(Start, TimeSpan.FromMinutes(90));
        Assert.Equal(Start.AddMinutes(90), clock.Deadline);
        Assert.Equal(TimeSpan.FromMinutes(90), clock.Remaining(Start));
        Assert.Equal(TimeSpan.FromMinutes(60), clock.Remaining(Start.AddMinutes(30)));
        // A "restart" builds a new clock from the same stored values: nothing is lost or regained.
        var restored = new ExamClock(clock.StartedAt, clock.Duration);
        Assert.Equal(TimeSpan.FromMinutes(15), restored.Remaining(Start.AddMinutes(75)));
    }

    [Fact]
    public void The_clock_expires_at_the_deadline_and_never_goes_negative()
    {
        var clock = new ExamClock(Start, TimeSpan.FromMinutes(90));
        Assert.False(clock.IsExpired(Start.AddMinutes(90).AddTicks(-1)));
        Assert.True(clock.IsExpired(Start.AddMinutes(90)));
        Assert.Equal(TimeSpan.Zero, clock.Remaining(Start.AddHours(5)));
    }
}
