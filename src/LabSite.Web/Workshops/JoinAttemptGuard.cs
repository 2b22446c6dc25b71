using System.Threading.RateLimiting;
using LabSite.Web.Admission;

namespace LabSite.Web.Workshops;

/// <summary>
/// Limits failed join attempts per client (IPv4 address or IPv6 /64): a wrong, expired or full code costs one attempt, a
/// successful join costs nothing. A classroom behind one NAT address joins all at once; guessing codes stays slow.
/// </summary>
public sealed class JoinAttemptGuard : IDisposable
{
    /// <summary>Failed attempts per client per minute: enough for typos, far too few to guess codes.</summary>
    public const int FailedAttemptsPerMinute = 10;

    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = FailedAttemptsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public static string Client(HttpContext context) => ClientKey.From(context.Connection.RemoteIpAddress) ?? "unknown";

    /// <summary>True when the client used up its failed attempts in this window (asking for zero permits reads the state).</summary>
    public bool IsBlocked(string client)
    {
        using var lease = _failures.AttemptAcquire(client, 0);
        return !lease.IsAcquired;
    }

    public void RecordFailure(string client) => _failures.AttemptAcquire(client, 1).Dispose();

    public void Dispose() => _failures.Dispose();
}
