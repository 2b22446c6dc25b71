using LabSite.Web.Clusters;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Progress;
using LabSite.Web.Terminal;
using LabSite.Web.Workshops.Data;

namespace LabSite.Web.Workshops.Room;

/// <summary>
/// What an instructor does to the room from the console: reset or catch up an attendee, extend time, broadcast, pace,
/// and what an attendee does (raise a hand). Each validates what it is given against the workshop and answers with a
/// sentence for the console; refused input changes nothing. Singleton: each call takes its own store scope.
/// </summary>
public interface IRoomActions
{
    Task<RoomActions.Outcome> ResetAsync(string workshopId, string attendeeId, CancellationToken ct = default);

    Task<RoomActions.Outcome> CatchUpAsync(string workshopId, string attendeeId, string? labId, int stepNumber, CancellationToken ct = default);

    Task<RoomActions.Outcome> ExtendAsync(string workshopId, string? attendeeId, int minutes, CancellationToken ct = default);

    /// <summary>Pauses (<paramref name="paused"/>) or resumes the event clock; paused time does not count.</summary>
    Task<RoomActions.Outcome> SetClockAsync(string workshopId, bool paused, CancellationToken ct = default);

    /// <summary>Sets the event's webhook URL with a new secret (shown once in the outcome); null or blank turns webhooks off.</summary>
    Task<RoomActions.Outcome> SetWebhookAsync(string workshopId, string? url, CancellationToken ct = default);

    Task<RoomActions.Outcome> BroadcastAsync(string workshopId, string? text, CancellationToken ct = default);

    Task<RoomActions.Outcome> PaceAsync(string workshopId, string? labId, int stepNumber, CancellationToken ct = default);

    Task SetHandAsync(string workshopId, string attendeeId, bool raised, CancellationToken ct = default);

    /// <summary>Whether the attendee's hand is up now (their own button's state).</summary>
    Task<bool> HandRaisedAsync(string workshopId, string attendeeId, CancellationToken ct = default);

    /// <summary>Republish the room's roster soon, without grading (a console just opened).</summary>
    void Refresh(string workshopId);
}

public sealed class RoomActions(
    WorkshopRooms rooms, RosterMonitor monitor, IServiceScopeFactory scopes, ILabClusterLocator clusters,
    TerminalSessions terminals, ClusterActivity activity, ClusterNotices notices, LabCatalogSource catalog) : IRoomActions
{
    /// <summary>The outcome of an action: done (with what happened) or refused (with why).</summary>
    public sealed record Outcome(bool Done, string Message)
    {
        public static Outcome Refused(string why) => new(false, why);
    }

    /// <summary>A fresh cluster for the attendee's current lab, at its first step: the old cluster is destroyed, nothing replayed.</summary>
    public Task<Outcome> ResetAsync(string workshopId, string attendeeId, CancellationToken ct = default) =>
        CatchUpAsync(workshopId, attendeeId, labId: null, stepNumber: 1, ct);

    /// <summary>
    /// A fresh cluster at step <paramref name="stepNumber"/> of <paramref name="labId"/> (the attendee's current lab when
    /// null): the steps before it are marked done and their solutions replayed, as a restore does.
    /// </summary>
    public async Task<Outcome> CatchUpAsync(string workshopId, string attendeeId, string? labId, int stepNumber, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (workshop, attendee, learner) = await FindAsync(scope, workshopId, attendeeId, ct);
        if (workshop is null || attendee is null)
        {
            return Outcome.Refused($"attendee: no attendee {attendeeId} in this workshop");
        }
        var labs = workshop.LabIds.Split(',');
        var progress = scope.ServiceProvider.GetRequiredService<LabProgressStore>();
        labId ??= (await progress.PositionsAsync([learner], labs, ct)).GetValueOrDefault(learner)?.LabId ?? labs[0];
        if (!labs.Contains(labId) || catalog.Current.Find(labId) is not { } lab)
        {
            return Outcome.Refused($"lab: \"{labId}\" is not one of this workshop's labs ({string.Join(", ", labs)})");
        }
        if (stepNumber < 1 || stepNumber > lab.Steps.Count)
        {
            return Outcome.Refused($"step: {stepNumber} is not between 1 and {lab.Steps.Count} ({lab.Meta.Title} has {lab.Steps.Count} steps)");
        }
        var target = lab.Steps[stepNumber - 1];
        var before = lab.Steps.Take(stepNumber - 1).ToList();
        // The attendee's shells hold the old cluster: end them first, so nothing types into a cluster being destroyed.
        terminals.Close(learner, lab.Id, "the instructor gave you a fresh cluster; the page reloads");
        // Off the caller's synchronization context (the console's circuit): destroying and creating a cluster runs backend
        // code that must not need the renderer's one thread to resume, or the circuit waits on itself.
        await Task.Run(() => clusters.ReplaceAsync(learner, lab.Id, token => progress.RewriteAsync(learner, lab.Id, [.. before.Select(s => s.Id)], target.Id, token), ct), ct);
        await scope.ServiceProvider.GetRequiredService<WorkshopStore>().CountResetAsync(workshopId, attendeeId, ct);
        (await rooms.GetAsync(workshopId, ct))?.Reset(attendeeId);
        monitor.Poke(workshopId);
        var report = notices.Get(learner, lab.Id)?.Report;
        return report is { Succeeded: false }
            ? new Outcome(false, $"{attendee.DisplayName}: fresh cluster, but {report.Summary}")
            : new Outcome(true, before.Count == 0
                ? $"{attendee.DisplayName}: fresh cluster for {lab.Meta.Title}, at step 1"
                : $"{attendee.DisplayName}: fresh cluster for {lab.Meta.Title} with the solutions of {StepText.List(before)} replayed; now at step {stepNumber}");
    }

    /// <summary>More time for one attendee (their cluster is held longer) or, with no attendee, for the whole workshop.</summary>
    public async Task<Outcome> ExtendAsync(string workshopId, string? attendeeId, int minutes, CancellationToken ct = default)
    {
        if (minutes < 1 || minutes > WorkshopLimits.MaxExtendMinutes)
        {
            return Outcome.Refused($"minutes: {minutes} is not between 1 and {WorkshopLimits.MaxExtendMinutes}");
        }
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<WorkshopStore>();
        if (attendeeId is null)
        {
            if (await store.ExtendAsync(workshopId, TimeSpan.FromMinutes(minutes), ct) is not { } ends)
            {
                return Outcome.Refused("workshop: it does not exist");
            }
            await HoldAsync(store, workshopId, ct);
            await rooms.ReloadAsync(workshopId, ct);
            return new Outcome(true, $"the workshop now ends at {ends:HH:mm} UTC");
        }
        if (await store.ExtendAttendeeAsync(workshopId, attendeeId, TimeSpan.FromMinutes(minutes), ct) is not { } until)
        {
            return Outcome.Refused($"attendee: no attendee {attendeeId} in this workshop");
        }
        await HoldAsync(store, workshopId, ct);
        monitor.Poke(workshopId);
        return new Outcome(true, $"their cluster is kept until {until:HH:mm} UTC");
    }

    public async Task<Outcome> SetClockAsync(string workshopId, bool paused, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<WorkshopStore>();
        if (paused)
        {
            if (!await store.PauseAsync(workshopId, ct))
            {
                return Outcome.Refused("clock: it is already paused, or the workshop has ended");
            }
            await rooms.ReloadAsync(workshopId, ct);
            return new Outcome(true, "the clock is paused: attendees see the time left stand still");
        }
        if (await store.ResumeAsync(workshopId, ct) is not { } ends)
        {
            return Outcome.Refused("clock: it is not paused");
        }
        await HoldAsync(store, workshopId, ct);
        await rooms.ReloadAsync(workshopId, ct);
        return new Outcome(true, $"the clock runs again; the paused time does not count: the workshop now ends at {ends:HH:mm} UTC");
    }

    public async Task<Outcome> SetWebhookAsync(string workshopId, string? url, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<WorkshopStore>();
        if (string.IsNullOrWhiteSpace(url))
        {
            return await store.SetWebhookAsync(workshopId, null, null, ct)
                ? new Outcome(true, "webhooks are off") : Outcome.Refused("workshop: it does not exist");
        }
        url = url.Trim();
        if (Webhooks.WebhookSignature.CheckUrl(url) is { } error)
        {
            return Outcome.Refused(error);
        }
        var secret = Webhooks.WebhookSignature.NewSecret();
        return await store.SetWebhookAsync(workshopId, url, secret, ct)
            ? new Outcome(true, $"webhooks go to {url}, signed with the secret {secret} (copy it now: it is not shown again)")
            : Outcome.Refused("workshop: it does not exist");
    }

    /// <summary>Shows <paramref name="text"/> to every attendee (null or blank clears it).</summary>
    public async Task<Outcome> BroadcastAsync(string workshopId, string? text, CancellationToken ct = default)
    {
        var message = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (message is not null && (message.Length > WorkshopLimits.BroadcastLength || message.Any(char.IsControl)))
        {
            return Outcome.Refused($"message: must be 1 to {WorkshopLimits.BroadcastLength} printable characters on one line");
        }
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<WorkshopStore>().SetBroadcastAsync(workshopId, message, ct);
        await rooms.ReloadAsync(workshopId, ct);
        return new Outcome(true, message is null ? "the message is cleared" : "the message is shown to every attendee");
    }

    /// <summary>Locks the room at step <paramref name="stepNumber"/> of <paramref name="labId"/>; null releases it.</summary>
    public async Task<Outcome> PaceAsync(string workshopId, string? labId, int stepNumber, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<WorkshopStore>();
        if (labId is null)
        {
            await store.SetPaceAsync(workshopId, null, null, ct);
            await rooms.ReloadAsync(workshopId, ct);
            return new Outcome(true, "the room is released: attendees move on at their own pace");
        }
        var room = await rooms.GetAsync(workshopId, ct);
        if (room is null || !room.Settings.LabIds.Contains(labId) || catalog.Current.Find(labId) is not { } lab)
        {
            return Outcome.Refused($"lab: \"{labId}\" is not one of this workshop's labs");
        }
        if (stepNumber < 1 || stepNumber > lab.Steps.Count)
        {
            return Outcome.Refused($"step: {stepNumber} is not between 1 and {lab.Steps.Count}");
        }
        await store.SetPaceAsync(workshopId, labId, lab.Steps[stepNumber - 1].Id, ct);
        await rooms.ReloadAsync(workshopId, ct);
        return new Outcome(true, $"the room is locked at step {stepNumber} ({lab.Steps[stepNumber - 1].Title})");
    }

    /// <summary>An attendee raises or lowers their hand (an instructor may lower it for them).</summary>
    public async Task SetHandAsync(string workshopId, string attendeeId, bool raised, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<WorkshopStore>().SetHandAsync(workshopId, attendeeId, raised, ct);
        monitor.Poke(workshopId);
    }

    public async Task<bool> HandRaisedAsync(string workshopId, string attendeeId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WorkshopStore>().FindAttendeeAsync(workshopId, attendeeId, ct) is { HandRaisedAt: not null };
    }

    public void Refresh(string workshopId) => monitor.Poke(workshopId);

    private static async Task<(WorkshopRow?, AttendeeRow?, LearnerId)> FindAsync(AsyncServiceScope scope, string workshopId, string attendeeId, CancellationToken ct)
    {
        var workshop = await scope.ServiceProvider.GetRequiredService<WorkshopStore>().FindAsync(workshopId, ct);
        var attendee = workshop?.Attendees.FirstOrDefault(a => a.Id == attendeeId);
        return attendee is not null && LearnerId.TryParse(attendee.LearnerId, out var learner) ? (workshop, attendee, learner) : (workshop, null, default);
    }

    /// <summary>The holds follow the new times at once (the periodic refresh would catch up within minutes).</summary>
    private async Task HoldAsync(WorkshopStore store, string workshopId, CancellationToken ct)
    {
        if (await store.FindAsync(workshopId, ct) is not { } workshop)
        {
            return;
        }
        foreach (var a in workshop.Attendees)
        {
            if (LearnerId.TryParse(a.LearnerId, out var learner))
            {
                activity.Hold(learner, DateTime.SpecifyKind(WorkshopClusterHolds.HeldUntil(workshop, a), DateTimeKind.Utc));
            }
        }
    }
}
