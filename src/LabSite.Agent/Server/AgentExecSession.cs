using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text.Json;
using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using Microsoft.AspNetCore.Mvc;

namespace LabSite.Agent.Server;

/// <summary>
/// <c>GET /v1/clusters/{name}/exec/session</c> (WebSocket): an interactive exec, streaming both ways (see
/// <see cref="AgentProtocol"/>). One JSON text message each way per frame: the client's <see cref="ExecBody"/> first,
/// then <see cref="ExecInput"/>s; the agent's <see cref="ExecFrame"/>s, the same as the NDJSON exec stream's lines.
/// </summary>
internal static class AgentExecSession
{
    /// <summary>Largest client message: a generous paste, base64-encoded.</summary>
    public const int MaxMessageBytes = 256 * 1024;

    public static async Task RunAsync([FromRoute(Name = "cluster")] string name, BackendRouter agent, HttpContext http, CancellationToken ct)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await AgentApi.Error(400, $"an exec session is a WebSocket: open {AgentRoutes.ExecSession} with an Upgrade request").ExecuteAsync(http);
            return;
        }
        if (await agent.FindAsync(name, ct) is not { } cluster)
        {
            await AgentApi.NoSuchCluster(name).ExecuteAsync(http);
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var sender = new Sender(socket);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ExecFrame last;
        try
        {
            var body = JsonSerializer.Deserialize<ExecBody>(await ReceiveAsync(socket, stop.Token) ?? [], AgentProtocol.Json)
                ?? throw new ClusterException("exec session: the first message must be the exec (an ExecBody)");
            if (body.Command is not { Count: > 0 })
            {
                throw new ClusterException("exec needs a command, e.g. [\"sh\"]");
            }
            var keys = new Pipe();
            var window = new ExecTerminal(new TerminalSize(body.Columns ?? 80, body.Rows ?? 24));
            var streams = new ExecStreams(
                new ExecFrameStream(sender.SendAsync, "stdout", stop.Token),
                new ExecFrameStream(sender.SendAsync, "stderr", stop.Token),
                keys.Reader.AsStream(),
                body.Tty ? window : null);
            _ = ReceiveInputAsync(socket, keys.Writer, window, stop);
            var timeout = body.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            var code = await cluster.ExecAsync(new ExecRequest(body.Namespace, body.Pod, body.Command, timeout, body.Container, body.Tty), streams, stop.Token);
            last = new ExecFrame(Exit: code);
            await keys.Writer.CompleteAsync();
        }
        catch (Exception e) when (e is ClusterException or JsonException or ArgumentException)
        {
            last = new ExecFrame(Error: e.Message);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            return; // the client went away; the program was stopped with it
        }
        try
        {
            await sender.SendAsync(last, ct);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "exec ended", ct);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    /// <summary>Typed bytes into the program, resizes to its window; the client closing (or vanishing) ends the exec.</summary>
    private static async Task ReceiveInputAsync(WebSocket socket, PipeWriter keys, ExecTerminal window, CancellationTokenSource stop)
    {
        try
        {
            while (await ReceiveAsync(socket, stop.Token) is { } message)
            {
                var input = JsonSerializer.Deserialize<ExecInput>(message, AgentProtocol.Json);
                if (input?.Data is { } data)
                {
                    await keys.WriteAsync(Convert.FromBase64String(data), stop.Token);
                }
                if (input is { Columns: { } columns, Rows: { } rows })
                {
                    window.Resize(new TerminalSize(columns, rows));
                }
                if (input?.Eof == true)
                {
                    await keys.CompleteAsync();
                }
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ClusterException)
        {
            // A malformed or oversized message ends the input, not the agent.
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        await keys.CompleteAsync();
        if (socket.State != WebSocketState.Open && socket.State != WebSocketState.CloseSent)
        {
            await stop.CancelAsync();
        }
    }

    private static Task<byte[]?> ReceiveAsync(WebSocket socket, CancellationToken ct) =>
        WebSocketMessages.ReceiveAsync(socket, MaxMessageBytes, () => new ClusterException($"exec session: messages are limited to {MaxMessageBytes} bytes"), ct);

    /// <summary>Serializes frames from the stdout and stderr pumps onto the one socket.</summary>
    private sealed class Sender(WebSocket socket)
    {
        private readonly SemaphoreSlim _lock = new(1, 1);

        public async Task SendAsync(ExecFrame frame, CancellationToken ct)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, AgentProtocol.Json);
            await _lock.WaitAsync(ct);
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct);
            }
            finally
            {
                _lock.Release();
            }
        }
    }
}
