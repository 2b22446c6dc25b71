using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract.Flows;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace LabSite.Agent.Server.Hubble;

/// <summary>
/// Serves Hubble's Observer gRPC API for every lab cluster the agent hosts, as the Cilium agent serves
/// <c>hubble.sock</c>: plaintext HTTP/2 on a unix socket per lab (<c>&lt;agent socket folder&gt;/hubble/&lt;lab&gt;.sock</c>,
/// mode 0660 in a 0750 folder), and on a kernel-chosen loopback TCP port per lab when <see cref="AgentOptions.HubbleTcp"/>
/// is set. One small gRPC host apart from the agent's API (so a Hubble socket never reaches the agent's routes), one
/// Kestrel listener for all labs (<see cref="LabListeners"/>). Sockets follow the labs: opened when the agent
/// creates a lab, closed when it destroys one, and reconciled with the backends' list every few seconds for labs
/// that come or go otherwise.
/// </summary>
public sealed class HubbleServer(BackendRouter router, IOptions<AgentOptions> options, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan s_reconcileEvery = TimeSpan.FromSeconds(2);
    private static readonly LabEndPoint s_endpoint = new("hubble: one unix socket per lab");
    private readonly LabListeners _listeners = new(s_endpoint, loggers);
    private readonly ConcurrentDictionary<string, HubbleEndpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _log = loggers.CreateLogger<HubbleServer>();
    private WebApplication? _app;
    private Task _reconcile = Task.CompletedTask;

    /// <summary>Where the labs' sockets live: a <c>hubble</c> folder next to the agent's own socket.</summary>
    public string SocketDirectory => Path.Combine(Path.GetDirectoryName(options.Value.SocketPath) ?? "/", "hubble");

    /// <summary>Where <paramref name="lab"/>'s Hubble API answers; null when it has no socket (no such lab).</summary>
    public HubbleEndpoint? Endpoint(string lab) => _endpoints.GetValueOrDefault(lab);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Hubble sockets are served on Linux only, as the lab agent runs there");
        }
        // Group may traverse (0750), so an operator can hand the Hubble sockets to a group, as Cilium's 0660 hubble.sock.
        Directory.CreateDirectory(SocketDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning); // the agent's host says it started
        builder.Services.AddSingleton(router);
        builder.Services.AddSingleton<IConnectionListenerFactory>(_listeners);
        builder.Services.AddGrpc();
        // Plaintext gRPC is HTTP/2 with prior knowledge: no HTTP/1.1 on these sockets.
        builder.WebHost.ConfigureKestrel(k => k.Listen(s_endpoint, l => l.Protocols = HttpProtocols.Http2));
        _app = builder.Build();
        _app.MapGrpcService<HubbleObserverService>();
        await _app.StartAsync(cancellationToken);
        _reconcile = ReconcileLoopAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _reconcile;
        foreach (var lab in _endpoints.Keys.ToList())
        {
            await CloseAsync(lab);
        }
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
        _stopping.Dispose();
        _gate.Dispose();
    }

    /// <summary>Opens <paramref name="lab"/>'s sockets (idempotent) and returns where they answer.</summary>
    public async Task<HubbleEndpoint> OpenAsync(string lab, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return await OpenLockedAsync(lab, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes <paramref name="lab"/>'s sockets, ends its streams and removes the socket file (idempotent).</summary>
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

    private async Task<HubbleEndpoint> OpenLockedAsync(string lab, CancellationToken ct)
    {
        if (_endpoints.TryGetValue(lab, out var open))
        {
            return open;
        }
        var path = Path.Combine(SocketDirectory, lab + ".sock");
        // A socket file left by a crashed agent would make bind fail; this folder is ours.
        File.Delete(path);
        EndPoint[] wanted = options.Value.HubbleTcp
            ? [new UnixDomainSocketEndPoint(path), new IPEndPoint(IPAddress.Loopback, 0)]
            : [new UnixDomainSocketEndPoint(path)];
        var bound = await _listeners.OpenAsync(lab, wanted, ct);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Hubble sockets are served on Linux only");
        }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        var endpoint = new HubbleEndpoint(path, bound.OfType<IPEndPoint>().FirstOrDefault()?.ToString());
        _endpoints[lab] = endpoint;
        return endpoint;
    }

    private async Task CloseLockedAsync(string lab)
    {
        if (!_endpoints.TryRemove(lab, out var endpoint))
        {
            return;
        }
        await _listeners.CloseAsync(lab);
        File.Delete(endpoint.Unix);
    }

    private async Task ReconcileLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(ct);
                await Task.Delay(s_reconcileEvery, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _log.LogWarning(e, "Hubble sockets: reconciling with the labs failed; retrying");
                await Task.Delay(s_reconcileEvery, CancellationToken.None);
            }
        }
    }

    /// <summary>Opens sockets for labs without one and closes those of labs that are gone; under the gate, so a create or destroy in between cannot be undone.</summary>
    private async Task ReconcileAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var live = (await router.ListAsync(ct)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in _endpoints.Keys.Where(l => !live.Contains(l)).ToList())
            {
                await CloseLockedAsync(gone);
            }
            foreach (var lab in live.Where(l => !_endpoints.ContainsKey(l)))
            {
                await OpenLockedAsync(lab, ct);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
