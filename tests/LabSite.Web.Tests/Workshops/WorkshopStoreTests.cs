using LabSite.Web.Tests.Support;
using LabSite.Web.Workshops;
using LabSite.Web.Workshops.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Workshops;

/// <summary>The workshop store against real SQLite and a real PostgreSQL server, same tests for both.</summary>
public sealed class WorkshopStoreTests
{
    private static readonly DateTime s_start = DateTime.UtcNow.AddMinutes(-10);

    internal static WorkshopSpec Spec(int seats = 3, string[]? emails = null) =>
        new("Cilium policy workshop", ["starwars", "hubble"], s_start, s_start.AddHours(3), seats, AllowedEmails: emails);

    private static async Task<WorkshopRow> CreateAsync(WorkshopDatabase db, WorkshopSpec spec)
    {
        await using var scope = db.Scope();
        return await scope.ServiceProvider.GetRequiredService<WorkshopStore>().CreateAsync(spec, _ => true);
    }

    private static async Task<JoinResult> JoinAsync(WorkshopDatabase db, string? code, string? name, string? email = null, AttendeeTicket? ticket = null)
    {
        await using var scope = db.Scope();
        return await scope.ServiceProvider.GetRequiredService<WorkshopStore>().JoinAsync(code, name, email, ticket);
    }

    [Theory, MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task Migrations_match_the_model_and_are_all_applied(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        await using var scope = db.Scope();
        var context = scope.ServiceProvider.GetRequiredService<WorkshopDbContext>();
        Assert.Equal(provider == WorkshopDatabase.Postgres ? "Npgsql.EntityFrameworkCore.PostgreSQL" : "Microsoft.EntityFrameworkCore.Sqlite", context.Database.ProviderName);
        Assert.False(context.Database.HasPendingModelChanges());
        Assert.Single(await context.Database.GetAppliedMigrationsAsync(), m => m.EndsWith("_InitialWorkshops", StringComparison.Ordinal));
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
    }

    [Theory, MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task A_created_workshop_has_an_unambiguous_code_and_is_found_by_it_typed_loosely(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        var w = await CreateAsync(db, Spec());
        Assert.Matches($"^[{JoinCode.Alphabet}]{{6}}$", w.JoinCode);
        var typed = $" {w.JoinCode[..3].ToLowerInvariant()}-{w.JoinCode[3..]} ";
        var joined = await JoinAsync(db, typed, "Ada");
        Assert.True(joined.Joined, joined.Error);
        Assert.Equal(w.Id, joined.Workshop!.Id);
        Assert.Equal(1, joined.Attendee!.Seat);
    }

    [Fact]
    public void A_bad_spec_is_refused_naming_every_field()
    {
        var spec = new WorkshopSpec("", [], s_start, s_start.AddHours(-1), 0, "vmware", ["not-an-email"]);
        var errors = spec.Validate(_ => false);
        foreach (var field in new[] { "title:", "labs:", "end:", "seats:", "backend:", "allowed emails:" })
        {
            Assert.Contains(errors, e => e.StartsWith(field, StringComparison.Ordinal));
        }
        Assert.Contains("no lab has the id \"nope\"", string.Join("\n", new WorkshopSpec("t", ["nope"], s_start, s_start.AddHours(1), 1).Validate(l => l != "nope")));
        Assert.Contains(new WorkshopSpec("t", ["a"], s_start, s_start.AddHours(1), 2, Rehearsal: true).Validate(_ => true), e => e.StartsWith("seats:", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task Wrong_malformed_and_ended_codes_are_refused_with_a_clear_reason(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        var w = await CreateAsync(db, Spec());
        var unknown = JoinCode.Alphabet[..6] == w.JoinCode ? JoinCode.Alphabet[1..7] : JoinCode.Alphabet[..6];

        var wrong = await JoinAsync(db, unknown, "Ada");
        Assert.Equal((404, false), (wrong.Status, wrong.Joined));
        Assert.Contains($"no workshop has the code {unknown}", wrong.Error);

        var malformed = await JoinAsync(db, "ABC0O1", "Ada");
        Assert.Equal(400, malformed.Status);
        Assert.Contains("'0' is not used in join codes", malformed.Error);
        Assert.Equal(400, (await JoinAsync(db, "ABC", "Ada")).Status);
        Assert.Equal(400, (await JoinAsync(db, null, "Ada")).Status);

        Assert.Equal(400, (await JoinAsync(db, w.JoinCode, "")).Status);
        Assert.Equal(400, (await JoinAsync(db, w.JoinCode, "bell\u0007")).Status);
        Assert.Equal(400, (await JoinAsync(db, w.JoinCode, new string('x', WorkshopLimits.DisplayNameLength + 1))).Status);

        await using (var scope = db.Scope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<WorkshopStore>().EndAsync(w.Id));
            Assert.False(await scope.ServiceProvider.GetRequiredService<WorkshopStore>().EndAsync(w.Id));
        }
        var ended = await JoinAsync(db, w.JoinCode, "Ada");
        Assert.Equal(410, ended.Status);
        Assert.Contains("has ended", ended.Error);
        await using var check = db.Scope();
        Assert.Equal(0, await check.ServiceProvider.GetRequiredService<WorkshopDbContext>().Attendees.CountAsync());
    }

    [Theory, MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task Joining_again_with_the_ticket_keeps_the_seat_and_a_full_event_refuses_the_next(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        var w = await CreateAsync(db, Spec(seats: 2));
        var ada = await JoinAsync(db, w.JoinCode, "Ada");
        var again = await JoinAsync(db, w.JoinCode, "Ada (2nd tab)", ticket: new AttendeeTicket(w.Id, ada.Attendee!.Id));
        Assert.Equal((ada.Attendee.Id, ada.Attendee.LearnerId, 200), (again.Attendee!.Id, again.Attendee.LearnerId, again.Status));

        // A ticket for another workshop (or a deleted attendee) is not this event's: it takes a seat of its own.
        var bob = await JoinAsync(db, w.JoinCode, "Bob", ticket: new AttendeeTicket(Guid.NewGuid().ToString("N"), ada.Attendee.Id));
        Assert.Equal(2, bob.Attendee!.Seat);
        Assert.NotEqual(ada.Attendee.LearnerId, bob.Attendee.LearnerId);

        var carol = await JoinAsync(db, w.JoinCode, "Carol");
        Assert.Equal(409, carol.Status);
        Assert.Contains("is full (2 seats)", carol.Error);
    }

    [Theory, MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task Twenty_people_joining_ten_seats_at_once_take_each_seat_exactly_once(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        var w = await CreateAsync(db, Spec(seats: 10));
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => JoinAsync(db, w.JoinCode, $"p{i}"))));

        var joined = results.Where(r => r.Joined).ToList();
        Assert.Equal(Enumerable.Range(1, 10), joined.Select(r => r.Attendee!.Seat).Order());
        Assert.Equal(10, joined.Select(r => r.Attendee!.LearnerId).Distinct().Count());
        Assert.All(results.Where(r => !r.Joined), r => Assert.True(r.Status is 409 or 503, r.Error));
        await using var scope = db.Scope();
        Assert.Equal(10, await scope.ServiceProvider.GetRequiredService<WorkshopDbContext>().Attendees.CountAsync());
    }

    [Theory, MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task An_invite_only_workshop_admits_listed_emails_only(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        var w = await CreateAsync(db, Spec(emails: ["Ada@Example.org"]));
        Assert.Equal(403, (await JoinAsync(db, w.JoinCode, "Eve")).Status);
        Assert.Equal(403, (await JoinAsync(db, w.JoinCode, "Eve", "eve@example.org")).Status);
        Assert.Equal(400, (await JoinAsync(db, w.JoinCode, "Eve", "eve at example")).Status);
        Assert.True((await JoinAsync(db, w.JoinCode, "Ada", "ada@EXAMPLE.org")).Joined);
    }
}
