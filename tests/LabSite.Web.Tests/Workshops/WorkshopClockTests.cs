using LabSite.Web.Tests.Support;
using LabSite.Web.Workshops;
using LabSite.Web.Workshops.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LabSite.Web.Tests.Workshops;

/// <summary>The event clock in the store: paused time does not count, for the event and for attendees' extra time.</summary>
public sealed class WorkshopClockTests
{
    [Theory]
    [MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task Resuming_moves_the_end_and_attendees_extra_time_by_the_pause(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(9), TimeSpan.Zero));
        await using var scope = db.Scope();
        var store = new WorkshopStore(scope.ServiceProvider.GetRequiredService<WorkshopDbContext>(), clock);
        var start = clock.GetUtcNow().UtcDateTime;
        var workshop = await store.CreateAsync(new WorkshopSpec("Clock", ["starwars"], start, start.AddHours(2), 5), _ => true);
        var joined = await store.JoinAsync(workshop.JoinCode, "Ada", null, null);
        await store.ExtendAttendeeAsync(workshop.Id, joined.Attendee!.Id, TimeSpan.FromMinutes(10));

        Assert.Null(await store.ResumeAsync(workshop.Id)); // not paused
        clock.Advance(TimeSpan.FromMinutes(50));
        Assert.True(await store.PauseAsync(workshop.Id));
        Assert.False(await store.PauseAsync(workshop.Id)); // already paused
        clock.Advance(TimeSpan.FromMinutes(45)); // lunch

        Assert.Equal(start.AddHours(2).AddMinutes(45), await store.ResumeAsync(workshop.Id));
        var after = (await store.FindAsync(workshop.Id))!;
        Assert.Null(after.PausedAt);
        Assert.Equal(start.AddHours(2).AddMinutes(55), after.Attendees.Single().ExtendedUntil);
        Assert.Null(await store.ResumeAsync(workshop.Id));

        await store.EndAsync(workshop.Id);
        Assert.False(await store.PauseAsync(workshop.Id)); // an ended event's clock stays
    }

    [Theory]
    [MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task A_paused_event_stays_active_past_its_end_so_attendees_clusters_are_held(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(9), TimeSpan.Zero));
        await using var scope = db.Scope();
        var store = new WorkshopStore(scope.ServiceProvider.GetRequiredService<WorkshopDbContext>(), clock);
        var start = clock.GetUtcNow().UtcDateTime;
        var workshop = await store.CreateAsync(new WorkshopSpec("Clock", ["starwars"], start, start.AddHours(1), 5), _ => true);
        var joined = await store.JoinAsync(workshop.JoinCode, "Ada", null, null);
        clock.Advance(TimeSpan.FromMinutes(55));
        Assert.True(await store.PauseAsync(workshop.Id));
        clock.Advance(TimeSpan.FromMinutes(30)); // past the original end, still paused

        var active = Assert.Single(await store.ActiveAsync());
        Assert.Equal(DateTime.MaxValue, WorkshopClusterHolds.HeldUntil(active, active.Attendees.Single(a => a.Id == joined.Attendee!.Id)));
        Assert.Equal(start.AddHours(1).AddMinutes(30), await store.ResumeAsync(workshop.Id));
    }
}
