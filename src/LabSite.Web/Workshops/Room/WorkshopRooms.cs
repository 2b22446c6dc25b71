using System.Collections.Concurrent;
using LabSite.Web.Labs;

namespace LabSite.Web.Workshops.Room;

/// <summary>
/// The live rooms by workshop id, created on first use from the store (so pacing and the broadcast survive a site
/// restart; presence and take-over consents do not). Singleton.
/// </summary>
public sealed class WorkshopRooms(IServiceScopeFactory scopes, LabCatalogSource catalog)
{
    private readonly ConcurrentDictionary<string, WorkshopRoom> _rooms = new(StringComparer.Ordinal);

    public IReadOnlyList<WorkshopRoom> Open => [.. _rooms.Values];

    /// <summary>The room of a workshop, or null when no workshop has that id.</summary>
    public async Task<WorkshopRoom?> GetAsync(string workshopId, CancellationToken ct = default)
    {
        if (_rooms.TryGetValue(workshopId, out var room))
        {
            return room;
        }
        if (await ReadAsync(workshopId, ct) is not { } settings)
        {
            return null;
        }
        return _rooms.GetOrAdd(workshopId, id => new WorkshopRoom(id, settings));
    }

    /// <summary>Puts a room with known settings in place (component tests, which have no store).</summary>
    internal WorkshopRoom Seed(string workshopId, RoomSettings settings) => _rooms.GetOrAdd(workshopId, id => new WorkshopRoom(id, settings));

    /// <summary>Reads the room's settings again after the store changed them, and tells everyone in the room.</summary>
    public async Task ReloadAsync(string workshopId, CancellationToken ct = default)
    {
        if (_rooms.TryGetValue(workshopId, out var room) && await ReadAsync(workshopId, ct) is { } settings)
        {
            room.Update(settings);
        }
    }

    private async Task<RoomSettings?> ReadAsync(string workshopId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var w = await scope.ServiceProvider.GetRequiredService<WorkshopStore>().FindAsync(workshopId, ct);
        if (w is null)
        {
            return null;
        }
        PaceLock? pace = null;
        if (w.PaceLabId is { } labId && w.PaceStepId is { } stepId && catalog.Current.Find(labId)?.FindStep(stepId) is { } step)
        {
            pace = new PaceLock(labId, stepId, step.Index + 1, step.Title);
        }
        return new RoomSettings(w.Title, w.LabIds.Split(','), Utc(w.EndsAt), pace, w.Broadcast, w.BroadcastAt is { } at ? Utc(at) : null,
            w.PausedAt is { } paused ? Utc(paused) : null);
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
