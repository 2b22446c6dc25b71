using LabSite.Grader.Results;
using LabSite.Web.Tests.Support;
using LabSite.Web.Workshops.Room;

namespace LabSite.Web.Tests.Workshops.Room;

/// <summary>The room's own logic: pacing, the summary, take-over consent, presence.</summary>
public sealed class WorkshopRoomTests
{
    private static readonly string[] s_labs = ["policy-basics", "hubble-tour"];

    private static RoomSettings Settings(PaceLock? pace = null) => new("Policy 101", s_labs, DateTimeOffset.UnixEpoch.AddDays(1), pace, null, null);

    [Fact]
    public void A_pace_lock_opens_its_step_and_those_before_and_closes_later_steps_and_later_labs()
    {
        var policy = TestLabs.Policy();
        var pace = new PaceLock("policy-basics", "deny", 2, "Deny the xwing");

        Assert.True(pace.Allows(s_labs, "policy-basics", policy.Steps[0]));
        Assert.True(pace.Allows(s_labs, "policy-basics", policy.Steps[1]));
        Assert.False(pace.Allows(s_labs, "policy-basics", policy.Steps[2]));
        Assert.False(pace.Allows(s_labs, "hubble-tour", TestLabs.Observability().Steps[0]));
        // Locked in the second lab: the first is all open.
        var later = new PaceLock("hubble-tour", "observe", 1, "Observe flows");
        Assert.True(later.Allows(s_labs, "policy-basics", policy.Steps[2]));
    }

    [Fact]
    public void The_summary_counts_attendees_per_step_and_ranks_failing_checks()
    {
        static CheckResult Result(string id, CheckOutcome o) => new(id, id + " title", o, "", "", []);
        static RosterRow Row(string id, int step, params CheckResult[] checks) => new(
            id, 1, id, true, step == 0 ? null : "policy-basics", step == 0 ? null : "s" + step, step == 0 ? null : "Step " + step, step, 3,
            checks, null, null, null, null, 0, false);
        var roster = new Roster(
        [
            Row("ada", 2, Result("a", CheckOutcome.Failed), Result("b", CheckOutcome.Passed)),
            Row("bob", 2, Result("a", CheckOutcome.Failed), Result("b", CheckOutcome.Failed)),
            Row("cyd", 1, Result("c", CheckOutcome.CannotCheck)),
            Row("dan", 0),
        ], DateTimeOffset.UnixEpoch, null);

        Assert.Equal([("policy-basics", 1, "Step 1", 1), ("policy-basics", 2, "Step 2", 2)], roster.PerStep);
        Assert.Equal([("a title", 2), ("b title", 1)], roster.MostFailing(5));
        Assert.True(roster.Rows[0] is { AllPassed: false, Passing: 1 });
    }

    [Fact]
    public void Input_from_a_shadow_is_allowed_only_between_the_attendees_consent_and_its_revocation()
    {
        var room = new WorkshopRoom("w", Settings());
        var changes = 0;
        room.Changed += () => changes++;

        Assert.False(room.GrantTakeover("ada")); // nobody asked: a stray grant grants nothing
        Assert.False(room.InputAllowed("ada"));
        room.RequestTakeover("ada", "teacher@example.org");
        Assert.False(room.InputAllowed("ada"));
        Assert.True(room.GrantTakeover("ada"));
        Assert.True(room.InputAllowed("ada"));
        Assert.False(room.InputAllowed("bob"));
        room.EndTakeover("ada");
        Assert.False(room.InputAllowed("ada"));

        room.RequestTakeover("bob", "teacher@example.org");
        room.GrantTakeover("bob");
        room.Reset("bob"); // a reset ends a take-over: the new terminal is the attendee's again
        Assert.False(room.InputAllowed("bob"));
        Assert.Equal(1, room.ResetsOf("bob"));
        Assert.Equal(7, changes);
    }

    [Fact]
    public void Presence_counts_open_players_and_viewers_and_a_handle_disposed_twice_counts_once()
    {
        var room = new WorkshopRoom("w", Settings());
        var first = room.Enter("ada");
        var second = room.Enter("ada");
        var viewer = room.Watch();
        Assert.True(room.IsPresent("ada"));
        Assert.Equal(1, room.Viewers);

        first.Dispose();
        first.Dispose();
        Assert.True(room.IsPresent("ada"));
        second.Dispose();
        Assert.False(room.IsPresent("ada"));
        viewer.Dispose();
        Assert.Equal(0, room.Viewers);
    }
}
