using LabSite.Scenarios.Exams.Engine;
using static LabSite.Scenarios.Tests.Exams.BankBuilder;

namespace LabSite.Scenarios.Tests.Exams.Engine;

public class LeitnerTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_miss_enters_box_one_and_right_answers_climb_until_retired()
    {
        Assert.Null(Leitner.Next(null, correct: true, s_now));
        var state = Leitner.Next(null, correct: false, s_now)!;
        Assert.Equal(new ReviewState(1, s_now), state);
        state = Leitner.Next(state, true, s_now)!;
        Assert.Equal(new ReviewState(2, s_now.AddDays(1)), state);
        state = Leitner.Next(state, true, s_now)!;
        Assert.Equal(3, state.Box);
        Assert.Equal(new ReviewState(1, s_now), Leitner.Next(state, false, s_now));
        state = Leitner.Next(Leitner.Next(state, true, s_now), true, s_now)!;
        Assert.Equal(5, state.Box);
        Assert.Null(Leitner.Next(state, true, s_now));
    }

    [Fact]
    public void Practice_serves_due_missed_questions_first_then_unseen_ones()
    {
        var qs = Enumerable.Range(0, 4).Select(i => Question($"q{i}", "bp", "a")).ToArray();
        var reviews = new Dictionary<string, ReviewState>
        {
            ["q1"] = new(2, s_now.AddHours(-1)),
            ["q2"] = new(1, s_now.AddMinutes(-1)),
            ["q3"] = new(1, s_now.AddDays(1)),
        };
        Assert.Equal("q2", PracticePicker.Next(qs, reviews, [], s_now, new Random(1))!.Id);
        Assert.Equal("q1", PracticePicker.Next(qs, reviews, ["q2"], s_now, new Random(1))!.Id);
        var rng = new Random(5);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal("q3", PracticePicker.Next(qs, new Dictionary<string, ReviewState>(), ["q0", "q1", "q2"], s_now, rng)!.Id);
        }
        Assert.Null(PracticePicker.Next([], reviews, [], s_now, rng));
    }
}
