using System.Text.Json;
using LabSite.Web.Data;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Progress;
using LabSite.Web.Tests.Support;
using LabSite.Web.Workshops;
using LabSite.Web.Workshops.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Tests.Workshops.Webhooks;

/// <summary>Which events a workshop's webhook gets, and their bodies: start and end once each, joins, completed steps of attendees only.</summary>
public sealed class WorkshopWebhooksTests
{
    private static (WorkshopWebhooks Hooks, WebhookQueue Queue) Hooks(WorkshopDatabase db, ProgressEvents? events = null)
    {
        var options = Options.Create(new WebhookOptions());
        var queue = new WebhookQueue(options, new WebhookLog(), TimeProvider.System, NullLogger<WebhookQueue>.Instance);
        var hooks = new WorkshopWebhooks(db.Services.GetRequiredService<IServiceScopeFactory>(), queue, options, TimeProvider.System,
            NullLogger<WorkshopWebhooks>.Instance, new LabCatalogSource(TestLabs.Catalog()), events);
        return (hooks, queue);
    }

    private static List<(WebhookDelivery Delivery, JsonElement Body)> Drain(WebhookQueue queue)
    {
        var all = new List<(WebhookDelivery, JsonElement)>();
        while (queue.Reader.TryRead(out var d))
        {
            all.Add((d, JsonDocument.Parse(d.Body).RootElement));
        }
        return all;
    }

    [Theory]
    [MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task Start_and_end_are_announced_once_each_and_only_with_a_webhook(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        var now = DateTime.UtcNow;
        string id, silent;
        await using (var scope = db.Scope())
        {
            var store = scope.ServiceProvider.GetRequiredService<WorkshopStore>();
            id = (await store.CreateAsync(new WorkshopSpec("Hooked", ["policy-basics"], now.AddMinutes(-1), now.AddHours(1), 5), _ => true)).Id;
            silent = (await store.CreateAsync(new WorkshopSpec("Silent", ["policy-basics"], now.AddMinutes(-1), now.AddHours(1), 5), _ => true)).Id;
            Assert.True(await store.SetWebhookAsync(id, "https://example.org/hook", "s3cret"));
        }
        var (hooks, queue) = Hooks(db);

        Assert.Equal(1, await hooks.ScanAsync(default));
        Assert.Equal(0, await hooks.ScanAsync(default)); // once
        var (started, body) = Assert.Single(Drain(queue));
        Assert.Equal((WebhookEvents.Started, id, "https://example.org/hook", "s3cret"), (started.Type, started.WorkshopId, started.Url, started.Secret));
        Assert.Equal(started.Id, body.GetProperty("id").GetString());
        Assert.Equal("event.started", body.GetProperty("type").GetString());
        Assert.Equal("Hooked", body.GetProperty("workshop").GetProperty("title").GetString());
        Assert.False(body.TryGetProperty("attendee", out _));

        await using (var scope = db.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<WorkshopStore>().EndAsync(id); // as `labsite workshop end` does
            await scope.ServiceProvider.GetRequiredService<WorkshopStore>().EndAsync(silent);
        }
        Assert.Equal(1, await hooks.ScanAsync(default));
        Assert.Equal(0, await hooks.ScanAsync(default));
        Assert.Equal([WebhookEvents.Ended], Drain(queue).Select(d => d.Delivery.Type));
    }

    [Theory]
    [MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task Joins_and_completed_steps_of_attendees_are_sent_and_other_learners_steps_are_not(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        var now = DateTime.UtcNow;
        LabSite.Web.Workshops.Data.WorkshopRow workshop;
        JoinResult joined;
        await using (var scope = db.Scope())
        {
            var store = scope.ServiceProvider.GetRequiredService<WorkshopStore>();
            workshop = await store.CreateAsync(new WorkshopSpec("Hooked", ["policy-basics"], now, now.AddHours(1), 5), _ => true);
            await store.SetWebhookAsync(workshop.Id, "https://example.org/hook", "s3cret");
            workshop = (await store.FindAsync(workshop.Id))!;
            joined = await store.JoinAsync(workshop.JoinCode, "Ada <script>", "ada@example.org", null);
        }
        var (hooks, queue) = Hooks(db);

        hooks.AttendeeJoined(workshop, joined.Attendee!);
        Assert.True(LearnerId.TryParse(joined.Attendee!.LearnerId, out var ada));
        await hooks.StepCompletedAsync(ada, "policy-basics", TestLabs.Policy().Steps[1].Id);
        await hooks.StepCompletedAsync(LearnerId.New(), "policy-basics", TestLabs.Policy().Steps[1].Id); // not an attendee
        await hooks.StepCompletedAsync(ada, "another-lab", "x"); // not this workshop's lab

        var sent = Drain(queue);
        Assert.Equal([WebhookEvents.AttendeeJoined, WebhookEvents.StepCompleted], sent.Select(s => s.Delivery.Type));
        var attendee = sent[0].Body.GetProperty("attendee");
        Assert.Equal("Ada <script>", attendee.GetProperty("name").GetString()); // JSON carries it as text; receivers escape it
        Assert.Equal(1, attendee.GetProperty("seat").GetInt32());
        Assert.DoesNotContain("ada@example.org", System.Text.Encoding.UTF8.GetString(sent[0].Delivery.Body)); // no email leaves the site
        var step = sent[1].Body.GetProperty("step");
        Assert.Equal(("policy-basics", 2, TestLabs.Policy().Steps[1].Title), (step.GetProperty("lab").GetString(), step.GetProperty("number").GetInt32(), step.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task The_progress_store_tells_of_a_completion_once_however_often_a_check_passes()
    {
        using var temp = new TempDatabase();
        var events = new ProgressEvents();
        var completions = new List<string>();
        events.StepCompleted += (_, lab, step) => completions.Add($"{lab}/{step}");
        var learner = LearnerId.New();
        await using var scope = temp.Scope();
        var store = new LabProgressStore(scope.ServiceProvider.GetRequiredService<LabSiteDbContext>(), TimeProvider.System, events);

        await store.SetCompletedAsync(learner, "policy-basics", "deploy", true);
        await store.SetCompletedAsync(learner, "policy-basics", "deploy", true); // the next Check passes again
        await store.SetCompletedAsync(learner, "policy-basics", "deploy", false); // unmarked
        await store.SetCompletedAsync(learner, "policy-basics", "deploy", true); // and done again

        Assert.Equal(["policy-basics/deploy", "policy-basics/deploy"], completions);
        Assert.True((await store.GetAsync(learner, "policy-basics")).Step("deploy").Completed);
    }
}
