using Bunit;
using LabSite.Grader.Results;
using LabSite.Web.Labs;
using LabSite.Web.Tests.Support;
using LabSite.Web.Workshops.Components;
using LabSite.Web.Workshops.Room;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Interactive;

/// <summary>The console and the attendee's bar rendered with bunit against a seeded room: each state an instructor or attendee meets.</summary>
public sealed class InstructorConsoleTests : PlayerTestContext
{
    private const string WorkshopId = "0123456789abcdef0123456789abcdef";
    private readonly FakeRoomActions _actions = new();
    private readonly LabSite.Web.Workshops.Webhooks.WebhookLog _webhooks = new();
    private readonly WorkshopRoom _room;

    public InstructorConsoleTests()
    {
        // The room is seeded, so the rooms never read a store: an empty provider's scopes suffice.
        var rooms = new WorkshopRooms(new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), new LabCatalogSource(TestLabs.Catalog()));
        _room = rooms.Seed(WorkshopId, new RoomSettings("Policy 101", ["policy-basics"], Clock.GetUtcNow().AddHours(2), null, null, null));
        Services.AddSingleton(new LabCatalogSource(TestLabs.Catalog()));
        Services.AddSingleton(rooms);
        Services.AddSingleton<IRoomActions>(_actions);
        Services.AddSingleton(_webhooks);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private static CheckResult Check(string id, CheckOutcome outcome, string? title = null) => new(id, title ?? id, outcome, "expected", "observed", []);

    private RosterRow Row(string id, int seat, string name, int step = 1, IReadOnlyList<CheckResult>? checks = null, string? problem = null,
        bool connected = true, bool stuck = false, DateTimeOffset? hand = null) => new(
        id, seat, name, connected, step == 0 ? null : "policy-basics", step == 0 ? null : TestLabs.Policy().Steps[step - 1].Id,
        step == 0 ? null : TestLabs.Policy().Steps[step - 1].Title, step, 3, checks ?? [], problem,
        step == 0 ? null : Clock.GetUtcNow().AddMinutes(-12), null, hand, 0, stuck);

    private IRenderedComponent<InstructorConsole> RenderConsole() =>
        Render<InstructorConsole>(p => p.Add(c => c.WorkshopId, WorkshopId).Add(c => c.StaffName, "teacher@example.org"));

    [Fact]
    public void Before_anyone_joins_and_before_the_first_grading_the_console_says_so_and_asks_for_a_roster()
    {
        var cut = RenderConsole();

        Assert.Contains("Nobody has joined yet", cut.Find("#roster-empty").TextContent);
        Assert.Contains("Not checked yet", cut.Find("#roster-graded").TextContent);
        Assert.Equal([WorkshopId], _actions.Refreshed);
        Assert.Equal(1, _room.Viewers);
        cut.Instance.Dispose();
        Assert.Equal(0, _room.Viewers);
    }

    [Fact]
    public void Rows_show_each_check_live_and_a_gone_cluster_or_an_ungraded_step_says_why()
    {
        var cut = RenderConsole();
        _room.Publish(new Roster(
        [
            Row("ada", 1, "Ada", checks: [Check("web-exists", CheckOutcome.Failed), Check("policy", CheckOutcome.Passed)]),
            Row("bob", 2, "Bob", step: 2, checks: [Check("web-exists", CheckOutcome.CannotCheck)],
                problem: "No cluster is running for this lab yet, so nothing can be checked.", connected: false),
            Row("cyd", 3, "Cyd", step: 3),
            Row("dan", 4, "Dan", step: 0),
        ], Clock.GetUtcNow(), Clock.GetUtcNow()));

        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("#roster tbody tr").Count));
        Assert.Contains("check--failed", cut.Find("#roster-ada-web-exists").ClassName);
        Assert.Contains("check--passed", cut.Find("#roster-ada-policy").ClassName);
        // Bob's cluster is gone: the grader cannot check, and the row says why instead of showing failures.
        Assert.Contains("check--unknown", cut.Find("#roster-bob-web-exists").ClassName);
        Assert.Contains("No cluster is running", cut.Find("#roster-bob .roster__problem").TextContent);
        Assert.Equal("idle", cut.Find("#roster-bob .presence").TextContent);
        Assert.Equal("not checked yet", cut.Find("#roster-cyd .roster__checks").TextContent.Trim());
        Assert.Equal("not started", cut.Find("#roster-dan .roster__step").TextContent);
        Assert.Contains("web-exists: 1", cut.Find("#summary-failing").TextContent);
        Assert.Contains("policy-basics step 1 (Deploy the app): 1", cut.Find("#summary-steps").TextContent);

        // Ada's failing check goes green: the console follows without any click.
        _room.Publish(new Roster(
            [Row("ada", 1, "Ada", checks: [Check("web-exists", CheckOutcome.Passed), Check("policy", CheckOutcome.Passed)])],
            Clock.GetUtcNow(), Clock.GetUtcNow()));
        cut.WaitForAssertion(() => Assert.Contains("check--passed", cut.Find("#roster-ada-web-exists").ClassName));
        Assert.Contains("No check is failing", cut.Find("#room-summary").TextContent);
    }

    [Fact]
    public void Stuck_and_raised_hands_filter_and_sort()
    {
        var cut = RenderConsole();
        _room.Publish(new Roster(
        [
            Row("ada", 1, "Ada", stuck: true, checks: [Check("web-exists", CheckOutcome.Failed)]),
            Row("bob", 2, "Bob", hand: Clock.GetUtcNow().AddMinutes(-1)),
            Row("cyd", 3, "Cyd", hand: Clock.GetUtcNow().AddMinutes(-5)),
        ], Clock.GetUtcNow(), Clock.GetUtcNow()));
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("#roster tbody tr").Count));
        Assert.Contains("stuck", cut.Find("#roster-ada").TextContent);
        Assert.Contains("1 stuck", cut.Find("#room-counts").TextContent);

        cut.Find("#roster-stuck-only").Change(true);
        Assert.Equal(["Ada"], cut.FindAll("#roster tbody tr").Select(r => r.GetAttribute("data-name")));
        cut.Find("#roster-stuck-only").Change(false);
        cut.Find("#roster-hands-only").Change(true);
        cut.Find("#roster-sort").Change(InstructorConsole.RosterSort.Hands.ToString());
        Assert.Equal(["Cyd", "Bob"], cut.FindAll("#roster tbody tr").Select(r => r.GetAttribute("data-name")));
        cut.Find("#roster-hands-only").Change(false);
        cut.Find("#roster-filter").Input("cy");
        Assert.Equal(["Cyd"], cut.FindAll("#roster tbody tr").Select(r => r.GetAttribute("data-name")));
    }

    [Fact]
    public void Reset_asks_for_confirmation_and_pace_broadcast_and_refusals_are_reported()
    {
        var cut = RenderConsole();
        _room.Publish(new Roster([Row("ada", 1, "Ada")], Clock.GetUtcNow(), null));
        cut.WaitForAssertion(() => cut.Find("#roster-ada"));

        cut.Find("#roster-ada .button--danger").Click();
        Assert.Empty(_actions.Calls);
        Assert.Contains("Confirm reset", cut.Find("#roster-ada .button--danger").TextContent);
        cut.Find("#roster-ada .button--danger").Click();
        cut.WaitForAssertion(() => Assert.Equal(["reset ada"], _actions.Calls));

        cut.Find("#pace-step").Change(2);
        cut.Find("#pace-lock").Click();
        cut.WaitForAssertion(() => Assert.Contains("pace policy-basics 2", _actions.Calls));

        _actions.Refuse = "message: must be 1 to 500 printable characters on one line";
        cut.Find("#broadcast-text").Change("hello");
        cut.Find("#broadcast-send").Click();
        cut.WaitForAssertion(() => Assert.Equal("Refused: message: must be 1 to 500 printable characters on one line", cut.Find("#console-status").TextContent));
    }

    [Fact]
    public void The_attendee_bar_shows_the_broadcast_and_pace_and_a_take_over_needs_their_consent()
    {
        var bar = Render<AttendeeBar>(p => p.Add(c => c.WorkshopId, WorkshopId).Add(c => c.AttendeeId, "ada").Add(c => c.Learner, Learner));
        Assert.True(_room.IsPresent("ada"));
        Assert.Empty(bar.FindAll("#broadcast"));

        _room.Update(_room.Settings with { Broadcast = "Break until 10:30", BroadcastAt = Clock.GetUtcNow(), Pace = new PaceLock("policy-basics", "deny", 2, "Deny the xwing") });
        bar.WaitForAssertion(() => Assert.Contains("Break until 10:30", bar.Find("#broadcast").TextContent));
        Assert.Contains("paused the room at step 2 (Deny the xwing)", bar.Find("#pace-notice").TextContent);

        _room.RequestTakeover("ada", "teacher@example.org");
        bar.WaitForAssertion(() => Assert.Contains("teacher@example.org asks to type in your terminal", bar.Find("#takeover").TextContent));
        Assert.False(_room.InputAllowed("ada"));
        bar.Find("#takeover-allow").Click();
        Assert.True(_room.InputAllowed("ada"));
        bar.WaitForAssertion(() => bar.Find("#takeover-revoke").Click());
        Assert.False(_room.InputAllowed("ada"));

        bar.Find("#raise-hand").Click();
        Assert.Equal(["hand ada True"], _actions.Calls);
        Assert.Equal("true", bar.Find("#raise-hand").GetAttribute("aria-pressed"));

        bar.Instance.Dispose();
        Assert.False(_room.IsPresent("ada"));
    }

    [Fact]
    public void The_instructor_pauses_and_resumes_the_clock_and_paused_time_stands_still_on_the_console()
    {
        var cut = RenderConsole();
        Assert.Equal("2 h 00 left: ends at 14:00 UTC.", cut.Find("#clock-status").TextContent);

        cut.Find("#clock-pause").Click();
        cut.WaitForAssertion(() => Assert.Equal(["clock paused=True"], _actions.Calls));
        Assert.Equal("clock paused=True done", cut.Find("#console-status").TextContent);

        // The store paused it: the room says so, and the time left no longer runs.
        _room.Update(_room.Settings with { PausedAt = Clock.GetUtcNow() });
        Clock.Advance(TimeSpan.FromMinutes(25));
        _room.Publish(Roster.Empty); // any room change re-renders
        cut.WaitForAssertion(() => Assert.Equal("Paused with 2 h 00 left: the paused time does not count.", cut.Find("#clock-status").TextContent));
        Assert.Empty(cut.FindAll("#clock-pause"));

        cut.Find("#clock-resume").Click();
        cut.WaitForAssertion(() => Assert.Equal(["clock paused=True", "clock paused=False"], _actions.Calls));
        // Resumed: the store moved the end by the 25 paused minutes.
        _room.Update(_room.Settings with { PausedAt = null, EndsAt = _room.Settings.EndsAt.AddMinutes(25) });
        cut.WaitForAssertion(() => Assert.Equal("2 h 00 left: ends at 14:25 UTC.", cut.Find("#clock-status").TextContent));
    }

    [Fact]
    public void The_attendee_sees_the_time_left_count_down_and_stand_still_while_paused()
    {
        var bar = Render<AttendeeBar>(p => p.Add(c => c.WorkshopId, WorkshopId).Add(c => c.AttendeeId, "ada").Add(c => c.Learner, Learner));
        Assert.Equal("2 h 00 left (until 14:00 UTC)", bar.Find("#time-left").TextContent.Trim());

        Clock.Advance(TimeSpan.FromMinutes(61)); // the bar's own tick re-renders it
        bar.WaitForAssertion(() => Assert.Equal("59 min left (until 14:00 UTC)", bar.Find("#time-left").TextContent.Trim()));

        _room.Update(_room.Settings with { PausedAt = Clock.GetUtcNow() });
        Clock.Advance(TimeSpan.FromMinutes(30));
        bar.WaitForAssertion(() => Assert.Equal("⏸ Paused by your instructor: 59 min left", bar.Find("#time-left").TextContent.Trim()));

        _room.Update(_room.Settings with { PausedAt = null, EndsAt = _room.Settings.EndsAt.AddMinutes(30) });
        bar.WaitForAssertion(() => Assert.Equal("59 min left (until 14:30 UTC)", bar.Find("#time-left").TextContent.Trim()));
        Clock.Advance(TimeSpan.FromHours(3));
        bar.WaitForAssertion(() => Assert.Equal("0 s left (until 14:30 UTC)", bar.Find("#time-left").TextContent.Trim()));
    }

    [Fact]
    public void The_instructor_sets_the_webhook_and_sees_deliveries_and_failures_as_they_happen()
    {
        var cut = RenderConsole();
        Assert.Equal("No deliveries yet.", cut.Find("#webhook-deliveries-empty").TextContent);

        cut.Find("#webhook-url").Change("https://example.org/hook");
        cut.Find("#webhook-save").Click();
        cut.WaitForAssertion(() => Assert.Equal(["webhook https://example.org/hook"], _actions.Calls));

        var at = Clock.GetUtcNow();
        _webhooks.Add(WorkshopId, new("d1", "attendee.joined", at, 1, 500, false, "HTTP 500; retrying in 00:00:02"));
        _webhooks.Add(WorkshopId, new("d1", "attendee.joined", at.AddSeconds(2), 2, 200, true, "delivered (200)"));
        _webhooks.Add("another-workshop", new("d2", "event.started", at, 1, 200, true, "delivered (200)"));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("#webhook-deliveries tbody tr").Count));
        var rows = cut.FindAll("#webhook-deliveries tbody tr");
        Assert.Equal("12:00:02attendee.joined2delivered (200)", rows[0].TextContent);
        Assert.Equal("12:00:00attendee.joined1HTTP 500; retrying in 00:00:02", rows[1].TextContent);
        Assert.Contains("check--failed", rows[1].ClassName);

        cut.Find("#webhook-off").Click();
        cut.WaitForAssertion(() => Assert.Equal("webhook ", _actions.Calls[^1]));
    }

    private sealed class FakeRoomActions : IRoomActions
    {
        public List<string> Calls { get; } = [];

        public List<string> Refreshed { get; } = [];

        public string? Refuse { get; set; }

        private Task<RoomActions.Outcome> Answer(string call)
        {
            Calls.Add(call);
            return Task.FromResult(Refuse is { } why ? RoomActions.Outcome.Refused(why) : new RoomActions.Outcome(true, call + " done"));
        }

        public Task<RoomActions.Outcome> ResetAsync(string workshopId, string attendeeId, CancellationToken ct = default) => Answer($"reset {attendeeId}");

        public Task<RoomActions.Outcome> CatchUpAsync(string workshopId, string attendeeId, string? labId, int stepNumber, CancellationToken ct = default) => Answer($"catchup {attendeeId} {stepNumber}");

        public Task<RoomActions.Outcome> ExtendAsync(string workshopId, string? attendeeId, int minutes, CancellationToken ct = default) => Answer($"extend {attendeeId} {minutes}");

        public Task<RoomActions.Outcome> BroadcastAsync(string workshopId, string? text, CancellationToken ct = default) => Answer($"broadcast {text}");

        public Task<RoomActions.Outcome> SetWebhookAsync(string workshopId, string? url, CancellationToken ct = default) => Answer($"webhook {url}");

        public Task<RoomActions.Outcome> SetClockAsync(string workshopId, bool paused, CancellationToken ct = default) => Answer($"clock paused={paused}");

        public Task<RoomActions.Outcome> PaceAsync(string workshopId, string? labId, int stepNumber, CancellationToken ct = default) => Answer($"pace {labId} {stepNumber}");

        public Task SetHandAsync(string workshopId, string attendeeId, bool raised, CancellationToken ct = default)
        {
            Calls.Add($"hand {attendeeId} {raised}");
            return Task.CompletedTask;
        }

        public Task<bool> HandRaisedAsync(string workshopId, string attendeeId, CancellationToken ct = default) => Task.FromResult(false);

        public void Refresh(string workshopId) => Refreshed.Add(workshopId);
    }
}
