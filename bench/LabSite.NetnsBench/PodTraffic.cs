using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Netns;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.NetnsBench;

/// <summary>
/// A small TCP sender/receiver between two pod namespaces (instead of iperf3/netperf): sockets are created on
/// threads inside the pods' namespaces and keep them for life. Every loop is bounded by a deadline.
/// </summary>
public static class PodTraffic
{
    private const int BufferBytes = 256 * 1024;

    /// <summary>A listener inside a pod's namespace.</summary>
    public static Task<Socket> ListenAsync(string podNetns, int port) => NetnsThread.RunAsync(LabNames.NetnsPath(podNetns), () =>
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        s.Bind(new IPEndPoint(IPAddress.Any, port));
        s.Listen(512);
        return s;
    });

    /// <summary>True when a connection from the client pod to the server opens within the timeout.</summary>
    public static async Task<bool> CanConnectAsync(string clientNetns, IPEndPoint server, TimeSpan timeout)
    {
        using var s = await NetnsThread.RunAsync(LabNames.NetnsPath(clientNetns), () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await s.ConnectAsync(server, cts.Token);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return false;
        }
    }

    /// <summary>One stream from client to server for <paramref name="duration"/>: the receiver's goodput in Gbit/s, per GB.</summary>
    public static async Task<Measured> StreamGbitsAsync(string clientNetns, Socket listener, IPEndPoint server, TimeSpan duration)
    {
        var accept = listener.AcceptAsync();
        using var client = await NetnsThread.RunAsync(LabNames.NetnsPath(clientNetns), () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        await client.ConnectAsync(server);
        using var conn = await accept;
        var receive = Task.Factory.StartNew(() => Drain(conn), TaskCreationOptions.LongRunning);
        var send = Task.Factory.StartNew(() => Send(client, duration), TaskCreationOptions.LongRunning);
        await send;
        var (bytes, seconds) = await receive;
        return new Measured(bytes * 8 / seconds / 1e9, bytes / 1e9);
    }

    /// <summary>
    /// Sequential connect → server closes → client closes, for <paramref name="duration"/> (netperf's TCP_CRR
    /// without payload); connections per second. The server closes first, so TIME_WAIT stays on its side and the
    /// client's ephemeral ports are not exhausted.
    /// </summary>
    public static async Task<Measured> ConnectionsPerSecondAsync(string clientNetns, Socket listener, IPEndPoint server, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource();
        var acceptor = Task.Factory.StartNew(() => AcceptAndClose(listener, stop.Token), TaskCreationOptions.LongRunning);
        var (count, seconds) = await NetnsThread.RunAsync(LabNames.NetnsPath(clientNetns), () => ConnectLoop(server, duration));
        await stop.CancelAsync();
        // Wakes the acceptor blocked in Accept with one last connection.
        await CanConnectAsync(clientNetns, server, TimeSpan.FromSeconds(1));
        await acceptor;
        return new Measured(count / seconds, count);
    }

    private static void Send(Socket s, TimeSpan duration)
    {
        var buffer = new byte[BufferBytes];
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < duration)
        {
            s.Send(buffer);
        }
        s.Shutdown(SocketShutdown.Send);
    }

    private static (long Bytes, double Seconds) Drain(Socket s)
    {
        var buffer = new byte[BufferBytes];
        long total = 0;
        Stopwatch? sw = null;
        int n;
        while ((n = s.Receive(buffer)) > 0)
        {
            sw ??= Stopwatch.StartNew();
            total += n;
        }
        return (total, sw?.Elapsed.TotalSeconds ?? 1);
    }

    private static void AcceptAndClose(Socket listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var c = listener.Accept();
        }
    }

    private static (int Count, double Seconds) ConnectLoop(IPEndPoint server, TimeSpan duration)
    {
        var buffer = new byte[16];
        var count = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < duration)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(server);
            // Waits for the server's FIN, so the connection really completed both ways.
            while (s.Receive(buffer) > 0)
            {
            }
            count++;
        }
        return (count, sw.Elapsed.TotalSeconds);
    }
}

/// <summary>A rate (Gbit/s, conn/s) and how many units (GB, connections) it was measured over.</summary>
public readonly record struct Measured(double Rate, double Units);
