using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using LabSite.Agent.Server;
using LabSite.Web.Admission;
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
            ? new AgentClusterLocator(agent, sp.GetRequiredService<ClusterActivity>(), sp.GetRequiredService<ClusterRestorer>(), sp.GetService<ClusterAdmission>(),
                sp.GetRequiredService<LabClusterRequests>(), sp.GetService<Clusters.Pool.WarmPool>())
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

    private static async Task HandleAsync(
        HttpContext context, string labId, string? tab, LabCatalogSource catalog, TerminalSessions sessions, IServiceProvider services)
    {
        var admission = services.GetService<ClusterAdmission>();
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
        WebSocket? waiting = null;
        // While waiting in line the browser's messages are read (to see it leave) and dropped, but for its last resize;
        // the same read loop then feeds the session.
        TerminalSession? started = null;
        byte[]? lastResize = null;
        Task? receiving = null;
        TerminalSession session;
        while (true)
        {
            try
            {
                session = await sessions.GetOrStartAsync(learner, lab, terminalTab, context.RequestAborted);
                break;
            }
            catch (ClusterAdmissionException e) when (e.Decision.Outcome == AdmissionOutcome.Queued && admission is not null)
            {
                // The host is full: the terminal waits in line, showing its place, and starts when admitted.
                waiting ??= await context.WebSockets.AcceptWebSocketAsync();
                receiving ??= ReceiveAsync(waiting, message =>
                {
                    if (started is { } s)
                    {
                        return HandleMessageAsync(s, message, inputAllowed: () => true, resize: true);
                    }
                    lastResize = message.AsSpan().IndexOf("\"resize\""u8) >= 0 ? message : lastResize;
                    return Task.CompletedTask;
                }, context.RequestAborted);
                if (!await WaitInLineAsync(waiting, admission, AgentClusterLocator.ClusterName(learner, lab.Id), receiving, context.RequestAborted))
                {
                    if (waiting.State == WebSocketState.CloseReceived)
                    {
                        await waiting.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    }
                    waiting.Dispose();
                    return;
                }
            }
            catch (ClusterAdmissionException e) when (waiting is not null)
            {
                await SendTextAsync(waiting, "\r\n" + e.Message + "\r\n", CancellationToken.None);
                await waiting.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "no lab cluster can start now", CancellationToken.None);
                waiting.Dispose();
                return;
            }
        }
        using var socket = waiting ?? await context.WebSockets.AcceptWebSocketAsync();
        var output = session.Attach();
        started = session;
        if (lastResize is not null)
        {
            await HandleMessageAsync(session, lastResize, inputAllowed: () => false, resize: true);
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var sending = SendAsync(socket, output, stop.Token);
        try
        {
            await (receiving ?? ReceiveAsync(socket, message => HandleMessageAsync(session, message, inputAllowed: () => true, resize: true), stop.Token));
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

    /// <summary>
    /// Tells the waiting terminal its place in line whenever it changes, until the cluster is admitted (true) or the
    /// browser goes away (false: the place is given up). Asking for the place every few seconds keeps it.
    /// </summary>
    /// <param name="receiving">The socket's read loop: it ends when the browser closes.</param>
    private static async Task<bool> WaitInLineAsync(WebSocket socket, ClusterAdmission admission, string cluster, Task receiving, CancellationToken ct)
    {
        var shown = 0;
        try
        {
            while (admission.Position(cluster) is { } position)
            {
                if (position != shown)
                {
                    shown = position;
                    await SendTextAsync(socket, $"\r\nThis host runs all the lab clusters it can right now: you are number {position} in line. " +
                        "This terminal starts when it is your turn.\r\n", ct);
                }
                if (await Task.WhenAny(admission.TurnAsync(cluster), receiving, Task.Delay(TimeSpan.FromSeconds(2), ct)) == receiving)
                {
                    admission.Leave(cluster);
                    return false;
                }
                ct.ThrowIfCancellationRequested();
            }
            await SendTextAsync(socket, "\r\nIt is your turn: starting your lab cluster…\r\n", ct);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            admission.Leave(cluster);
            return false;
        }
    }

    private static Task SendTextAsync(WebSocket socket, string text, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);

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
