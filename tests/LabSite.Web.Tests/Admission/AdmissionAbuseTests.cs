using System.Net;
using System.Net.WebSockets;
using System.Text;
using LabSite.Agent.Server;
using LabSite.Testing;
using LabSite.Web.Admission;
using LabSite.Web.Clusters;
using LabSite.Web.Terminal;
using LabSite.Web.Tests.Exams;
using LabSite.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Admission;

/// <summary>
/// The abuse script of issue 16 against the real site (in-memory backend): 500 terminals opened with fresh cookies from
/// one client and from 500 clients. The host never runs more clusters than its capacity, one client gets 429 beyond its
/// limit, the others wait in line with their places, are admitted in order as clusters are freed, and when everyone has
/// gone nothing is left: no cluster, no slot, no waiter, no terminal.
/// </summary>
public sealed class AdmissionAbuseTests : IAsyncLifetime
{
    private const int Capacity = 10;
    private const int PerClient = 3;
    private const string Lab = "policy-basics";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    private readonly InMemoryClusterBackend _backend = new();
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
    private TestSite _site = null!;

    public async Task InitializeAsync() =>
        _site = await TestSite.StartAsync(TestLabs.Catalog(), s =>
        {
            s.AddSingleton(new BackendRouter([_backend]));
            s.AddSingleton<TimeProvider>(_clock);
            s.Configure<LabClusterOptions>(o => (o.SweepInterval, o.IdleTimeout) = (TimeSpan.FromDays(1), TimeSpan.FromMinutes(1)));
            s.Configure<AdmissionOptions>(o => (o.MemoryBudgetMiB, o.MiBPerCluster, o.PerClientLimit, o.QueueTimeout) =
                (Capacity * 10, 10, PerClient, TimeSpan.FromDays(1)));
        });

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private ClusterAdmission Admission => _site.Services.GetRequiredService<ClusterAdmission>();

    private async Task<int> RunningAsync() => (await _backend.ListAsync(default)).Count;

    /// <summary>A terminal with a fresh cookie (none: the site makes a new learner) from <paramref name="client"/>.</summary>
    private Task<WebSocket> OpenTerminalAsync(IPAddress client)
    {
        var ws = _site.NewWebSocketClient();
        ws.ConfigureRequest = request => request.HttpContext.Connection.RemoteIpAddress = client;
        return ws.ConnectAsync(new Uri($"ws://localhost/labs/{Lab}/terminal"), CancellationToken.None);
    }

    [Fact]
    public async Task One_client_with_500_fresh_cookies_gets_its_limit_and_then_429_with_retry_after()
    {
        var client = IPAddress.Parse("203.0.113.7");
        var open = new List<WebSocket>();
        var refused = new List<string>();
        for (var i = 0; i < 500; i++)
        {
            try
            {
                open.Add(await OpenTerminalAsync(client));
            }
            catch (InvalidOperationException e)
            {
                refused.Add(e.Message);
            }
        }

        Assert.Equal(PerClient, open.Count);
        Assert.Equal(500 - PerClient, refused.Count);
        Assert.All(refused, m => Assert.Contains("429", m, StringComparison.Ordinal));
        foreach (var socket in open)
        {
            Assert.Contains("$ ", await ReadUntilAsync(socket, "$ "), StringComparison.Ordinal);
        }
        Assert.Equal(PerClient, await RunningAsync());

        // The no-JavaScript Check from the same client, with yet another cookie: a readable 429 page and Retry-After.
        var browser = _site.NewBrowser(client);
        var token = TestSite.Browser.AntiforgeryToken(await browser.GetPageAsync($"/labs/{Lab}/steps/deploy"));
        var post = new HttpRequestMessage(HttpMethod.Post, $"/labs/{Lab}/steps/deploy/check");
        post.Headers.Add(LabSite.Web.Components.AntiforgeryHeader.Name, token);
        var response = await browser.Http.SendAsync(post);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
        Assert.Contains("<h1>Too many lab clusters</h1>", page, StringComparison.Ordinal);
        Assert.Contains("203.0.113.7", page, StringComparison.Ordinal);
        Assert.Equal(PerClient, await RunningAsync());

        await LeaveAllAsync(open);
    }

    [Fact]
    public async Task Five_hundred_clients_wait_in_line_with_their_places_and_are_admitted_in_order_and_nothing_leaks()
    {
        var sockets = new List<WebSocket>();
        for (var i = 0; i < 500; i++)
        {
            sockets.Add(await OpenTerminalAsync(new IPAddress([10, 1, (byte)(i / 250), (byte)(i % 250 + 1)])));
        }
        for (var i = 0; i < Capacity; i++)
        {
            Assert.Contains("$ ", await ReadUntilAsync(sockets[i], "$ "), StringComparison.Ordinal);
        }
        for (var i = Capacity; i < sockets.Count; i++)
        {
            var place = $"you are number {i - Capacity + 1} in line";
            Assert.Contains(place, await ReadUntilAsync(sockets[i], place), StringComparison.Ordinal);
        }
        Assert.Equal(Capacity, await RunningAsync());
        Assert.Equal((Capacity, 500 - Capacity), (Admission.Read().Slots, Admission.Read().Waiting));

        // The first ten leave; their clusters expire: the next ten in line get them, in order.
        await CloseAsync(sockets.Take(Capacity));
        Assert.Equal(Capacity, (await ExpireAsync(Capacity)).Count);
        for (var i = Capacity; i < 2 * Capacity; i++)
        {
            var text = await ReadUntilAsync(sockets[i], "$ ");
            Assert.Contains("It is your turn", text, StringComparison.Ordinal);
        }
        Assert.Contains("you are number 1 in line", await ReadUntilAsync(sockets[2 * Capacity], "you are number 1 in line"), StringComparison.Ordinal);
        Assert.Equal(Capacity, await RunningAsync());
        Assert.Equal(500 - 2 * Capacity, Admission.Read().Waiting);

        await LeaveAllAsync(sockets.Skip(Capacity).ToList());
    }

    /// <summary>Everyone closes their terminal: the line empties, every cluster expires, and nothing is left.</summary>
    private async Task LeaveAllAsync(IReadOnlyList<WebSocket> sockets)
    {
        await CloseAsync(sockets);
        using var bound = new CancellationTokenSource(s_bound);
        while (Admission.Read().Waiting > 0)
        {
            await Task.Delay(50, bound.Token);
        }
        await ExpireAsync(await RunningAsync());
        Assert.Equal(0, await RunningAsync());
        Assert.Equal((0, 0), (Admission.Read().Slots, Admission.Read().Waiting));
        Assert.Equal(0, _site.Services.GetRequiredService<TerminalSessions>().Count);
    }

    /// <summary>
    /// Moves the clock past the idle timeout once and sweeps until <paramref name="count"/> clusters expired (terminals
    /// detach asynchronously); clusters created after the move are not idle.
    /// </summary>
    private async Task<List<string>> ExpireAsync(int count)
    {
        var expiry = _site.Services.GetRequiredService<ClusterExpiry>();
        var expired = new List<string>();
        using var bound = new CancellationTokenSource(s_bound);
        _clock.Advance(TimeSpan.FromMinutes(2));
        while (expired.Count < count)
        {
            Assert.True(await RunningAsync() <= Capacity);
            expired.AddRange(await expiry.SweepAsync(bound.Token));
            if (expired.Count < count)
            {
                await Task.Delay(50, bound.Token);
            }
        }
        return expired;
    }

    /// <summary>Closes each terminal and waits for the site's close in reply (sent once it has detached the terminal).</summary>
    private static async Task CloseAsync(IEnumerable<WebSocket> sockets)
    {
        var list = sockets.ToList();
        foreach (var socket in list.Where(s => s.State == WebSocketState.Open))
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }
        foreach (var socket in list)
        {
            await ReadUntilAsync(socket, "\0never");
            Assert.Equal(WebSocketState.Closed, socket.State);
        }
    }

    private static async Task<string> ReadUntilAsync(WebSocket socket, string expected)
    {
        var text = new StringBuilder();
        var buffer = new byte[64 * 1024];
        using var bound = new CancellationTokenSource(s_bound);
        while (!text.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var result = await socket.ReceiveAsync(buffer, bound.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        return text.ToString();
    }
}
