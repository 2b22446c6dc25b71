using System.Net;
using System.Net.Sockets;
using System.Text;
using LabSite.Clusters.Netns.Pods;
using LabSite.Clusters.Netns.Workloads;

namespace LabSite.Clusters.Netns.Tests.Workloads.Http;

/// <summary>The built-in HTTP workloads over a real loopback socket (no root needed), spoken to with raw HTTP/1.1.</summary>
public sealed class HttpServerTests : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly PodLog _log = new();
    private Task? _serving;

    private async Task<string> Serve(IWorkload workload, string request)
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        var pod = new PodSpec("default", "deathstar-6fb5694d48-5hmds", new Dictionary<string, string>(), [new ContainerSpec("deathstar", "x")]);
        var ctx = new WorkloadContext(pod, pod.Containers[0], IPAddress.Parse("10.1.0.2"), _log);
        var l = workload.Listeners(ctx)[0];
        _serving = workload.Serve(_listener, l, ctx, _stop.Token);
        return await Send(request);
    }

    private async Task<string> Send(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)_listener.LocalEndPoint!);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task DeathStarLandsShips()
    {
        var response = await Serve(new DeathStarWorkload(), "POST /v1/request-landing HTTP/1.1\r\nHost: deathstar\r\nUser-Agent: curl/7.88.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
        Assert.EndsWith("\r\n\r\nShip landed\n", response);
        Assert.Contains("Content-Length: 12\r\n", response);
        var line = Assert.Single(_log.Read(null, null));
        Assert.Matches("^127\\.0\\.0\\.1 - - \\[.*\\] \"POST /v1/request-landing HTTP/1.1\" 200 12 \"-\" \"curl/7.88.1\"$", line);
    }

    [Fact]
    public async Task ExhaustPortExplodesWithTheDemoText()
    {
        var response = await Serve(new DeathStarWorkload(), "PUT /v1/exhaust-port HTTP/1.0\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 503 Service Unavailable\r\n", response);
        Assert.EndsWith("\r\n\r\n" + DeathStarWorkload.PanicText, response);
    }

    [Fact]
    public async Task UnknownPathsAre404AndGarbageIs400()
    {
        Assert.StartsWith("HTTP/1.1 404 Not Found", await Serve(new DeathStarWorkload(), "GET /v2 HTTP/1.0\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 400 Bad Request", await Send("NONSENSE\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 413", await Send("POST /v1/request-landing HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n"));
    }

    [Fact]
    public async Task KeepAliveServesSeveralRequestsOnOneConnection()
    {
        var two = "GET /v1/healthz HTTP/1.1\r\nHost: a\r\n\r\nPOST /v1/request-landing HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc";
        var response = await Serve(new DeathStarWorkload(), two);
        Assert.Equal(2, response.Split("HTTP/1.1 200 OK").Length - 1);
        Assert.EndsWith("Ship landed\n", response);
    }

    [Fact]
    public async Task AResponseArrivesAsHeadAndBodyInOneSegment()
    {
        await Serve(new DeathStarWorkload(), "GET /v1/healthz HTTP/1.0\r\n\r\n");
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(_listener.LocalEndPoint!);
        await s.SendAsync("GET /v1/healthz HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray());
        // One read holds both: a head written apart from its body waits for the client's delayed ACK (40 ms a request).
        var buffer = new byte[4096];
        var text = Encoding.ASCII.GetString(buffer, 0, await s.ReceiveAsync(buffer));
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", text);
        Assert.EndsWith("\r\n\r\n{ \"status\": \"ok\" }\n", text);
    }

    [Fact]
    public async Task TheLastRequestAConnectionMayCarryIsAnsweredWithConnectionClose()
    {
        await Serve(new DeathStarWorkload(), "GET /v1/healthz HTTP/1.0\r\n\r\n");
        using var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)_listener.LocalEndPoint!);
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var closes = new List<int>();
        for (var i = 1; i <= 1000; i++)
        {
            await stream.WriteAsync("GET /v1/healthz HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray());
            var close = false;
            while (await reader.ReadLineAsync() is { Length: > 0 } line)
            {
                close |= line.Equals("Connection: close", StringComparison.OrdinalIgnoreCase);
            }
            Assert.Equal("{ \"status\": \"ok\" }", await reader.ReadLineAsync());
            if (close)
            {
                closes.Add(i);
            }
        }

        Assert.Equal([1000], closes);
        Assert.Null(await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task AgnhostAnswersWithThePodName()
    {
        var response = await Serve(new AgnhostWorkload(), "GET / HTTP/1.0\r\n\r\n");
        Assert.EndsWith("\r\n\r\ndeathstar-6fb5694d48-5hmds", response);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        if (_serving is not null)
        {
            await _serving.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
