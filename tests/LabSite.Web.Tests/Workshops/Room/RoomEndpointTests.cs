using System.Net;
using System.Net.WebSockets;
using System.Text;
using AngleSharp.Dom;
using LabSite.Web.Progress;
using LabSite.Web.Tests.Support;
using LabSite.Web.Workshops;
using LabSite.Web.Workshops.Data;
using LabSite.Web.Workshops.Room;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Workshops.Room;

/// <summary>
/// The console's routes and the shadow terminal on the real site pipeline (TestServer, SQLite), attacked: attendees on
/// instructor routes, an instructor of another event, forged cookies, input typed into a shadow.
/// </summary>
public sealed class RoomEndpointTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private TestSite _site = null!;
    private string _files = null!;
    private WorkshopRow _ours = null!;
    private WorkshopRow _theirs = null!;

    public async Task InitializeAsync()
    {
        _files = Directory.CreateTempSubdirectory("labsite-room-files-").FullName;
        File.WriteAllText(Path.Combine(_files, "app.yaml"), "kind: Pod\n");
        var lab = TestLabs.Policy() with { Files = [new("app.yaml", Path.Combine(_files, "app.yaml"))] };
        _site = await TestSite.StartAsync(new("/content/labs", [lab, TestLabs.Observability()], []));
        await using var scope = _site.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<WorkshopStore>();
        var start = DateTime.UtcNow.AddMinutes(-5);
        _ours = await store.CreateAsync(new WorkshopSpec("Ours", [lab.Id], start, start.AddHours(2), 5), _ => true);
        _theirs = await store.CreateAsync(new WorkshopSpec("Theirs", [lab.Id], start, start.AddHours(2), 5), _ => true);
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_files, recursive: true);
    }

    private static string FormToken(IDocument page) => page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

    private static async Task<HttpResponseMessage> PostFormAsync(TestSite.Browser browser, string formPage, string action, params (string, string)[] fields)
    {
        var token = FormToken(await browser.GetPageAsync(formPage));
        return await browser.Http.PostAsync(action, new FormUrlEncodedContent([.. fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)), KeyValuePair.Create("__RequestVerificationToken", token)]));
    }

    private async Task<TestSite.Browser> AttendeeAsync(WorkshopRow workshop, string name)
    {
        var browser = _site.NewBrowser();
        var joined = await PostFormAsync(browser, "/join/" + workshop.JoinCode, WorkshopEndpoints.JoinRoute, ("code", workshop.JoinCode), ("name", name));
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        await browser.GetPageAsync("/labs/policy-basics/steps/deploy");
        return browser;
    }

    /// <summary>An admin (first run), then an instructor from an invite who is staff of <see cref="_ours"/> only.</summary>
    private async Task<TestSite.Browser> InstructorOfOursAsync()
    {
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(_site.NewBrowser(), InstructorEndpoints.SignInPath, "/instructors/setup", ("email", "admin@example.org"), ("password", Password))).StatusCode);
        string token;
        await using (var scope = _site.Services.CreateAsyncScope())
        {
            token = await scope.ServiceProvider.GetRequiredService<InstructorAccounts>().InviteAsync(InstructorAccounts.Instructor, TimeSpan.FromDays(1));
        }
        var instructor = _site.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(instructor, InstructorEndpoints.SignInPath, "/instructors/redeem", ("token", token), ("email", "teacher@example.org"), ("password", Password))).StatusCode);
        await using (var scope = _site.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<WorkshopStore>().AddStaffAsync(_ours.Id, "teacher@example.org"));
            Assert.False(await scope.ServiceProvider.GetRequiredService<WorkshopStore>().AddStaffAsync(_ours.Id, "nobody@example.org"));
        }
        return instructor;
    }

    private async Task<string> AttendeeIdAsync(WorkshopRow workshop, string name)
    {
        await using var scope = _site.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<WorkshopStore>().FindAsync(workshop.Id))!.Attendees.Single(a => a.DisplayName == name).Id;
    }

    private Task<WebSocket> ConnectAsync(string path, string cookieHeader)
    {
        var client = _site.NewWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Cookie = cookieHeader;
        return client.ConnectAsync(new Uri("ws://localhost" + path), CancellationToken.None);
    }

    private static Task SendAsync(WebSocket socket, string data) => socket.SendAsync(
        Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { type = "input", data })), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Reads until <paramref name="expected"/> has been printed (bounded by a timeout that fails the test, not asserted on).</summary>
    private static async Task<string> ReadUntilAsync(WebSocket socket, StringBuilder seen, string expected)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!seen.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }
            seen.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        return seen.ToString();
    }

    [Fact]
    public async Task An_attendee_or_a_forged_cookie_on_console_routes_is_sent_to_sign_in_and_gets_no_shadow()
    {
        var ada = await AttendeeAsync(_ours, "Ada");
        var adaId = await AttendeeIdAsync(_ours, "Ada");
        var forged = _site.NewBrowser();
        forged.Http.DefaultRequestHeaders.Add("Cookie", "labsite-instructor=CfDJ8forgedforgedforged; labsite-attendee=forged");

        foreach (var browser in new[] { ada, forged })
        {
            foreach (var path in new[] { "/workshops", RoomEndpoints.Console(_ours.Id), RoomEndpoints.ShadowPage(_ours.Id, adaId) })
            {
                var response = await browser.Http.GetAsync(path);
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.StartsWith("http://localhost" + InstructorEndpoints.SignInPath, response.Headers.Location!.ToString());
            }
        }
        // The shadow socket: the handshake is refused before any upgrade (the sign-in redirect, not 101).
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync($"/workshops/{_ours.Id}/attendees/{adaId}/terminal", ada.CookieHeader));
        Assert.Contains("302", refused.Message);
    }

    [Fact]
    public async Task An_instructor_runs_their_event_only_and_cannot_shadow_another_events_attendee()
    {
        var teacher = await InstructorOfOursAsync();
        await AttendeeAsync(_ours, "Ada");
        await AttendeeAsync(_theirs, "Mallory");
        var malloryId = await AttendeeIdAsync(_theirs, "Mallory");

        var list = await teacher.GetPageAsync("/workshops");
        Assert.Equal(["Ours"], list.QuerySelectorAll(".workshop-list a").Select(a => a.TextContent));
        var console = await teacher.GetPageAsync(RoomEndpoints.Console(_ours.Id));
        Assert.Equal(_ours.JoinCode, console.QuerySelector("#join-code")!.TextContent);
        Assert.NotNull(console.QuerySelector("#console"));

        // Another event, and one that does not exist, answer alike.
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.Http.GetAsync(RoomEndpoints.Console(_theirs.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.Http.GetAsync(RoomEndpoints.Console("nope"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.Http.GetAsync(RoomEndpoints.ShadowPage(_theirs.Id, malloryId))).StatusCode);
        // Their attendee under our event's id, and under theirs: no shadow either way.
        foreach (var path in new[] { $"/workshops/{_ours.Id}/attendees/{malloryId}/terminal", $"/workshops/{_theirs.Id}/attendees/{malloryId}/terminal" })
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(path, teacher.CookieHeader));
            Assert.Contains("404", refused.Message);
        }

        // The admin runs every event.
        var admin = _site.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(admin, InstructorEndpoints.SignInPath, InstructorEndpoints.SignInPath, ("email", "admin@example.org"), ("password", Password))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync(RoomEndpoints.Console(_theirs.Id))).StatusCode);
    }

    [Fact]
    public async Task A_shadow_sees_the_attendees_terminal_and_its_input_is_dropped_on_the_server_until_the_attendee_consents()
    {
        var teacher = await InstructorOfOursAsync();
        var ada = await AttendeeAsync(_ours, "Ada");
        var adaId = await AttendeeIdAsync(_ours, "Ada");
        var shadowPath = $"/workshops/{_ours.Id}/attendees/{adaId}/terminal";

        // No terminal open yet: a clear 404, no socket.
        Assert.Contains("404", (await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(shadowPath, teacher.CookieHeader))).Message);

        using var own = await ConnectAsync("/labs/policy-basics/terminal", ada.CookieHeader);
        var ownScreen = new StringBuilder();
        await ReadUntilAsync(own, ownScreen, "$ ");
        using var shadow = await ConnectAsync(shadowPath, teacher.CookieHeader);
        var shadowScreen = new StringBuilder();
        await ReadUntilAsync(shadow, shadowScreen, "$ ");

        // The instructor types before consent: the server drops it. The attendee types: both screens show it.
        await SendAsync(shadow, "echo in-by-the-instructor\r");
        await SendAsync(own, "echo typed-by-ada\r");
        await ReadUntilAsync(shadow, shadowScreen, "typed-by-ada\r\n");
        await ReadUntilAsync(own, ownScreen, "typed-by-ada\r\n");
        await SendAsync(own, "echo marker-one\r");
        await ReadUntilAsync(own, ownScreen, "marker-one\r\n");
        Assert.DoesNotContain("in-by-the-instructor", ownScreen.ToString());
        Assert.DoesNotContain("in-by-the-instructor", shadowScreen.ToString());

        // Ada accepts a take-over: the instructor's keys reach her shell; she revokes: they stop again.
        var room = (await _site.Services.GetRequiredService<WorkshopRooms>().GetAsync(_ours.Id))!;
        room.RequestTakeover(adaId, "teacher@example.org");
        Assert.True(room.GrantTakeover(adaId));
        await SendAsync(shadow, "echo helped-by-teacher\r");
        await ReadUntilAsync(own, ownScreen, "helped-by-teacher\r\n");
        room.EndTakeover(adaId);
        await SendAsync(shadow, "echo after-revoke\r");
        await SendAsync(own, "echo marker-two\r");
        await ReadUntilAsync(own, ownScreen, "marker-two\r\n");
        Assert.DoesNotContain("after-revoke", ownScreen.ToString());
    }

    [Fact]
    public async Task Catch_up_rewrites_progress_and_bad_steps_labs_and_attendees_are_refused_with_nothing_changed()
    {
        var ada = await AttendeeAsync(_ours, "Ada");
        await AttendeeAsync(_theirs, "Mallory");
        var adaId = await AttendeeIdAsync(_ours, "Ada");
        var malloryId = await AttendeeIdAsync(_theirs, "Mallory");
        var actions = _site.Services.GetRequiredService<IRoomActions>();

        Assert.Contains("not between 1 and 3", (await actions.CatchUpAsync(_ours.Id, adaId, "policy-basics", 4)).Message);
        Assert.Contains("not between 1 and 3", (await actions.CatchUpAsync(_ours.Id, adaId, "policy-basics", 0)).Message);
        Assert.Contains("is not one of this workshop's labs", (await actions.CatchUpAsync(_ours.Id, adaId, "hubble-tour", 1)).Message);
        Assert.Contains("no attendee", (await actions.CatchUpAsync(_ours.Id, malloryId, null, 1)).Message);
        Assert.Contains("not between 1 and", (await actions.ExtendAsync(_ours.Id, null, 0)).Message);
        Assert.Contains("printable characters", (await actions.BroadcastAsync(_ours.Id, "line\nbreak")).Message);
        Assert.Contains("not one of this workshop's labs", (await actions.PaceAsync(_ours.Id, "hubble-tour", 1)).Message);
        await using (var scope = _site.Services.CreateAsyncScope())
        {
            var progress = await scope.ServiceProvider.GetRequiredService<LabProgressStore>().GetAsync(ada.Learner, "policy-basics");
            Assert.Equal(("deploy", 0), (progress.CurrentStepId, progress.CompletedCount));
        }

        var done = await actions.CatchUpAsync(_ours.Id, adaId, null, 3);
        Assert.True(done.Done, done.Message);
        Assert.Contains("now at step 3", done.Message);
        await using (var scope = _site.Services.CreateAsyncScope())
        {
            var progress = await scope.ServiceProvider.GetRequiredService<LabProgressStore>().GetAsync(ada.Learner, "policy-basics");
            Assert.Equal("verify", progress.CurrentStepId);
            Assert.True(progress.Step("deploy").Completed && progress.Step("deny").Completed && !progress.Step("verify").Completed);
            Assert.Equal(1, (await scope.ServiceProvider.GetRequiredService<WorkshopStore>().FindAttendeeAsync(_ours.Id, adaId))!.Resets);
        }

        // A reset takes her back to step 1 with nothing completed.
        Assert.True((await actions.ResetAsync(_ours.Id, adaId)).Done);
        await using (var scope = _site.Services.CreateAsyncScope())
        {
            var progress = await scope.ServiceProvider.GetRequiredService<LabProgressStore>().GetAsync(ada.Learner, "policy-basics");
            Assert.Equal(("deploy", 0), (progress.CurrentStepId, progress.CompletedCount));
        }
    }

    [Fact]
    public async Task A_pace_lock_sends_an_attendee_back_to_the_locked_step_until_it_is_released()
    {
        var ada = await AttendeeAsync(_ours, "Ada");
        var actions = _site.Services.GetRequiredService<IRoomActions>();
        Assert.True((await actions.PaceAsync(_ours.Id, "policy-basics", 2)).Done);

        var ahead = await ada.Http.GetAsync("/labs/policy-basics/steps/verify");
        Assert.Equal(HttpStatusCode.Redirect, ahead.StatusCode);
        Assert.Equal("/labs/policy-basics/steps/deny", new Uri(new Uri("http://localhost"), ahead.Headers.Location!).AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, (await ada.Http.GetAsync("/labs/policy-basics/steps/deny")).StatusCode);
        // Someone not in the workshop is not paced.
        Assert.Equal(HttpStatusCode.OK, (await _site.NewBrowser().Http.GetAsync("/labs/policy-basics/steps/verify")).StatusCode);

        Assert.True((await actions.PaceAsync(_ours.Id, null, 0)).Done);
        Assert.Equal(HttpStatusCode.OK, (await ada.Http.GetAsync("/labs/policy-basics/steps/verify")).StatusCode);
    }
}
