using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using LabSite.Clusters.Contract;
using Microsoft.AspNetCore.Connections;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// Each lab's Kubernetes API inside the lab, on its <c>kubernetes</c> Service address (443), as kube-apiserver answers
/// in a real cluster: the backend binds the socket in the lab's network (<see cref="IInClusterNetwork"/>), and the
/// agent's Kestrel serves it through one <see cref="LabListeners"/> endpoint, each connection tagged with its lab. A
/// request there can only name its own lab (<see cref="Route"/> puts the lab's prefix in front of every path), so
/// nothing in a lab reaches another lab's API or the agent's own routes. Sockets follow the labs: opened when the
/// agent creates a lab, closed when it destroys one, and reconciled with the backends' list every few seconds.
/// </summary>
public sealed class InClusterKubeApi(BackendRouter router, KubeApiCertificate authority, ILoggerFactory loggers) : BackgroundService
{
    /// <summary>The endpoint Kestrel listens on for all labs' in-cluster sockets.</summary>
    public static readonly LabEndPoint EndPoint = new("kubernetes: the kubernetes Service address inside each lab");

    private const string InClusterItem = "LabSite.KubeApi.InCluster";
    private static readonly TimeSpan s_reconcileEvery = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, Served> _labs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _log = loggers.CreateLogger<InClusterKubeApi>();

    private sealed record Served(IPAddress ServiceIp, X509Certificate2 Certificate);

    public LabListeners Listeners { get; } = new(EndPoint, loggers);

    /// <summary>The URL in-cluster clients of <paramref name="lab"/> use (the Service address); null when it has none open.</summary>
    public string? ServerUrl(string lab) => _labs.TryGetValue(lab, out var served) ? $"https://{served.ServiceIp}" : null;

    /// <summary>The certificate for a connection on a lab's in-cluster socket (Kestrel's certificate selector).</summary>
    public X509Certificate2? CertificateFor(ConnectionContext? connection) =>
        connection?.Features.Get<LabConnectionFeature>() is { } lab && _labs.TryGetValue(lab.Lab, out var served) ? served.Certificate : null;

    /// <summary>
    /// Middleware: a request on a lab's in-cluster socket is routed under that lab's <c>/clusters/LAB</c> prefix, whatever
    /// its path says (a path naming another lab becomes a path below this one, which does not exist).
    /// </summary>
    public static Task Route(HttpContext http, Func<Task> next)
    {
        if (http.Features.Get<LabConnectionFeature>() is { } lab)
        {
            http.Request.Path = new PathString("/clusters/" + Uri.EscapeDataString(lab.Lab)).Add(http.Request.Path);
            http.Items[InClusterItem] = true;
        }
        return next();
    }

    /// <summary>Whether the request came in on a lab's in-cluster socket (its paths have no <c>/clusters/LAB</c> prefix).</summary>
    public static bool IsInCluster(HttpContext http) => http.Items.ContainsKey(InClusterItem);

    /// <summary>Opens <paramref name="lab"/>'s in-cluster socket when its backend offers one (idempotent).</summary>
    public async Task OpenAsync(string lab, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await OpenLockedAsync(lab, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes <paramref name="lab"/>'s socket and ends its connections (idempotent).</summary>
    public async Task CloseAsync(string lab)
    {
        await _gate.WaitAsync();
        try
        {
            await CloseLockedAsync(lab);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task OpenLockedAsync(string lab, CancellationToken ct)
    {
        if (_labs.ContainsKey(lab) || await router.FindAsync(lab, ct) is not IInClusterNetwork network)
        {
            return;
        }
        var socket = await network.ListenKubernetesApiAsync(ct);
        var served = new Served(network.KubernetesServiceIp, authority.IssueInCluster(network.KubernetesServiceIp));
        _labs[lab] = served;
        Listeners.Adopt(lab, socket);
    }

    private async Task CloseLockedAsync(string lab)
    {
        if (_labs.TryRemove(lab, out var served))
        {
            await Listeners.CloseAsync(lab);
            served.Certificate.Dispose();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(stoppingToken);
                await Task.Delay(s_reconcileEvery, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _log.LogWarning(e, "in-cluster Kubernetes API: reconciling with the labs failed; retrying");
                await Task.Delay(s_reconcileEvery, CancellationToken.None);
            }
        }
        foreach (var lab in _labs.Keys.ToList())
        {
            await CloseAsync(lab);
        }
    }

    private async Task ReconcileAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var live = (await router.ListAsync(ct)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in _labs.Keys.Where(l => !live.Contains(l)).ToList())
            {
                await CloseLockedAsync(gone);
            }
            foreach (var lab in live.Where(l => !_labs.ContainsKey(l)))
            {
                try
                {
                    await OpenLockedAsync(lab, ct);
                }
                catch (ClusterException e)
                {
                    // A lab being destroyed, or one whose network refused the bind: the next round tries again.
                    _log.LogDebug(e, "in-cluster Kubernetes API of {Lab} not opened", lab);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }
}
