using System.Net;
using AngleSharp.Dom;
using LabSite.Web.Learners;
using LabSite.Web.Tests.Support;
using LabSite.Web.Workshops;
using LabSite.Web.Workshops.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Workshops;

/// <summary>Joining by code, instructor sign-in and routes, through the real site (SQLite) and its middleware.</summary>
public sealed class WorkshopEndpointTests
{
    private const string Password = "correct horse battery";

    private static async Task<WorkshopRow> CreateAsync(TestSite site, int seats = 5)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var start = DateTime.UtcNow.AddMinutes(-5);
        return await scope.ServiceProvider.GetRequiredService<WorkshopStore>()
            .CreateAsync(new WorkshopSpec("Policy 101", [TestLabs.Policy().Id], start, start.AddHours(2), seats), _ => true);
    }

    private static string FormToken(IDocument page) =>
        page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

    private static async Task<HttpResponseMessage> PostFormAsync(TestSite.Browser browser, string formPage, string action, params (string, string)[] fields)
    {
        var token = FormToken(await browser.GetPageAsync(formPage));
        return await browser.Http.PostAsync(action, new FormUrlEncodedContent([.. fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)), KeyValuePair.Create("__RequestVerificationToken", token)]));
    }

    private static Task<HttpResponseMessage> JoinAsync(TestSite.Browser browser, string code, string name) =>
        PostFormAsync(browser, "/join/" + code, WorkshopEndpoints.JoinRoute, ("code", code), ("name", name));

    private static string? Cookie(TestSite.Browser browser, string name) =>
        browser.CookieHeader.Split("; ").Select(c => c.Split('=', 2)).FirstOrDefault(c => c[0] == name)?[1];

    [Fact]
    public async Task Joining_by_code_lands_in_the_first_lab_as_the_attendee_and_joining_again_keeps_the_seat()
    {
        await using var site = await TestSite.StartAsync(TestLabs.Catalog());
        var w = await CreateAsync(site);
        var browser = site.NewBrowser();
        var page = await browser.GetPageAsync("/join/" + w.JoinCode);
        Assert.Equal(w.JoinCode, page.QuerySelector("input[name=code]")!.GetAttribute("value"));

        var joined = await JoinAsync(browser, w.JoinCode, "Ada");
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        Assert.Equal($"/labs/{TestLabs.Policy().Id}", joined.Headers.Location!.OriginalString);
        var learner = Cookie(browser, LearnerCookie.Name);

        await using (var scope = site.Services.CreateAsyncScope())
        {
            var attendee = Assert.Single(await scope.ServiceProvider.GetRequiredService<WorkshopDbContext>().Attendees.ToListAsync());
            Assert.Equal((attendee.LearnerId, "Ada"), (learner, attendee.DisplayName));
        }

        // A second tab, or the laptop reopened: same browser, same attendee, same learner (so the same clusters).
        Assert.Equal(HttpStatusCode.Redirect, (await JoinAsync(browser, w.JoinCode, "Ada again")).StatusCode);
        Assert.Equal(learner, Cookie(browser, LearnerCookie.Name));
        await using var check = site.Services.CreateAsyncScope();
        Assert.Equal(1, await check.ServiceProvider.GetRequiredService<WorkshopDbContext>().Attendees.CountAsync());
    }

    [Fact]
    public async Task A_wrong_code_and_a_full_event_answer_with_the_reason()
    {
        await using var site = await TestSite.StartAsync(TestLabs.Catalog());
        var w = await CreateAsync(site, seats: 1);
        Assert.Equal(HttpStatusCode.Redirect, (await JoinAsync(site.NewBrowser(), w.JoinCode, "Ada")).StatusCode);

        var full = await JoinAsync(site.NewBrowser(), w.JoinCode, "Bob");
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Contains("is full (1 seats)", await full.Content.ReadAsStringAsync());

        var wrong = await JoinAsync(site.NewBrowser(), "ZZZZZZ" == w.JoinCode ? "YYYYYY" : "ZZZZZZ", "Bob");
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        Assert.Contains("no workshop has the code", await wrong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_forged_or_foreign_attendee_cookie_is_not_an_attendee()
    {
        await using var site = await TestSite.StartAsync(TestLabs.Catalog());
        var w = await CreateAsync(site);
        var ada = site.NewBrowser();
        await JoinAsync(ada, w.JoinCode, "Ada");
        var real = Cookie(ada, AttendeeTicket.CookieName)!;
        var provider = site.Services.GetRequiredService<IDataProtectionProvider>();
        Assert.Equal(w.Id, AttendeeTicket.Read(provider, Uri.UnescapeDataString(real))!.WorkshopId);

        // Tampered, made with other keys, plain text, oversized: none is read as a ticket.
        var tampered = Uri.UnescapeDataString(real)[..^4] + "AAAA";
        var otherKeys = new AttendeeTicket(w.Id, Guid.NewGuid().ToString("N")).Protect(DataProtectionProvider.Create("elsewhere"));
        foreach (var forged in new[] { tampered, otherKeys, $"{w.Id}:{Guid.NewGuid():N}", new string('A', 5000), "" })
        {
            Assert.Null(AttendeeTicket.Read(provider, forged));
        }

        // Mallory copies Ada's workshop id into a forged cookie: the site gives her a seat of her own, not Ada's.
        var mallory = site.NewBrowser();
        mallory.Http.DefaultRequestHeaders.Add("Cookie", $"{AttendeeTicket.CookieName}={Uri.EscapeDataString(otherKeys)}");
        Assert.Equal(HttpStatusCode.Redirect, (await JoinAsync(mallory, w.JoinCode, "Mallory")).StatusCode);
        await using var scope = site.Services.CreateAsyncScope();
        Assert.Equal(["Ada", "Mallory"], await scope.ServiceProvider.GetRequiredService<WorkshopDbContext>().Attendees.OrderBy(a => a.Seat).Select(a => a.DisplayName).ToListAsync());
    }

    [Fact]
    public async Task An_attendee_cannot_reach_instructor_routes_and_an_instructor_exports_the_csv()
    {
        await using var site = await TestSite.StartAsync(TestLabs.Catalog());
        var w = await CreateAsync(site);
        var attendee = site.NewBrowser();
        await JoinAsync(attendee, w.JoinCode, "=HYPERLINK(\"http://evil\")");

        var denied = await attendee.Http.GetAsync($"/workshops/{w.Id}/export.csv");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.StartsWith("http://localhost" + InstructorEndpoints.SignInPath, denied.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, (await PostFormAsync(attendee, "/join", "/instructors/redeem", ("token", "guess"), ("email", "a@b.org"), ("password", Password))).StatusCode);

        var admin = site.NewBrowser();
        var setup = await PostFormAsync(admin, InstructorEndpoints.SignInPath, "/instructors/setup", ("email", "admin@example.org"), ("password", Password));
        Assert.Equal(HttpStatusCode.Redirect, setup.StatusCode);
        var csv = await admin.Http.GetAsync($"/workshops/{w.Id}/export.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(WorkshopExport.Header, lines[0]);
        // The formula a stranger typed as a name is quoted and defused for spreadsheets.
        Assert.StartsWith("1,\"'=HYPERLINK(\"\"http://evil\"\")\",,", lines[1]);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/workshops/nope/export.csv")).StatusCode);

        // A second first-run admin is refused: later accounts need an invite.
        var again = await PostFormAsync(site.NewBrowser(), InstructorEndpoints.SignInPath, "/instructors/setup", ("email", "eve@example.org"), ("password", Password));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_instructor_out()
    {
        await using var site = await TestSite.StartAsync(TestLabs.Catalog());
        await PostFormAsync(site.NewBrowser(), InstructorEndpoints.SignInPath, "/instructors/setup", ("email", "admin@example.org"), ("password", Password));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await PostFormAsync(site.NewBrowser(), InstructorEndpoints.SignInPath, InstructorEndpoints.SignInPath, ("email", "admin@example.org"), ("password", "wrong" + i))).StatusCode);
        }
        var right = await PostFormAsync(site.NewBrowser(), InstructorEndpoints.SignInPath, InstructorEndpoints.SignInPath, ("email", "admin@example.org"), ("password", Password));
        Assert.All(statuses[..4], s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal((HttpStatusCode)423, right.StatusCode);
    }

    [Fact]
    public async Task Guessing_codes_is_rate_limited_per_client()
    {
        await using var site = await TestSite.StartAsync(TestLabs.Catalog());
        var browser = site.NewBrowser();
        var token = FormToken(await browser.GetPageAsync("/join"));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= JoinAttemptGuard.FailedAttemptsPerMinute; i++)
        {
            var form = new FormUrlEncodedContent([KeyValuePair.Create("code", "ABCDE" + JoinCode.Alphabet[i]), KeyValuePair.Create("name", "g"), KeyValuePair.Create("__RequestVerificationToken", token)]);
            statuses.Add((await browser.Http.PostAsync(WorkshopEndpoints.JoinRoute, form)).StatusCode);
        }
        Assert.All(statuses[..^1], s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task A_classroom_behind_one_address_joins_at_once_while_failed_attempts_still_count()
    {
        const int classroom = JoinAttemptGuard.FailedAttemptsPerMinute + 5;
        await using var site = await TestSite.StartAsync(TestLabs.Catalog());
        var w = await CreateAsync(site, seats: classroom);
        var joins = new List<HttpStatusCode>();
        for (var i = 0; i < classroom; i++)
        {
            joins.Add((await JoinAsync(site.NewBrowser(), w.JoinCode, "attendee" + i)).StatusCode);
        }
        Assert.All(joins, s => Assert.Equal(HttpStatusCode.Redirect, s));

        var guesser = site.NewBrowser();
        var failures = new List<HttpStatusCode>();
        for (var i = 0; i < JoinAttemptGuard.FailedAttemptsPerMinute; i++)
        {
            failures.Add((await JoinAsync(guesser, "ABCDE" + JoinCode.Alphabet[i], "g")).StatusCode);
        }
        var blocked = await JoinAsync(site.NewBrowser(), w.JoinCode, "late");
        Assert.All(failures, s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal("60", blocked.Headers.RetryAfter?.ToString());
        Assert.Contains("failed attempts", await blocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
