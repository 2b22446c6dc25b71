using System.Collections.Concurrent;

namespace LabSite.Web.Workshops.Webhooks;

/// <summary>The last attempts per workshop (newest first, bounded), for the console; kept in memory only.</summary>
public sealed class WebhookLog
{
    public const int PerWorkshop = 20;

    private readonly ConcurrentDictionary<string, LinkedList<WebhookAttempt>> _attempts = new(StringComparer.Ordinal);

    public event Action<string>? Changed;

    public void Add(string workshopId, WebhookAttempt attempt)
    {
        var list = _attempts.GetOrAdd(workshopId, _ => new LinkedList<WebhookAttempt>());
        lock (list)
        {
            list.AddFirst(attempt);
            while (list.Count > PerWorkshop)
            {
                list.RemoveLast();
            }
        }
        Changed?.Invoke(workshopId);
    }

    public IReadOnlyList<WebhookAttempt> Recent(string workshopId)
    {
        if (!_attempts.TryGetValue(workshopId, out var list))
        {
            return [];
        }
        lock (list)
        {
            return [.. list];
        }
    }
}
