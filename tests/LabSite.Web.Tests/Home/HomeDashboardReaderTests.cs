using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Model;
using LabSite.Web.Home;
using LabSite.Web.Progress;
using LabSite.Web.Tests.Support;

namespace LabSite.Web.Tests.Home;

public sealed class HomeDashboardReaderTests
{
    private static readonly SourceLocation s_at = new("bp.yaml", 1, 1);

    private static LabPlace Place(string? current, params string[] done) =>
        new("policy-basics", current, DateTimeOffset.UnixEpoch, done.ToHashSet());

    [Theory]
    [InlineData("deny", new string[0], "deny")]
    [InlineData("deny", new[] { "deny" }, "verify")]
    [InlineData("verify", new[] { "deploy", "verify" }, "deny")]
    [InlineData("no-such-step", new[] { "deploy" }, "deny")]
    [InlineData(null, new string[0], "deploy")]
    public void Next_step_is_the_current_unfinished_one_else_the_next_unfinished_else_the_first(string? current, string[] done, string expected) =>
        Assert.Equal(expected, HomeDashboardReader.NextStep(TestLabs.Policy(), Place(current, done))!.Id);

    [Fact]
    public void A_lab_with_every_step_done_has_no_next_step() =>
        Assert.Null(HomeDashboardReader.NextStep(TestLabs.Policy(), Place("verify", "deploy", "deny", "verify")));

    [Fact]
    public void Topics_are_named_by_the_newest_curriculum_that_has_the_domain_and_labs_without_one_come_last()
    {
        var newer = Blueprint("new", new BlueprintDomain("network-policy", "Policy (new name)", 50, [], s_at));
        var older = Blueprint("old",
            new BlueprintDomain("network-policy", "Network Policy", 50, [], s_at),
            new BlueprintDomain("network-observability", "Network Observability", 50, [], s_at));
        var loose = TestLabs.Observability() with { Meta = TestLabs.Observability().Meta with { Id = "loose", CcaDomains = [] } };

        var topics = HomeDashboardReader.Topics([TestLabs.Policy(), TestLabs.Observability(), loose], [newer, older]);

        Assert.Equal(["Network Observability", "Policy (new name)", HomeDashboardReader.OtherTopicName], topics.Select(t => t.Name));
        Assert.Equal(["loose"], topics[2].Labs.Select(l => l.Id));
    }

    private static ExamBlueprint Blueprint(string id, params BlueprintDomain[] domains) =>
        new(id, id, new DateOnly(2026, 1, 1), 10, 10, 75, domains, s_at);
}
