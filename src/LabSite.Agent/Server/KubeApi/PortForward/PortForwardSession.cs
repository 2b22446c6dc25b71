using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using LabSite.Agent.Server.KubeApi.Exec;
using LabSite.Clusters.Contract;

namespace LabSite.Agent.Server.KubeApi.PortForward;

/// <summary>
/// One port-forward on an accepted WebSocket, framed as the kubelet frames it: port i has data channel 2i and error
/// channel 2i+1, and the first message on each carries the port as a little-endian uint16 (KubernetesClient's
/// StreamDemuxer skips those two bytes). Bytes on a data channel go to the pod's port and back; a connection that
/// fails is reported as text on its error channel. The socket closes normally once every port's connection has ended;
/// the client closing (or vanishing) ends them all.
/// </summary>
internal sealed class PortForwardSession(WebSocket socket, IReadOnlyList<int> ports)
{
    /// <summary>How long the client has to answer our close before the connection is dropped.</summary>
    private static readonly TimeSpan s_closeGrace = TimeSpan.FromSeconds(5);

    public async Task RunAsync(IPodPortForward cluster, string @namespace, string pod, string uid, CancellationToken ct)
    {
        using var sender = new ExecChannelSender(socket);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var toPod = ports.Select(_ => new Pipe()).ToArray();
        var receiving = Task.CompletedTask;
        try
        {
            for (var i = 0; i < ports.Count; i++)
            {
                var header = new byte[2];
                BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)ports[i]);
                await sender.SendAsync(DataChannel(i), header, stop.Token);
                await sender.SendAsync(ErrorChannel(i), header, stop.Token);
            }
            receiving = ReceiveAsync(toPod, stop, ct);
            await Task.WhenAll(ports.Select((port, i) => ForwardAsync(cluster, @namespace, pod, uid, i, toPod[i].Reader, sender, stop.Token)));
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The client went away; its connections were closed with it.
        }
        finally
        {
            await stop.CancelAsync();
        }
        await CloseAsync(ct);
        if (await Task.WhenAny(receiving, Task.Delay(s_closeGrace, CancellationToken.None)) != receiving)
        {
            socket.Abort();
        }
    }

    /// <summary>Our close, whether every connection ended or the client closed first (it waits for our answer).</summary>
    private async Task CloseAsync(CancellationToken ct)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    private static byte DataChannel(int i) => (byte)(2 * i);

    private static byte ErrorChannel(int i) => (byte)((2 * i) + 1);

    /// <summary>One port: connect in the pod, then copy both ways until the pod's side ends or the session stops.</summary>
    private async Task ForwardAsync(IPodPortForward cluster, string @namespace, string pod, string uid, int i, PipeReader fromClient, ExecChannelSender sender, CancellationToken ct)
    {
        Socket connection;
        try
        {
            connection = await cluster.ConnectPodPortAsync(@namespace, pod, ports[i], ct);
        }
        catch (Exception e) when (e is SocketException or ClusterException)
        {
            var why = e is SocketException s ? $"dial tcp4 127.0.0.1:{ports[i]}: connect: {Describe(s.SocketErrorCode)}" : e.Message;
            await sender.SendAsync(ErrorChannel(i), Encoding.UTF8.GetBytes($"error forwarding port {ports[i]} to pod {pod}, uid {uid}: {why}"), ct);
            await fromClient.CompleteAsync();
            return;
        }
        using (connection)
        {
            await using var stream = new NetworkStream(connection, ownsSocket: false);
            var upload = UploadAsync(fromClient, stream, connection, ct);
            try
            {
                await stream.CopyToAsync(new ExecChannelStream(sender, DataChannel(i), ct), ct);
            }
            catch (IOException)
            {
                // The pod reset the connection: this port is done, as when it closes it.
            }
            await fromClient.CompleteAsync();
            await upload;
        }
    }

    /// <summary>The client's bytes into the pod; the client's end (its close) half-closes the pod connection.</summary>
    private static async Task UploadAsync(PipeReader fromClient, NetworkStream stream, Socket connection, CancellationToken ct)
    {
        try
        {
            await fromClient.CopyToAsync(stream, ct);
            connection.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // The connection or the session ended first.
        }
    }

    /// <summary>
    /// Data channel messages into their port's pipe; anything else is ignored, as the kubelet ignores it. Runs until the
    /// client's close (not until ours): a connection dropped with the client's close reply unread is reset, and a reset
    /// makes the client's kernel discard what it had not read yet, the error text included.
    /// </summary>
    private async Task ReceiveAsync(Pipe[] toPod, CancellationTokenSource stop, CancellationToken ct)
    {
        var writers = toPod.Select(p => (PipeWriter?)p.Writer).ToArray();
        try
        {
            while (await WebSocketMessages.ReceiveAsync(socket, ExecSession.MaxMessageBytes, () => new WebSocketException("port-forward: a message over 256 KiB"), ct) is { } message)
            {
                if (message.Length < 2 || message[0] % 2 != 0 || message[0] / 2 >= writers.Length || writers[message[0] / 2] is not { } writer)
                {
                    continue;
                }
                // Completed means the pod's connection is gone: drop what still comes for it.
                if ((await writer.WriteAsync(message.AsMemory(1), ct)).IsCompleted)
                {
                    writers[message[0] / 2] = null;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or InvalidOperationException)
        {
            // The session ended, or the connection did.
        }
        foreach (var writer in writers)
        {
            writer?.Complete();
        }
        // The client closed (or broke) the socket: nothing more can reach it, so every forward ends.
        try
        {
            await stop.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The session had already ended (and dropped the connection after its grace).
        }
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.TimedOut => "connection timed out",
        SocketError.NetworkUnreachable => "network is unreachable",
        _ => error.ToString(),
    };
}
