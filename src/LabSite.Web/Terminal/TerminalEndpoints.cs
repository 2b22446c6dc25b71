using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using LabSite.Agent.Server;
using LabSite.Web.Clusters;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Workspace;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabSite.Web.Terminal;

/// <summary>
/// <c>GET /labs/{labId}/terminal?tab=N</c> (WebSocket): one of the lab player's terminal tabs (1 when no tab is given; at
/// most <see cref="TerminalTab.MaxPerLab"/>). The browser sends JSON text messages, <c>{"type":"input","data":"..."}</c>
/// (keys as xterm.js reports them) and <c>{"type":"resize","cols":80,"rows":24}</c>; the server sends VT100 text.
/// Cross-site pages cannot open it: the Origin must be this site. <c>POST /labs/{labId}/terminal/close?tab=N</c> (a tab's
/// × button) ends that tab's shell.
/// </summary>
public static class TerminalEndpoints
{
    /// <summary>Largest message accepted from a browser: a generous paste.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    public static IServiceCollection AddLabTerminals(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        // A lab agent is registered when `labsite serve` hosts or reaches one; without it kubectl says no cluster runs.
        services.AddSingleton<ILabClusterLocator>(sp => sp.GetService<BackendRouter>() is { } agent
            ? new AgentClusterLocator(agent, sp.GetRequiredService<ClusterActivity>(), sp.GetRequiredService<ClusterRestorer>(),
                labId => sp.GetService<Labs.LabCatalogSource>()?.Current.Find(labId)?.Meta.Outside)
            : new NoClusterLocator());
        services.AddSingleton<LabFolders>();
        services.AddSingleton<TerminalSessions>();
        return services;
    }

    public static IEndpointRouteBuilder MapTerminalEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/labs/{labId}/terminal", HandleAsync).WithName("LabTerminal");
        app.MapPost("/labs/{labId}/terminal/close", Close).AddEndpointFilter<AntiforgeryCheck>().WithName("CloseLabTerminal");
        return app;
    }

    private static async Task HandleAsync(HttpContext context, string labId, string? tab, LabCatalogSource catalog, TerminalSessions sessions)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This is the lab terminal's WebSocket endpoint; open the lab in a browser.");
            return;
        }
        if (!SameOrigin(context))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        if (catalog.Current.Find(labId) is not { } lab)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!TerminalTab.TryParse(tab, out var terminalTab, out var error))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(error);
            return;
        }
        var learner = context.GetLearnerId();
        var session = await sessions.GetOrStartAsync(learner, lab, terminalTab, context.RequestAborted);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var output = session.Attach();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var sending = SendAsync(socket, output, stop.Token);
        try
        {
            await ReceiveAsync(socket, message => HandleMessageAsync(session, message, inputAllowed: () => true, resize: true), stop.Token);
        }
        finally
        {
            session.Detach(output);
            await stop.CancelAsync();
            await sending;
        }
        if (socket.State == WebSocketState.CloseReceived)
        {
            // Complete the browser's close handshake (the sender has stopped, so nothing else writes).
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }
    }

    /// <summary>Ends one tab's shell; its socket, if attached, is closed normally (the page has already removed the tab).</summary>
    private static Results<NoContent, NotFound, ProblemHttpResult> Close(HttpContext context, string labId, string? tab, TerminalSessions sessions)
    {
        if (!TerminalTab.TryParse(tab, out var terminalTab, out var error))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No such terminal tab.", detail: error);
        }
        return sessions.Close(context.GetLearnerId(), labId, terminalTab) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    internal static bool SameOrigin(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        // Non-browser clients send no Origin; browsers always do on WebSocket requests.
        return origin.Length == 0 || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    internal static async Task SendAsync(WebSocket socket, System.Threading.Channels.ChannelReader<string> output, CancellationToken ct)
    {
        try
        {
            await foreach (var text in output.ReadAllAsync(ct))
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);
            }
            // The channel completed: the shell exited or another browser tab took the session over.
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "session ended or moved", ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The browser went away; the session stays for a reconnect.
        }
    }

    internal static async Task ReceiveAsync(WebSocket socket, Func<byte[], Task> handle, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
                if (message.Length + result.Count > MaxMessageBytes)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"messages are limited to {MaxMessageBytes} bytes", ct);
                    return;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }
                await handle(message.ToArray());
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // Disconnected; the session stays for a reconnect.
        }
    }

    /// <summary>
    /// Applies one browser message; malformed ones are ignored (a terminal must not die of a bad frame). Input reaches
    /// the shell only while <paramref name="inputAllowed"/> says so (an instructor's shadow: only after the attendee consented).
    /// </summary>
    internal static async Task HandleMessageAsync(TerminalSession session, byte[] message, Func<bool> inputAllowed, bool resize)
    {
        try
        {
            using var json = JsonDocument.Parse(message);
            var root = json.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "input" when root.GetProperty("data").GetString() is { } data && inputAllowed():
                    await session.InputAsync(data);
                    break;
                case "resize" when resize:
                    await session.ResizeAsync(root.GetProperty("cols").GetInt32(), root.GetProperty("rows").GetInt32());
                    break;
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
        }
    }
}
