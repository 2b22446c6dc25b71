using LabSite.Web.Learners;
using LabSite.Web.Progress;
using LabSite.Web.Tests.Support;

namespace LabSite.Web.Tests.Progress;

public sealed class LabProgressStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly LearnerId _learner = LearnerId.New();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task A_lab_never_opened_has_no_progress()
    {
        await using var scope = _db.Scope();

        var progress = await _db.NewStore(scope).GetAsync(_learner, "policy-basics");

        Assert.False(progress.Started);
        Assert.Equal(StepProgress.None, progress.Step("deploy"));
    }

    [Fact]
    public async Task Visits_move_the_current_step_and_are_remembered_in_any_order()
    {
        await using (var scope = _db.Scope())
        {
            var store = _db.NewStore(scope);
            await store.RecordVisitAsync(_learner, "policy-basics", "verify");
            await store.RecordVisitAsync(_learner, "policy-basics", "deploy");
        }

        await using var read = _db.Scope();
        var progress = await _db.NewStore(read).GetAsync(_learner, "policy-basics");
        Assert.Equal("deploy", progress.CurrentStepId);
        Assert.True(progress.Step("verify").Visited);
        Assert.True(progress.Step("deploy").Visited);
        Assert.False(progress.Step("deny").Visited);
    }

    [Fact]
    public async Task Hints_are_revealed_one_at_a_time_and_never_past_the_last()
    {
        await using var scope = _db.Scope();
        var store = _db.NewStore(scope);

        var counts = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            counts.Add(await store.RevealNextHintAsync(_learner, "policy-basics", "deploy", hintCount: 2));
        }

        Assert.Equal([1, 2, 2, 2], counts);
        Assert.Equal(2, (await store.GetAsync(_learner, "policy-basics")).Step("deploy").HintsRevealed);
    }

    [Fact]
    public async Task A_step_without_hints_reveals_none()
    {
        await using var scope = _db.Scope();

        Assert.Equal(0, await _db.NewStore(scope).RevealNextHintAsync(_learner, "policy-basics", "deny", hintCount: 0));
    }

    [Fact]
    public async Task Completion_and_solution_are_kept_and_completion_can_be_undone()
    {
        await using var scope = _db.Scope();
        var store = _db.NewStore(scope);

        await store.SetCompletedAsync(_learner, "policy-basics", "deploy", completed: true);
        await store.SetCompletedAsync(_learner, "policy-basics", "deny", completed: true);
        await store.SetCompletedAsync(_learner, "policy-basics", "deny", completed: false);
        await store.ShowSolutionAsync(_learner, "policy-basics", "deny");

        var progress = await store.GetAsync(_learner, "policy-basics");
        Assert.True(progress.Step("deploy").Completed);
        Assert.False(progress.Step("deny").Completed);
        Assert.True(progress.Step("deny").SolutionShown);
        Assert.Equal(1, progress.CompletedCount);
        Assert.Equal(new Dictionary<string, int> { ["policy-basics"] = 1 }, await store.CompletedStepsByLabAsync(_learner));
    }

    [Fact]
    public async Task Learners_do_not_see_each_others_progress()
    {
        var other = LearnerId.New();
        await using var scope = _db.Scope();
        var store = _db.NewStore(scope);

        await store.RevealNextHintAsync(_learner, "policy-basics", "deploy", hintCount: 2);
        await store.RecordVisitAsync(other, "hubble-tour", "observe");

        Assert.False((await store.GetAsync(other, "policy-basics")).Started);
        Assert.Equal(["hubble-tour"], (await store.CompletedStepsByLabAsync(other)).Keys);
        Assert.Equal(1, (await store.GetAsync(_learner, "policy-basics")).Step("deploy").HintsRevealed);
    }

    [Fact]
    public async Task Concurrent_writes_for_one_learner_all_land()
    {
        // Two tabs or a double click: every reveal is counted once, none fails on "row already exists".
        var tasks = Enumerable.Range(0, 6).Select(async _ =>
        {
            await using var scope = _db.Scope();
            return await _db.NewStore(scope).RevealNextHintAsync(_learner, "policy-basics", "deploy", hintCount: 10);
        });
        await Task.WhenAll(tasks);

        await using var read = _db.Scope();
        Assert.Equal(6, (await _db.NewStore(read).GetAsync(_learner, "policy-basics")).Step("deploy").HintsRevealed);
    }
}
