using System.Net;
using System.Net.Sockets;
using LabSite.Agent.Server.KubeApi;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace LabSite.Agent.Server;

/// <summary>
/// <c>labsite agent</c>: the agent alone, serving its API on a root-only unix socket and nothing else.
/// (<c>labsite serve</c> hosts the same agent in-process: <c>AddLabAgent()</c> + <c>MapAgentApi()</c>.)
/// </summary>
public static class AgentHost
{
    private static readonly KubeApiCertificate s_certificate = new();

    /// <summary>
    /// The standalone agent, hosting the backends <paramref name="addBackends"/> registers (the composition root chooses
    /// them); <paramref name="quiet"/> logs warnings and errors only (an agent inside another command, as <c>lab test</c>).
    /// </summary>
    public static WebApplication Build(AgentOptions options, Action<IServiceCollection> addBackends, bool quiet = false)
    {
        PrepareSocket(options.SocketPath);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration[$"{nameof(AgentOptions)}:{nameof(AgentOptions.SocketPath)}"] = options.SocketPath;
        builder.Configuration[$"{nameof(AgentOptions)}:{nameof(AgentOptions.HubbleTcp)}"] = options.HubbleTcp ? "true" : "false";
        builder.Configuration[$"{nameof(AgentOptions)}:{nameof(AgentOptions.KubeApiPort)}"] = options.KubeApiPort?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Configuration[$"{nameof(AgentOptions)}:{nameof(AgentOptions.KubectlPath)}"] = options.KubectlPath;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.ListenUnixSocket(options.SocketPath);
            if (options.KubeApiPort is { } port)
            {
                k.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(s_certificate.Certificate));
                // Each lab's API inside the lab, on its kubernetes Service address, with that lab's certificate.
                k.Listen(InClusterKubeApi.EndPoint, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificateSelector = (connection, _) => k.ApplicationServices.GetRequiredService<InClusterKubeApi>().CertificateFor(connection),
                }));
            }
        });
        // One line per request would drown what matters in the agent's log; keep hosting and our own messages.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (quiet)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }
        builder.AddLabAgent();
        builder.Services.AddSingleton(s_certificate);
        if (options.KubeApiPort is not null)
        {
            builder.Services.AddSingleton<InClusterKubeApi>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<InClusterKubeApi>());
            builder.Services.AddSingleton<IConnectionListenerFactory>(sp => sp.GetRequiredService<InClusterKubeApi>().Listeners);
        }
        addBackends(builder.Services);

        var app = builder.Build();
        app.Use(InClusterKubeApi.Route);
        app.Use(OnlyKubeApiOverTcp);
        app.UseWebSockets(); // exec sessions (kubectl exec -it)
        app.UseRouting(); // after the in-cluster rewrite, so routes see the lab's prefix
        app.MapAgentApi();
        app.MapKubeApi();
        // Kestrel creates the socket with the process umask; narrow it to root before anyone can use it.
        app.Lifetime.ApplicationStarted.Register(() => RestrictToOwner(options.SocketPath));
        app.Lifetime.ApplicationStopped.Register(() => File.Delete(options.SocketPath));
        return app;
    }

    /// <summary>
    /// Any local user can reach the loopback port, so it answers the labs' Kubernetes APIs (each behind its token)
    /// and nothing else: the agent's own API stays on the root-only socket.
    /// </summary>
    private static Task OnlyKubeApiOverTcp(HttpContext http, Func<Task> next)
    {
        if (http.Connection.LocalIpAddress is not null && !http.Request.Path.StartsWithSegments("/clusters", StringComparison.Ordinal))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        return next();
    }

    private static void RestrictToOwner(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>
    /// Creates the socket's folder (0700, so the socket is never reachable by others, even before its chmod) and
    /// removes a stale socket a crashed agent left; refuses to start when another agent answers on it.
    /// </summary>
    private static void PrepareSocket(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the lab agent runs on Linux only (it owns network namespaces and eBPF programs)");
        }
        var dir = Path.GetDirectoryName(path) ?? "/";
        if (!Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (!File.Exists(path))
        {
            return;
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path);
            return;
        }
        throw new InvalidOperationException($"another lab agent is already listening on {path}");
    }
}
