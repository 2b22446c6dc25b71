using LabSite.Web.Admission;
using LabSite.Web.Clusters;
using LabSite.Web.Learners;
using LabSite.Web.Tests.Support;
using LabSite.Web.Workshops;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Tests.Admission;

/// <summary>The stored workshops reach admission: seats of events in their window are reserved, later ones not yet.</summary>
public sealed class WorkshopSeatsTests
{
    [Theory]
    [MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task Seats_are_reserved_from_an_hour_before_the_start_and_attendees_use_them(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        var now = DateTime.UtcNow;
        await using (var scope = db.Scope())
        {
            var store = scope.ServiceProvider.GetRequiredService<WorkshopStore>();
            var soon = await store.CreateAsync(new WorkshopSpec("Soon", ["starwars"], now.AddMinutes(30), now.AddHours(2), 5), _ => true);
            await store.CreateAsync(new WorkshopSpec("Later", ["starwars"], now.AddHours(3), now.AddHours(5), 7), _ => true);
            await store.JoinAsync(soon.JoinCode, "Ada", null, null);
        }
        var clients = new LearnerClients(TimeProvider.System);
        var admission = new ClusterAdmission(Options.Create(new AdmissionOptions { MemoryBudgetMiB = 60, MiBPerCluster = 10 }), clients, TimeProvider.System);
        var holds = new WorkshopClusterHolds(db.Services.GetRequiredService<IServiceScopeFactory>(), new ClusterActivity(TimeProvider.System),
            NullLogger<WorkshopClusterHolds>.Instance, admission);

        await holds.RefreshAsync(default);

        Assert.Equal(5, admission.Read().Reserved);
        string attendee;
        await using (var scope = db.Scope())
        {
            attendee = (await scope.ServiceProvider.GetRequiredService<WorkshopStore>().ActiveAsync()).Single(w => w.Title == "Soon").Attendees.Single().LearnerId;
        }
        Assert.True(LearnerId.TryParse(attendee, out var ada));
        // One general slot (6 - 5): a second general learner waits, the attendee does not.
        Assert.Equal(AdmissionOutcome.Admitted, admission.Enter("l00000001-starwars", LearnerId.New()).Outcome);
        Assert.Equal(AdmissionOutcome.Queued, admission.Enter("l00000002-starwars", LearnerId.New()).Outcome);
        Assert.Equal(AdmissionOutcome.Admitted, admission.Enter("l00000003-starwars", ada).Outcome);
    }
}
