using LabSite.Web.Exams;
using LabSite.Web.Learners;

namespace LabSite.Web.Tests.Exams;

public sealed class ExamAttemptStoreTests : IDisposable
{
    private readonly ExamStoreFixture _fx = new();
    private readonly LearnerId _learner = LearnerId.New();

    public void Dispose() => _fx.Dispose();

    private async Task<string> StartAsync()
    {
        var (attempts, _, db) = _fx.Open();
        using (db)
        {
            return await attempts.StartAsync(_learner, _fx.Bank.FindBlueprint("tb")!);
        }
    }

    private async Task<ExamAttemptView> GetAsync(string id, LearnerId? learner = null)
    {
        var (attempts, _, db) = _fx.Open();
        using (db)
        {
            return (await attempts.GetAsync(learner ?? _learner, id))!;
        }
    }

    private async Task<SaveAnswerResult> SaveAsync(string id, int position, params int[] displayChoices)
    {
        var (attempts, _, db) = _fx.Open();
        using (db)
        {
            return await attempts.SaveAnswerAsync(_learner, id, position, displayChoices, flagged: false);
        }
    }

    /// <summary>The display positions at which the written-correct options of a question appear.</summary>
    private static int[] CorrectDisplayPositions(AttemptQuestion q) =>
        q.OptionOrder.Select((written, pos) => (written, pos)).Where(p => q.Question.Options[p.written].Correct).Select(p => p.pos).ToArray();

    [Fact]
    public async Task Remaining_time_survives_a_restart_and_counts_from_the_stored_start()
    {
        var id = await StartAsync();
        _fx.Time.Advance(TimeSpan.FromMinutes(30));
        var afterRestart = await GetAsync(id);
        Assert.Equal(TimeSpan.FromMinutes(60), afterRestart.Clock.Remaining(_fx.Time.Now));
        _fx.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(TimeSpan.FromMinutes(1), (await GetAsync(id)).Clock.Remaining(_fx.Time.Now));
        Assert.False((await GetAsync(id)).IsSubmitted);
    }

    [Fact]
    public async Task Reading_an_attempt_past_its_deadline_submits_it()
    {
        var id = await StartAsync();
        var paper = await GetAsync(id);
        Assert.Equal(SaveAnswerResult.Saved, await SaveAsync(id, 1, CorrectDisplayPositions(paper.At(1)!)));
        _fx.Time.Advance(TimeSpan.FromMinutes(90));
        var expired = await GetAsync(id);
        Assert.True(expired.IsSubmitted);
        Assert.True(expired.Row.AutoSubmitted);
        Assert.Equal(1, expired.Row.Correct);
        Assert.Equal(4, expired.Row.Total);
    }

    [Fact]
    public async Task Answers_after_the_deadline_are_refused_and_the_attempt_is_submitted()
    {
        var id = await StartAsync();
        var paper = await GetAsync(id);
        _fx.Time.Advance(TimeSpan.FromMinutes(90).Add(TimeSpan.FromSeconds(1)));
        Assert.Equal(SaveAnswerResult.Expired, await SaveAsync(id, 1, CorrectDisplayPositions(paper.At(1)!)));
        var after = await GetAsync(id);
        Assert.True(after.IsSubmitted);
        Assert.False(after.At(1)!.IsAnswered);
        Assert.Equal(0, after.Row.Correct);
        Assert.Equal(SaveAnswerResult.AlreadySubmitted, await SaveAsync(id, 2, 0));
    }

    [Fact]
    public async Task Option_order_is_persisted_and_choices_map_back_to_written_options()
    {
        var id = await StartAsync();
        var first = await GetAsync(id);
        var again = await GetAsync(id);
        Assert.Equal(first.Questions.Select(q => q.OptionOrder), again.Questions.Select(q => q.OptionOrder));
        Assert.Equal(4, first.Questions.Select(q => q.Question.Id).Distinct().Count());

        foreach (var q in first.Questions)
        {
            Assert.Equal(SaveAnswerResult.Saved, await SaveAsync(id, q.Position, CorrectDisplayPositions(q)));
        }
        var answered = await GetAsync(id);
        Assert.All(answered.Questions, q => Assert.True(q.Answer.IsCorrect, q.Question.Id));
        Assert.Equal(4, answered.Score.Correct);
        Assert.True(answered.Score.Passed);
    }

    [Fact]
    public async Task Submitting_scores_all_or_nothing_and_sends_misses_to_review()
    {
        var id = await StartAsync();
        var paper = await GetAsync(id);
        foreach (var q in paper.Questions)
        {
            // Only the first correct option: right for single answers, wrong (incomplete) for multiple answers.
            await SaveAsync(id, q.Position, CorrectDisplayPositions(q)[0]);
        }
        var (attempts, reviews, db) = _fx.Open();
        using (db)
        {
            Assert.True(await attempts.SubmitAsync(_learner, id));
            var result = (await attempts.GetAsync(_learner, id))!;
            var multiples = result.Questions.Count(q => q.Question.Multiple);
            Assert.Equal(4 - multiples, result.Score.Correct);
            Assert.False(result.Row.AutoSubmitted);
            var boxes = await reviews.StatesAsync(_learner);
            Assert.Equal(result.Questions.Where(q => q.Question.Multiple).Select(q => q.Question.Id).Order(), boxes.Keys.Order());
            Assert.All(boxes.Values, r => Assert.Equal(1, r.Box));
            var history = await attempts.HistoryAsync(_learner);
            Assert.Equal(id, Assert.Single(history).Id);
        }
    }

    [Fact]
    public async Task Another_learner_cannot_see_or_answer_an_attempt()
    {
        var id = await StartAsync();
        var (attempts, _, db) = _fx.Open();
        using (db)
        {
            var stranger = LearnerId.New();
            Assert.Null(await attempts.GetAsync(stranger, id));
            Assert.Equal(SaveAnswerResult.NotFound, await attempts.SaveAnswerAsync(stranger, id, 1, [0], false));
            Assert.False(await attempts.SubmitAsync(stranger, id));
        }
    }

    [Fact]
    public async Task Each_attempt_draws_the_blueprint_split_without_repeats()
    {
        var id = await StartAsync();
        var paper = await GetAsync(id);
        Assert.Equal(2, paper.Questions.Count(q => q.Question.DomainIn("tb") == "a"));
        Assert.Equal(2, paper.Questions.Count(q => q.Question.DomainIn("tb") == "b"));
        Assert.Equal(TimeSpan.FromMinutes(90), paper.Clock.Duration);
    }
}
