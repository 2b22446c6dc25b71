using LabSite.Scenarios.Model;
using LabSite.Web.Clusters;

namespace LabSite.Web.Tests.Clusters;

/// <summary>What the learner is told after a restore: which steps were replayed, which were not, and why.</summary>
public class ClusterRestoreReportTests
{
    private static readonly LabStep[] s_steps = new[] { "deploy", "land", "identities", "l3-l4", "l7" }.Select((id, i) => Step(id, i)).ToArray();

    private static readonly DateTimeOffset s_at = new(2026, 11, 22, 14, 0, 0, TimeSpan.Zero);

    private static LabStep Step(string id, int index) =>
        new(id, id, index, "", [], [], new StepSolution("", [$"kubectl apply -f {id}.yaml"]), [], new SourceLocation("lab.md", index + 1, 1));

    private static ClusterRestoreReport Report(RestoreReason reason, int[] completed, int[] replayed, int[] skipped, ReplayFailure? failure = null) =>
        new("starwars", reason, s_at, [.. completed.Select(i => s_steps[i])], [.. replayed.Select(i => s_steps[i])], [.. skipped.Select(i => s_steps[i])], failure);

    [Fact]
    public void Consecutive_steps_replayed_after_expiry_are_named_as_a_range()
    {
        var report = Report(RestoreReason.Expired, [0, 1, 2], [0, 1, 2], []);

        Assert.True(report.Succeeded);
        Assert.Equal(
            "Your cluster had expired. A new one was created and the solutions of steps 1–3 (deploy, land, identities) were replayed; "
            + "your own changes beyond those were not kept. Files in your lab folder were kept.",
            report.Summary);
    }

    [Fact]
    public void Steps_left_out_in_between_are_named_and_the_lab_order_is_stated()
    {
        var report = Report(RestoreReason.NotRunning, [0, 2, 3], [0, 2, 3], [1]);

        Assert.Equal(
            "Your cluster was no longer running (the lab agent restarted, or the cluster was deleted). A new one was created and the "
            + "solutions of steps 1, 3 and 4 (deploy, identities, l3-l4) were replayed; your own changes beyond those were not kept. "
            + "Step 2 (land) was not completed, so only the completed steps were replayed, in lab order. Files in your lab folder were kept.",
            report.Summary);
    }

    [Fact]
    public void A_failing_solution_names_the_step_the_command_and_what_was_not_replayed()
    {
        var failure = new ReplayFailure(s_steps[2], "kubectl apply -f identities.yaml\nkubectl get pods", 1, "error: the path \"identities.yaml\" does not exist");
        var report = Report(RestoreReason.Expired, [0, 1, 2, 3], [0, 1], [], failure);

        Assert.False(report.Succeeded);
        Assert.Equal([s_steps[2], s_steps[3]], report.NotReplayed);
        Assert.Equal(
            "Your cluster had expired. A new one was created, but replaying the solution of step 3 (identities) failed: "
            + "`kubectl apply -f identities.yaml …` exited with 1. The replay stopped there: the cluster has the solutions of "
            + "steps 1–2 (deploy, land); steps 3–4 (identities, l3-l4) were not replayed. Run those steps' commands yourself to continue. "
            + "Files in your lab folder were kept.",
            report.Summary);
    }

    [Fact]
    public void A_first_step_that_does_not_complete_leaves_nothing_replayed()
    {
        var failure = new ReplayFailure(s_steps[0], "kubectl apply -f deploy.yaml", -1, "the replay did not finish within 00:10:00");
        var report = Report(RestoreReason.NotRunning, [0], [], [], failure);

        Assert.Contains("replaying the solution of step 1 (deploy) failed: `kubectl apply -f deploy.yaml` did not complete.", report.Summary);
        Assert.Contains("The replay stopped there: nothing was replayed before it; step 1 (deploy) was not replayed.", report.Summary);
    }

    [Fact]
    public void An_expired_cluster_with_no_completed_step_says_nothing_was_replayed()
    {
        var report = Report(RestoreReason.Expired, [], [], []);

        Assert.Equal(
            "Your cluster had expired. A new one was created; you had completed no step yet, so nothing was replayed. Files in your lab folder were kept.",
            report.Summary);
    }
}
