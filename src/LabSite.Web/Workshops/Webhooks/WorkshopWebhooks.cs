using System.Text.Json;
using System.Text.Json.Serialization;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Progress;
using LabSite.Web.Workshops.Data;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Workshops.Webhooks;

/// <summary>
/// Turns what happens in a workshop into signed deliveries on the <see cref="WebhookQueue"/>: attendee.joined (from the
/// join endpoint), step.completed (from <see cref="ProgressEvents"/>, for attendees), and event.started/event.ended,
/// read from the store every <see cref="WebhookOptions.ScanInterval"/> (so an end by <c>labsite workshop end</c>, or a
/// start while the site was down, is announced too, once). Nothing here waits for an endpoint.
/// </summary>
public sealed class WorkshopWebhooks : BackgroundService
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly IServiceScopeFactory _scopes;
    private readonly WebhookQueue _queue;
    private readonly IOptions<WebhookOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<WorkshopWebhooks> _log;
    private readonly LabCatalogSource? _catalog;
    private readonly ProgressEvents? _progress;

    public WorkshopWebhooks(
        IServiceScopeFactory scopes, WebhookQueue queue, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WorkshopWebhooks> log,
        LabCatalogSource? catalog = null, ProgressEvents? progress = null)
    {
        (_scopes, _queue, _options, _clock, _log, _catalog, _progress) = (scopes, queue, options, clock, log, catalog, progress);
        if (progress is not null)
        {
            progress.StepCompleted += OnStepCompleted;
        }
    }

    /// <summary>The body's shape (camelCase JSON; absent parts are left out).</summary>
    public sealed record Body(string Id, string Type, DateTimeOffset OccurredAt, WorkshopPart Workshop, AttendeePart? Attendee = null, StepPart? Step = null);

    public sealed record WorkshopPart(string Id, string Title, DateTime StartsAt, DateTime EndsAt);

    public sealed record AttendeePart(string Id, int Seat, string Name);

    public sealed record StepPart(string Lab, string Id, int Number, string Title);

    public void AttendeeJoined(WorkshopRow workshop, AttendeeRow attendee) =>
        Enqueue(workshop, WebhookEvents.AttendeeJoined, new AttendeePart(attendee.Id, attendee.Seat, attendee.DisplayName), null);

    private void Enqueue(WorkshopRow workshop, string type, AttendeePart? attendee, StepPart? step)
    {
        if (workshop.WebhookUrl is not { } url || workshop.WebhookSecret is not { } secret)
        {
            return;
        }
        var id = Guid.NewGuid().ToString();
        var body = new Body(id, type, _clock.GetUtcNow(),
            new WorkshopPart(workshop.Id, workshop.Title, DateTime.SpecifyKind(workshop.StartsAt, DateTimeKind.Utc), DateTime.SpecifyKind(workshop.EndsAt, DateTimeKind.Utc)),
            attendee, step);
        _queue.Enqueue(new WebhookDelivery(id, workshop.Id, type, url, secret, JsonSerializer.SerializeToUtf8Bytes(body, s_json)));
    }

    private void OnStepCompleted(LearnerId learner, string labId, string stepId) => _ = StepCompletedAsync(learner, labId, stepId);

    /// <summary>Looks the learner up off the caller's path (a Check must not wait for it); learners outside workshops end here.</summary>
    public async Task StepCompletedAsync(LearnerId learner, string labId, string stepId)
    {
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<WorkshopStore>().FindByLearnerAsync(learner.ToString()) is not var (workshop, attendee)
                || workshop.WebhookUrl is null || !workshop.LabIds.Split(',').Contains(labId))
            {
                return;
            }
            var step = _catalog?.Current.Find(labId)?.FindStep(stepId);
            Enqueue(workshop, WebhookEvents.StepCompleted, new AttendeePart(attendee.Id, attendee.Seat, attendee.DisplayName),
                new StepPart(labId, stepId, (step?.Index ?? -1) + 1, step?.Title ?? stepId));
        }
        catch (Exception e)
        {
            _log.LogWarning(e, "Queuing the step.completed webhook for {Lab}/{Step} failed", labId, stepId);
        }
    }

    /// <summary>Announces the starts and ends that are due; returns how many were queued.</summary>
    public async Task<int> ScanAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<WorkshopStore>();
        var queued = 0;
        var now = _clock.GetUtcNow().UtcDateTime;
        foreach (var workshop in await store.WebhookDueAsync(ct))
        {
            var ended = workshop.EndedAt is not null || workshop.EndsAt <= now;
            if (workshop.StartAnnouncedAt is null && !ended && await store.MarkAnnouncedAsync(workshop.Id, started: true, ct))
            {
                Enqueue(workshop, WebhookEvents.Started, null, null);
                queued++;
            }
            if (workshop.EndAnnouncedAt is null && ended && await store.MarkAnnouncedAsync(workshop.Id, started: false, ct))
            {
                Enqueue(workshop, WebhookEvents.Ended, null, null);
                queued++;
            }
        }
        return queued;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScanAsync(stoppingToken);
                await Task.Delay(_options.Value.ScanInterval, _clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _log.LogWarning(e, "Looking for workshop starts and ends to announce failed; trying again in {Interval}", _options.Value.ScanInterval);
                await Task.Delay(_options.Value.ScanInterval, _clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public override void Dispose()
    {
        if (_progress is not null)
        {
            _progress.StepCompleted -= OnStepCompleted;
        }
        base.Dispose();
    }
}
