using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;

namespace LabSite.Agent.Server.KubeApi.Exec;

/// <summary>
/// One exec on an accepted WebSocket (see <see cref="ExecChannels"/>): the program runs through the cluster contract
/// (<see cref="ILabCluster.ExecAsync"/>) while stdin and resizes come in; at its end the Status goes out on the error
/// channel and the socket closes normally, which is how the client knows every stream is done. A client that goes
/// away stops the program; a client that breaks the protocol (junk on the resize channel, an oversized message) stops
/// it too and is told why in the Status.
/// </summary>
internal sealed class ExecSession(WebSocket socket, ExecOptions options)
{
    /// <summary>Largest message a client may send: client-go writes stdin in 32 KiB pieces.</summary>
    public const int MaxMessageBytes = 256 * 1024;

    /// <summary>How long the client has to answer our close before the connection is dropped.</summary>
    private static readonly TimeSpan s_closeGrace = TimeSpan.FromSeconds(5);

    /// <summary>How long a terminal's program waits for the client's first size (kubectl sends it at once).</summary>
    private static readonly TimeSpan s_firstSizeGrace = TimeSpan.FromSeconds(2);

    private readonly bool _closeSignal = socket.SubProtocol == ExecChannels.V5;
    private string? _brokenBy;

    public async Task RunAsync(ILabCluster cluster, string @namespace, string pod, string container, CancellationToken ct)
    {
        using var sender = new ExecChannelSender(socket);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stdin = options.Stdin ? new Pipe() : null;
        var terminal = options.Tty ? new ExecTerminal(new TerminalSize(80, 24)) : null;
        // kubectl writes stdin and the first size concurrently: a program started before the size is applied would
        // lay out its first output for 80 columns (ls -C typed ahead), so it starts once the size is in (stdin waits).
        var sized = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiving = Task.CompletedTask;
        JsonObject? status;
        try
        {
            // As the kubelet does: an empty message on the lowest channel the client reads says the streams are up.
            await sender.SendAsync(options.Stdout ? ExecChannels.Stdout : options.Stderr ? ExecChannels.Stderr : ExecChannels.Error, ReadOnlyMemory<byte>.Empty, stop.Token);
            receiving = ReceiveAsync(stdin?.Writer, terminal, sized, stop);
            if (terminal is not null)
            {
                await Task.WhenAny(sized.Task, Task.Delay(s_firstSizeGrace, stop.Token));
                stop.Token.ThrowIfCancellationRequested();
            }
            var streams = new ExecStreams(
                options.Stdout ? new ExecChannelStream(sender, ExecChannels.Stdout, stop.Token) : Stream.Null,
                options.Stderr ? new ExecChannelStream(sender, ExecChannels.Stderr, stop.Token) : Stream.Null,
                stdin?.Reader.AsStream(),
                terminal);
            var code = await cluster.ExecAsync(new ExecRequest(@namespace, pod, options.Command, Container: container, Tty: options.Tty), streams, stop.Token);
            status = Broken() ?? (code == 0 ? ExecChannels.Success() : ExecChannels.NonZeroExit(code, options.Command));
        }
        catch (ClusterException e)
        {
            status = Broken() ?? ExecChannels.Failure(e.Message);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            status = Broken(); // else the client went away, and the program was stopped with it
        }
        finally
        {
            stdin?.Reader.Complete();
        }
        if (status is not null)
        {
            await FinishAsync(sender, status, ct);
        }
        if (await Task.WhenAny(receiving, Task.Delay(s_closeGrace, CancellationToken.None)) != receiving)
        {
            socket.Abort();
        }
    }

    private JsonObject? Broken() => _brokenBy is { } why ? ExecChannels.Failure(why, "BadRequest", 400) : null;

    /// <summary>The Status, then a normal close: client-go ends its streams on the close and only then reads the Status.</summary>
    private async Task FinishAsync(ExecChannelSender sender, JsonObject status, CancellationToken ct)
    {
        try
        {
            await sender.SendAsync(ExecChannels.Error, Encoding.UTF8.GetBytes(status.ToJsonString()), ct);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ct);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    /// <summary>Stdin into the program, sizes to its terminal; the client closing (or vanishing) stops the program.</summary>
    private async Task ReceiveAsync(PipeWriter? stdin, ExecTerminal? terminal, TaskCompletionSource sized, CancellationTokenSource stop)
    {
        try
        {
            while (await ReceiveMessageAsync(stop.Token) is { } message)
            {
                if (message.Length == 0)
                {
                    continue;
                }
                var data = message.AsMemory(1);
                switch (message[0])
                {
                    case ExecChannels.Stdin when stdin is not null:
                        // Completed means the program no longer reads stdin (it exited, or took all it may): drop the rest.
                        if ((await stdin.WriteAsync(data, stop.Token)).IsCompleted)
                        {
                            stdin = null;
                        }
                        break;
                    case ExecChannels.Resize when terminal is not null:
                        terminal.Resize(TerminalSizeOf(data.Span));
                        sized.TrySetResult();
                        break;
                    case ExecChannels.Close when _closeSignal && data.Length == 1 && data.Span[0] == ExecChannels.Stdin && stdin is not null:
                        await stdin.CompleteAsync();
                        stdin = null;
                        break;
                    default:
                        break; // channels a client does not write, or streams this exec did not open: ignored, as the kubelet does
                }
            }
        }
        catch (ProtocolException e)
        {
            _brokenBy = e.Message;
            await stop.CancelAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or InvalidOperationException)
        {
            // The session ended, or the connection did.
        }
        finally
        {
            sized.TrySetResult();
            if (stdin is not null)
            {
                await stdin.CompleteAsync();
            }
        }
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseSent))
        {
            await stop.CancelAsync();
        }
    }

    private Task<byte[]?> ReceiveMessageAsync(CancellationToken ct) =>
        WebSocketMessages.ReceiveAsync(socket, MaxMessageBytes, () => new ProtocolException($"exec: a message from the client is larger than {MaxMessageBytes / 1024} KiB, the most one may carry; the command was stopped"), ct);

    /// <summary>A resize message, <c>{"Width":120,"Height":40}</c> (field names in any case, as Go decodes them).</summary>
    private static TerminalSize TerminalSizeOf(ReadOnlySpan<byte> json)
    {
        try
        {
            if (JsonNode.Parse(json) is JsonObject size
                && Dimension(size, "Width") is { } width && Dimension(size, "Height") is { } height)
            {
                return new TerminalSize(width, height);
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
        }
        var text = Encoding.UTF8.GetString(json.Length > 60 ? json[..60] : json);
        throw new ProtocolException($"exec: resize: expected a terminal size such as {{\"Width\":80,\"Height\":24}}, got \"{text}\"; the command was stopped");
    }

    private static int? Dimension(JsonObject size, string name) =>
        size.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value is JsonValue v
            && v.TryGetValue(out int n) && n is >= 0 and <= ushort.MaxValue ? n : null;

    /// <summary>The client broke the remote command protocol; the message says how.</summary>
    private sealed class ProtocolException(string message) : Exception(message);
}
