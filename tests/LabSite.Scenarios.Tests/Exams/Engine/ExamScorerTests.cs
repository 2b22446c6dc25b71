using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Exams.Engine;
using static LabSite.Scenarios.Tests.Exams.BankBuilder;

namespace LabSite.Scenarios.Tests.Exams.Engine;

public class ExamScorerTests
{
    private static readonly ExamBlueprint s_bp = Blueprint("bp", 4, ("a", 50), ("b", 50));

    private static AnsweredQuestion Answer(ExamQuestion q, params int[] selected) => new(q, selected.ToHashSet());

    [Fact]
    public void A_single_answer_is_right_only_with_the_correct_option()
    {
        var q = Question("s", "bp", "a");
        Assert.True(Answer(q, 0).IsCorrect);
        Assert.False(Answer(q, 1).IsCorrect);
        Assert.False(Answer(q).IsCorrect);
        Assert.False(Answer(q, 0, 1).IsCorrect);
    }

    [Fact]
    public void A_multiple_answer_is_all_or_nothing()
    {
        var q = Question("m", "bp", "a", multiple: true, correctCount: 2);
        Assert.True(Answer(q, 1, 0).IsCorrect);
        Assert.False(Answer(q, 0).IsCorrect);
        Assert.False(Answer(q, 0, 1, 2).IsCorrect);
        Assert.False(Answer(q, 2, 3).IsCorrect);
    }

    [Fact]
    public void Scores_per_domain_and_passes_at_exactly_75_percent()
    {
        var a = Enumerable.Range(0, 2).Select(i => Question($"a{i}", "bp", "a")).ToArray();
        var b = Enumerable.Range(0, 2).Select(i => Question($"b{i}", "bp", "b")).ToArray();
        var score = ExamScorer.Score(s_bp, [Answer(a[0], 0), Answer(a[1], 0), Answer(b[0], 0), Answer(b[1], 3)]);
        Assert.Equal((3, 4), (score.Correct, score.Total));
        Assert.Equal(75, score.Percent);
        Assert.True(score.Passed);
        Assert.Equal([("a", 2, 2), ("b", 1, 2)], score.Domains.Select(d => (d.DomainId, d.Correct, d.Total)));
        Assert.Equal(["b"], score.WeakDomains.Select(d => d.DomainId));

        var failed = ExamScorer.Score(s_bp, [Answer(a[0], 0), Answer(a[1], 0), Answer(b[0], 1), Answer(b[1])]);
        Assert.False(failed.Passed);
    }

    [Fact]
    public void Forty_four_of_sixty_fails_and_forty_five_passes()
    {
        var qs = Enumerable.Range(0, 60).Select(i => Question($"q{i}", "bp", i % 2 == 0 ? "a" : "b")).ToArray();
        Assert.False(ExamScorer.Score(s_bp, qs.Select((q, i) => i < 44 ? Answer(q, 0) : Answer(q, 1)).ToArray()).Passed);
        Assert.True(ExamScorer.Score(s_bp, qs.Select((q, i) => i < 45 ? Answer(q, 0) : Answer(q, 1)).ToArray()).Passed);
    }
}
